// c: kbench's own C arm, native/cbench/arm.c (built into .kbench/bin/kbench-arm), a plain C loop on
// the same shared librdkafka as every other librdkafka-based arm. It implements the arm contract
// (src/contract/arm.ts) itself: the windows of WINDOWS, the payloads of the payload rule (from the
// arm's payload source file) and the kbench checksum. The client configuration is the addon's
// (librdkafkaProducerConfig / librdkafkaConsumerConfig), handed over as -X key=value; SASL
// credentials and other secrets go in a 0600 file in the arm's private directory (-X file=), never on
// the command line. The program prints `@kbench-result {…}` and writes the same JSON to a file next
// to the spec (a producer-sync result carries every latency sample, more than the stdout tail the
// runner keeps); parse() turns it into the ScenarioOutcome. librdkafka's rdkafka_performance is the
// separate `c-perf` reference (src/drivers/c-perf.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { kbenchVersion, toolPath } from '../paths.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import type { ScenarioId } from '../results/types.js';
import { isSecretKey } from '../util/redact.js';
import type { ExternalCommand, ExternalDriver } from './external.js';
import { configError, librdkafkaConsumerConfig, librdkafkaProducerConfig } from './librdkafka-config.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { ClientConfig, DriverContext, DriverDescription } from './types.js';
import { contextFor } from '../scenarios/index.js';

const TOOL = 'kbench-arm';
export const RESULT_PREFIX = '@kbench-result ';
/** In the arm's private directory, next to the spec (removed with it). */
export const SECRETS_FILE = 'sasl.properties';
export const RESULT_FILE = 'c-result.json';

const SCENARIOS: readonly ScenarioId[] = ['producer-async', 'producer-sync', 'consumer'];

const NOTES = ['kbench’s own C loop (native/cbench/arm.c) on the shared librdkafka, with the contract’s window, payloads and checksum (src/contract/arm.ts)'];
const SCENARIO_NOTES: Partial<Record<ScenarioId, string>> = {
  'producer-async': 'rd_kafka_produce() per message (RD_KAFKA_MSG_F_COPY, partitioner’s choice), reports served by rd_kafka_poll() every 1000 messages; the window closes when nothing is left in flight',
  'producer-sync': 'rd_kafka_produce() per message, then rd_kafka_poll() until its report arrives; latency per message (at --rate: from the due time, service time from the produce)',
  consumer: 'rd_kafka_assign() at the beginning, rd_kafka_consume_batch_queue() 1000 at a time; every payload checksummed (zlib crc32) inside the window',
};
const CPU_NOTE = 'CPU: getrusage(RUSAGE_SELF) over the window (every librdkafka thread)';

/** Settings that never go on the command line (visible in `ps`): a 0600 file read with -X file=. */
export function isFileOnly(key: string): boolean {
  return key === 'sasl.username' || isSecretKey(key);
}

/** The client configuration of the arm: the addon's, for the same spec. */
export function configFor(spec: ArmSpec, ctx: DriverContext): ClientConfig {
  if (spec.scenario === 'consumer') return librdkafkaConsumerConfig(ctx);
  if (spec.scenario === 'producer-async' || spec.scenario === 'producer-sync') return librdkafkaProducerConfig(ctx);
  throw new Error(`${TOOL} runs ${SCENARIOS.join(', ')}, not ${spec.scenario}`);
}

/** The secret settings as key=value lines, or undefined when there are none. */
export function secretsFileText(config: ClientConfig): string | undefined {
  const entries = Object.entries(config).filter(([k]) => isFileOnly(k));
  if (entries.some(([k, v]) => /[\r\n]/.test(`${k}${String(v)}`))) throw new Error(`the SASL credentials (and other secret settings) for ${TOOL} cannot contain line breaks`);
  return entries.length ? `${entries.map(([k, v]) => `${k}=${String(v)}`).join('\n')}\n` : undefined;
}

/** kbench-arm's own deadline: a little before the runner's, so that it can still report how far it got. */
export function armTimeoutMs(timeoutMs: number): number {
  const margin = Math.min(5000, Math.floor(timeoutMs / 5));
  return Math.max(1, Math.floor(timeoutMs - margin));
}

/**
 * The kbench-arm command line of an arm. `armDir` is the arm's private directory: the secrets file
 * (written by command()) and the result file go there.
 */
export function commandFor(spec: ArmSpec, ctx: DriverContext, tool: string, armDir?: string): { cmd: string; args: string[]; config: ClientConfig } {
  const config = configFor(spec, ctx);
  const args = [
    spec.scenario,
    '--topic', spec.topic,
    '--messages', String(spec.messages),
    '--warmup', String(spec.warmup),
    '--size', String(spec.messageSize),
    '--first-seq', String(spec.firstSeq),
    '--payload-source', spec.payload.source,
    '--payload-stride', String(spec.payload.stride),
  ];
  if (spec.scenario === 'consumer') {
    if (spec.warmup > 0) {
      if (!spec.warmupTopic) throw new Error('a consumer arm with warm-up needs its warm-up topic (spec.warmupTopic)');
      args.push('--warmup-topic', spec.warmupTopic);
    }
    args.push('--partitions', ctx.readPartitions.join(','));
  } else if (spec.settings.rate > 0) {
    args.push('--rate', String(spec.settings.rate));
  } else if (spec.durationMs !== undefined) {
    args.push('--duration-ms', String(Math.max(1, Math.round(spec.durationMs))));
  }
  args.push('--timeout-ms', String(armTimeoutMs(spec.timeoutMs)));
  if (armDir) args.push('--result-file', path.join(armDir, RESULT_FILE));
  for (const [k, v] of Object.entries(config)) {
    if (!isFileOnly(k)) args.push('-X', `${k}=${String(v)}`);
  }
  if (armDir && Object.keys(config).some(isFileOnly)) args.push('-X', `file=${path.join(armDir, SECRETS_FILE)}`);
  return { cmd: tool, args, config };
}

