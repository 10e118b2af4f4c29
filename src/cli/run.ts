// `kbench run`: the options become a RunSpec (and nothing else happens here); the runner produces
// the results document; the views render it.
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { parseBrokerList } from '../broker/admin.js';
import { DRIVERS, driverIds } from '../drivers/registry.js';
import type { RunSpec } from '../plan/plan.js';
import { SCENARIOS, type Acks, type Compression, type Connection, type ResultsDocument, type SaslMechanism, type ScenarioId } from '../results/types.js';
import { ALL_SASL_MECHANISMS } from '../drivers/security.js';
import { validateBrokerUser } from '../broker/security.js';
import { ENV_PASSWORD, ENV_USERNAME, resolveCredentials, secretClientConfigKeys } from './secrets.js';
import { runBenchmark } from '../runner/run.js';
import { UsageError } from '../util/errors.js';
import { parseChoice, parseChoices, parseIntOption, parseKeyValue, parseList, parseNumberOption, parseSizes } from './parse.js';
import { ProgressUi } from './progress.js';
import { readWorkload } from './workload.js';
import { useColor } from './report.js';

export const SUITES = ['seeds', 'seeds-full'] as const;
const ACKS: readonly Acks[] = ['0', '1', 'all'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface RunOptions {
  drivers?: string;
  scenarios?: string;
  sizes?: string;
  messages?: string;
  syncMessages?: string;
  e2eMessages?: string;
  warmup?: string;
  repeat?: string;
  acks?: string;
  partitions?: string;
  replication?: string;
  nodes?: string;
  compression?: string;
  lingerMs?: string;
  batchSize?: string;
  sendBatch?: string;
  idempotence?: boolean;
  rate?: string;
  workers?: string;
  brokers?: string;
  timeout?: string;
  brokerWarmup?: string;
  baseline?: string;
  workload?: string;
  quick?: boolean;
  suite?: string;
  kafkaVersion?: string;
  heap?: string;
  clientConfig?: Record<string, string>;
  sasl?: boolean;
  saslMechanism?: string;
  saslUsername?: string;
  secretsFile?: string;
  tls?: boolean;
  tlsCa?: string;
  out?: string;
  report?: string;
  md?: string;
  quiet?: boolean;
  injectFault?: string;
}

interface SuiteDefaults {
  scenarios: ScenarioId[];
  sizes: number[];
  messages: number;
  syncMessages: number;
  e2eMessages: number;
  repeat: number;
}

/** The seeds' suite by default; --quick shrinks it; seeds-full is the studies' full size. */
export function suiteDefaults(suite: string | undefined, quick: boolean): SuiteDefaults {
  if (suite === 'seeds-full') return { scenarios: ['producer-sync', 'producer-async', 'consumer'], sizes: [10, 100, 1024], messages: 1_000_000, syncMessages: 10_000, e2eMessages: 20_000, repeat: 5 };
  if (quick) return { scenarios: ['producer-sync', 'producer-async', 'consumer'], sizes: [100], messages: 20_000, syncMessages: 300, e2eMessages: 2_000, repeat: 1 };
  return { scenarios: ['producer-sync', 'producer-async', 'consumer'], sizes: [100], messages: 100_000, syncMessages: 1_000, e2eMessages: 10_000, repeat: 2 };
}

/** A readable PEM file of certificates, or a UsageError naming the option. */
function checkCaFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--tls-ca ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--tls-ca ${file}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`);
  return path.resolve(file);
}

/**
 * The security options: the connection's SASL / TLS with --brokers, else what the embedded broker
 * gets. Passwords come from KBENCH_SASL_PASSWORD or --secrets-file only, never from an option.
 */
export function securityOf(o: RunOptions, warnings: string[], env: NodeJS.ProcessEnv = process.env): { connection?: Pick<Connection, 'sasl' | 'ssl'>; embedded?: RunSpec['embeddedSecurity'] } {
  const sasl = Boolean(o.sasl || o.saslMechanism);
  const tls = Boolean(o.tls || o.tlsCa);
  const secretKeys = secretClientConfigKeys(o.clientConfig ?? {});
  if (secretKeys.length) {
    throw new UsageError(`--client-config ${secretKeys.join(', ')}: secrets are not taken on the command line (other users see it in ps); the SASL password goes in ${ENV_PASSWORD} or --secrets-file`);
  }
  if (!sasl && (o.saslUsername || o.secretsFile)) throw new UsageError('--sasl-username and --secrets-file need --sasl (or --sasl-mechanism)');
  if (!sasl && !tls) return {};
  const mechanism: SaslMechanism = o.saslMechanism ? parseChoice(o.saslMechanism.toLowerCase(), '--sasl-mechanism', ALL_SASL_MECHANISMS) : 'scram-sha-512';
  const creds = sasl ? resolveCredentials({ ...(o.saslUsername ? { username: o.saslUsername } : {}), ...(o.secretsFile ? { secretsFile: o.secretsFile } : {}), env }) : undefined;
  warnings.push(...(creds?.warnings ?? []));
  if (o.brokers) {
    const connection: Pick<Connection, 'sasl' | 'ssl'> = {};
    if (creds) {
      if (!creds.username) throw new UsageError(`--sasl: no username; pass --sasl-username, set ${ENV_USERNAME}, or put it in --secrets-file`);
      if (!creds.password) throw new UsageError(`--sasl: no password; set ${ENV_PASSWORD} or pass --secrets-file FILE (a password is never taken as an option)`);
      connection.sasl = { mechanism, username: creds.username, password: creds.password };
    }
    if (tls) connection.ssl = o.tlsCa ? { ca: checkCaFile(o.tlsCa) } : true;
    return { connection };
  }
  if (o.tlsCa) throw new UsageError('--tls-ca is for --brokers: the embedded broker makes its own CA at start (use --tls)');
  if (creds?.username || creds?.password) {
    validateBrokerUser({ username: creds.username ?? 'kbench', password: creds.password ?? 'generated' }, creds.passwordSource ?? 'the SASL credentials');
  }
  const user = { ...(creds?.username ? { username: creds.username } : {}), ...(creds?.password ? { password: creds.password } : {}) };
  return { embedded: { tls, ...(sasl ? { sasl: { mechanism, ...user } } : {}) } };
}

/** `env` supplies KBENCH_SASL_USERNAME / KBENCH_SASL_PASSWORD. */
export function buildRunSpec(o: RunOptions, env: NodeJS.ProcessEnv = process.env): { spec: RunSpec; warnings: string[] } {
  if (o.suite !== undefined) parseChoice(o.suite, '--suite', SUITES);
  const warnings: string[] = [];
  const base = suiteDefaults(o.suite, Boolean(o.quick));
  const wl = o.workload ? readWorkload(o.workload) : undefined;
  if (wl) warnings.push(...wl.warnings);

  const known = driverIds();
  const drivers = o.drivers ? parseList(o.drivers, '--drivers') : DRIVERS.filter((d) => d.inDefault).map((d) => d.id);
  const unknown = drivers.filter((d) => !known.includes(d));
  if (unknown.length) throw new UsageError(`--drivers: unknown driver ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ')})`);

  const scenarios = o.scenarios ? parseChoices(o.scenarios, '--scenarios', SCENARIOS) : wl ? (['e2e-latency'] as ScenarioId[]) : base.scenarios;
  const sizes = o.sizes ? parseSizes(o.sizes) : (wl?.sizes ?? base.sizes);
  const messages = o.messages ? parseIntOption(o.messages, '--messages', 1) : (wl?.messages ?? base.messages);
  const replication = o.replication ? parseIntOption(o.replication, '--replication', 1, 32) : 1;
  const nodes = o.nodes ? parseIntOption(o.nodes, '--nodes', 1, 9) : replication > 1 ? Math.max(3, replication) : 1;
  if (!o.brokers && replication > nodes) throw new UsageError(`--replication ${replication} needs at least ${replication} brokers (--nodes ${nodes})`);
  const partitions = o.partitions ? parseIntOption(o.partitions, '--partitions', 1, 10_000) : (wl?.partitions ?? 1);
  const workers = o.workers ? parseIntOption(o.workers, '--workers', 1, 64) : (wl?.workers ?? 1);
  const baseline = o.baseline ?? 'kafkajs';
  if (!known.includes(baseline)) throw new UsageError(`--baseline: unknown driver '${baseline}' (known: ${known.join(', ')})`);

  let fault: RunSpec['fault'];
  if (o.injectFault !== undefined) {
    const [kind = '', driver] = o.injectFault.split(':');
    fault = { kind: parseChoice(kind, '--inject-fault', ['drop-one', 'throw', 'crash'] as const), ...(driver ? { driver } : {}) };
  }

  const spec: RunSpec = {
    drivers,
    scenarios,
    sizes,
    messages,
    syncMessages: o.syncMessages ? parseIntOption(o.syncMessages, '--sync-messages', 1) : o.messages ? Math.min(messages, base.syncMessages) : base.syncMessages,
    e2eMessages: o.e2eMessages ? parseIntOption(o.e2eMessages, '--e2e-messages', 1) : (wl?.messages ?? base.e2eMessages),
    repeat: o.repeat ? parseIntOption(o.repeat, '--repeat', 1, 100) : base.repeat,
    partitions,
    replication,
    workers,
    settings: {
      acks: o.acks ? parseChoice(o.acks, '--acks', ACKS) : 'all',
      compression: o.compression ? parseChoice(o.compression, '--compression', COMPRESSIONS) : 'none',
      lingerMs: o.lingerMs ? parseIntOption(o.lingerMs, '--linger-ms', 0, 900_000) : 5,
      batchSize: o.batchSize ? parseIntOption(o.batchSize, '--batch-size', 1, 2_147_483_647) : 1_000_000,
      sendBatch: o.sendBatch ? parseIntOption(o.sendBatch, '--send-batch', 1, 1_000_000) : 1000,
      idempotence: Boolean(o.idempotence),
      rate: o.rate ? parseNumberOption(o.rate, '--rate', 0) : (wl?.rate ?? 0),
    },
    lingerExplicit: o.lingerMs !== undefined,
    extraConfig: o.clientConfig ?? {},
    brokerWarmup: o.brokerWarmup !== undefined ? parseIntOption(o.brokerWarmup, '--broker-warmup', 0) : o.quick ? 20_000 : 50_000,
    timeoutMs: (o.timeout ? parseIntOption(o.timeout, '--timeout', 1, 86_400) : 300) * 1000,
    baseline,
    nodes,
    options: { ...o },
  };
  if (o.warmup !== undefined) spec.warmup = parseIntOption(o.warmup, '--warmup', 0);
  const security = securityOf(o, warnings, env);
  if (o.brokers) spec.connection = { brokers: parseBrokerList(o.brokers), ...security.connection };
  if (security.embedded) spec.embeddedSecurity = security.embedded;
  if (o.kafkaVersion) spec.kafkaVersion = o.kafkaVersion;
  if (o.heap) spec.heap = o.heap;
  if (fault) spec.fault = fault;
  if (spec.settings.idempotence && spec.settings.acks !== 'all') throw new UsageError('--idempotence needs --acks all');
  return { spec, warnings };
}