function notesFor(scenario: ScenarioId): string[] {
  const own = SCENARIO_NOTES[scenario];
  return [...NOTES, ...(own ? [own] : []), CPU_NOTE];
}

/** The JSON of the last `@kbench-result` line of stdout. */
export function resultLine(stdout: string): string | undefined {
  const lines = stdout.split('\n').filter((l) => l.startsWith(RESULT_PREFIX));
  return lines.at(-1)?.slice(RESULT_PREFIX.length);
}

/**
 * kbench-arm's output as a ScenarioOutcome: its result JSON (`resultText`, from the result file, else
 * the last `@kbench-result` line), with the client configuration and notes added. A missing or
 * unreadable result, a failure or a non-zero exit code give ok: false with the error (counts so far
 * kept); librdkafka configuration errors name the --client-config key they are about.
 */
export function parseArmOutput(out: { stdout: string; stderr: string; exitCode: number | null }, spec: ArmSpec, config: ClientConfig, resultText?: string): ScenarioOutcome {
  const now = Date.now() * 1000;
  const notes = notesFor(spec.scenario);
  const base = { ok: false, messages: 0, bytes: 0, elapsedNs: 0, startUs: now, endUs: now };
  const fail = (why: string, counts: Partial<ScenarioOutcome> = {}): ScenarioOutcome => ({
    ...base, ...counts, ok: false, error: configError(new Error(why), spec.extraConfig).message, config, notes,
  });
  const stderrTail = out.stderr.trim().split('\n').slice(-2).join(' | ');
  const raw = resultText ?? resultLine(out.stdout);
  let r: Partial<ScenarioOutcome> | undefined;
  if (raw !== undefined) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) r = parsed as Partial<ScenarioOutcome>;
    } catch {
      r = undefined;
    }
  }
  if (!r) {
    const why = raw === undefined ? 'without a result' : 'with an unreadable result';
    return fail(`${TOOL} exited with code ${out.exitCode} ${why}${stderrTail ? `: ${stderrTail}` : ''}`);
  }
  const { config: _c, notes: own, ok, error, ...counts } = r;
  // The program's own notes (the schedule's lateness, a timed arm's duration) follow the driver's.
  if (Array.isArray(own)) notes.push(...own.filter((n): n is string => typeof n === 'string'));
  if (ok !== true) return fail(typeof error === 'string' && error ? error : `${TOOL} reported a failure without a reason`, counts);
  if (out.exitCode !== 0) return fail(`${TOOL} exited with code ${out.exitCode} after reporting success${stderrTail ? `: ${stderrTail}` : ''}`, counts);
  for (const k of ['messages', 'bytes', 'elapsedNs', 'startUs', 'endUs'] as const) {
    if (typeof counts[k] !== 'number') return fail(`${TOOL}'s result has no ${k}`, counts);
  }
  return { ...base, ...counts, ok: true, config, notes };
}

export const driver: ExternalDriver = {
  kind: 'external',
  id: 'c',
  client: TOOL,
  async describe(): Promise<DriverDescription> {
    const tool = toolPath(TOOL);
    const base = {
      id: 'c', client: 'kbench-arm (native/cbench/arm.c)', version: kbenchVersion(), runtime: 'C', scenarios: [...SCENARIOS],
      workerThreads: false, security: FULL_SECURITY,
      notes: [
        ...NOTES,
        'librdkafka’s own rdkafka_performance is the separate `c-perf` reference',
        `${securityNote(FULL_SECURITY)}; the SASL credentials reach the program in a 0600 file (-X file=), never on its command line`,
      ],
    };
    if (!tool) return { ...base, available: false, reason: `${TOOL} was not built (run \`node scripts/install.mjs --only tools\`; see .kbench/build-info.json)` };
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    const v = r.status === 0 ? r.stdout.trim() : '';
    if (!/^\d+\.\d+\.\d+/.test(v)) {
      const why = r.error ? r.error.message : `exit code ${r.status}${r.stderr?.trim() ? `: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`;
      return { ...base, available: false, reason: `${TOOL} --version failed (${why})` };
    }
    return { ...base, librdkafka: v, available: true };
  },
  command(spec: ArmSpec, specFile: string): ExternalCommand {
    const tool = toolPath(TOOL);
    if (!tool) throw new Error(`${TOOL} was not built (run \`node scripts/install.mjs --only tools\`)`);
    const dir = path.dirname(specFile);
    const { cmd, args, config } = commandFor(spec, contextFor(spec), tool, dir);
    const text = secretsFileText(config);
    if (text) fs.writeFileSync(path.join(dir, SECRETS_FILE), text, { mode: 0o600 });
    return { cmd, args };
  },
  parse(out, spec) {
    const { config } = commandFor(spec, contextFor(spec), TOOL);
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(path.dirname(spec.resultFile), RESULT_FILE), 'utf8');
    } catch {
      text = undefined; // not written (it died first, or bad arguments): the stdout line, if any
    }
    return parseArmOutput(out, spec, config, text);
  },
};