/** Writes --out / --report / --md and prints the terminal table. */
export async function emitResults(doc: ResultsDocument, o: { out?: string; report?: string; md?: string; quiet?: boolean }): Promise<void> {
  const views = await import('../report/index.js');
  if (o.out) fs.writeFileSync(o.out, JSON.stringify(doc, null, 2) + '\n');
  const written = await views.writeReports(doc, { ...(o.report ? { html: o.report } : {}), ...(o.md ? { md: o.md } : {}) });
  process.stdout.write(views.renderTerminal(doc, { color: useColor(true) }));
  const files = [o.out && `results: ${o.out}`, ...written].filter(Boolean);
  if (files.length && !o.quiet) process.stderr.write(`${files.join('  ')}\n`);
}

/** Arms that failed or did not verify: the run exits ≠ 0 when there is any. */
export function failedArms(doc: ResultsDocument): string[] {
  return doc.runs.flatMap((r) => r.repetitions.filter((p) => !p.ok).map((p) => `${r.driver} ${r.scenario} ${r.messageSize} B #${p.repetition}: ${p.error ?? p.verification.failures.join('; ')}`));
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run the same workloads through every client against a real broker and report, verified, what each costs')
    .option('--drivers <list>', `drivers to run (default: the default suite's; known: ${driverIds().join(', ')})`)
    .option('--scenarios <list>', `scenarios (${SCENARIOS.join(', ')}; default producer-sync,producer-async,consumer)`)
    .option('--sizes <list>', 'message sizes in bytes, e.g. 10,100,1024 (default 100)')
    .option('--messages <n>', 'messages per arm for producer-async and consumer (default 100000; 1M with --suite seeds-full)')
    .option('--sync-messages <n>', 'messages per producer-sync arm (each waits for its ack; default 1000)')
    .option('--e2e-messages <n>', 'messages per e2e-latency arm (default 10000)')
    .option('--warmup <n>', 'warm-up messages per arm, excluded from figures (default: a tenth of the arm, capped)')
    .option('--repeat <n>', 'repetitions of every arm, interleaved across drivers (default 2)')
    .option('--acks <0|1|all>', 'producer acknowledgements (default all)')
    .option('--partitions <n>', 'partitions of each arm’s topic (default 1)')
    .option('--replication <n>', 'replication factor (> 1 starts a 3-node embedded cluster; default 1)')
    .option('--nodes <n>', 'nodes of the embedded cluster (default 1, or 3 with --replication > 1)')
    .option('--compression <codec>', 'none, gzip, snappy, lz4, zstd (default none)')
    .option('--linger-ms <ms>', 'producer linger (default 5; producer-sync and e2e-latency use 0 unless given)')
    .option('--batch-size <bytes>', 'producer batch size in bytes (default 1000000)')
    .option('--send-batch <n>', 'messages handed to the client per send call in producer-async (default 1000)')
    .option('--idempotence', 'enable the idempotent producer (needs --acks all)')
    .option('--rate <msgs/s>', 'producer rate limit (default unlimited; e2e-latency defaults to 2000)')
    .option('--workers <n>', 'worker threads per arm (processes for clients that cannot share one; default 1)')
    .option('--brokers <host:port,...>', 'use an existing cluster instead of the embedded broker')
    .option('--timeout <seconds>', 'per-arm timeout (default 300)')
    .option('--broker-warmup <n>', 'messages written and read before the first arm to warm the broker up (default 50000; 0 = none)')
    .option('--baseline <driver>', 'driver the "× vs baseline" column divides by (default kafkajs)')
    .option('--workload <file.yaml>', 'an OpenMessaging Benchmark workload file (fields it cannot honour are reported)')
    .option('--quick', 'a small version of the suite (about a minute)')
    .option('--suite <name>', `a predefined suite: ${SUITES.join(', ')} (seeds-full: 10 B/100 B/1 KB, 1M messages, 5 repetitions)`)
    .option('--kafka-version <v>', 'Kafka version of the embedded broker (default 3.9.x)')
    .option('--heap <size>', 'embedded broker heap (default 1g)')
    .option('--client-config <key=value>', 'extra client setting passed to librdkafka-based clients (repeatable; an arm of a client that takes none, or refuses it, fails naming the key)', (v: string, prev: Record<string, string>) => parseKeyValue(v, '--client-config', prev))
    .option('--sasl', 'SASL authentication (the embedded broker gets a SASL listener with SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN)')
    .option('--sasl-mechanism <m>', `${ALL_SASL_MECHANISMS.join(', ')} (default scram-sha-512; implies --sasl)`)
    .option('--sasl-username <name>', `SASL user (or ${ENV_USERNAME}, or the secrets file; embedded broker default: kbench)`)
    .option('--secrets-file <file>', `JSON ({"username", "password"}) or key=value file with the SASL password, 0600 recommended (else ${ENV_PASSWORD}; the embedded broker generates one when neither is set)`)
    .option('--tls', 'TLS to the brokers (the embedded broker gets a TLS listener with a certificate made by keytool)')
    .option('--tls-ca <file.pem>', 'CA certificate(s) that verify the brokers, for --brokers (implies --tls; default: the system CAs)')
    .option('--out <file.json>', 'write the results document (kbench.results/1)')
    .option('--report <file.html>', 'write a self-contained HTML report with charts')
    .option('--md <file.md>', 'write a Markdown report')
    .option('--quiet', 'no progress output')
    .addOption(new Option('--inject-fault <kind[:driver]>', 'test only: drop-one | throw | crash').hideHelp())
    .action(async (o: RunOptions) => {
      const { spec, warnings } = buildRunSpec(o);
      const ui = new ProgressUi(Boolean(o.quiet));
      for (const w of warnings) ui.info(`warning: ${w}`);
      const doc = await runBenchmark(spec, ui);
      ui.done();
      doc.warnings.unshift(...warnings);
      await emitResults(doc, o);
      const failed = failedArms(doc);
      if (failed.length) {
        process.stderr.write(`\nkbench: ${failed.length} arm repetition(s) FAILED verification:\n${failed.map((f) => `  ✗ ${f}`).join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
