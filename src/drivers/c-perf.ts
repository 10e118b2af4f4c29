// c-perf: librdkafka's own benchmark tool, rdkafka_performance, built from the same librdkafka source
// and linked to the same shared library as every other librdkafka-based arm — a labelled reference,
// not an implementation of the arm contract (src/contract/arm.ts; kbench's own C arm is `c`,
// src/drivers/c.ts). It runs producer-async (-P) and consumer (-G, batch consume) with its own timing
// (ms resolution, from before its broker connection), no warm-up, one shared constant payload sent
// without copy, no checksum (count and bytes are checked only), and it ignores --rate. Its summary
// line is parsed here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readBuildInfo, toolPath } from '../paths.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import type { ExternalCommand, ExternalDriver } from './external.js';
import { configError, librdkafkaConsumerConfig, librdkafkaProducerConfig } from './librdkafka-config.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { ClientConfig, DriverContext, DriverDescription } from './types.js';
import { contextFor } from '../scenarios/index.js';
import { lastMatch } from '../util/text.js';

const TOOL = 'rdkafka_performance';
const ID = 'c-perf';

/** What this arm is, on every result and in `kbench drivers`. */
export const C_PERF_LABEL =
  "librdkafka's rdkafka_performance: its own timing (ms resolution, from before its broker connection), no warm-up, one shared constant payload without copy, no checksum (count and bytes checked only), ignores --rate";
const CONSUME_BATCH = 1000;

/** Settings that never go on the command line (it is visible in `ps`): they go to a 0600 file read with `-X file=`. */
const FILE_ONLY = new Set(['sasl.username', 'sasl.password']);

function toArgs(config: ClientConfig, secretsFile: string | undefined): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (k === 'bootstrap.servers' || FILE_ONLY.has(k)) continue;
    args.push('-X', `${k}=${String(v)}`);
  }
  if (secretsFile && Object.keys(config).some((k) => FILE_ONLY.has(k))) args.push('-X', `file=${secretsFile}`);
  return args;
}

/** The SASL credentials as the tool's config file (key=value lines), or undefined when there are none. */
export function secretsFileText(config: ClientConfig): string | undefined {
  const lines = Object.entries(config).filter(([k]) => FILE_ONLY.has(k)).map(([k, v]) => `${k}=${String(v)}`);
  if (lines.some((l) => l.includes('\n'))) throw new Error('SASL credentials for rdkafka_performance cannot contain line breaks');
  return lines.length ? `${lines.join('\n')}\n` : undefined;
}

export function commandFor(spec: ArmSpec, ctx: DriverContext, tool: string, secretsFile?: string): { cmd: string; args: string[]; config: ClientConfig } {
  const total = spec.warmup + spec.messages;
  const common = ['-t', spec.topic, '-b', spec.connection.brokers.join(','), '-c', String(total), '-i', '1000'];
  if (spec.scenario === 'producer-async') {
    const config = librdkafkaProducerConfig(ctx);
    return { cmd: tool, args: ['-P', ...common, '-s', String(spec.messageSize), ...toArgs(config, secretsFile)], config };
  }
  if (spec.scenario === 'consumer') {
    const config = { ...librdkafkaConsumerConfig(ctx), 'enable.partition.eof': false };
    delete (config as Record<string, unknown>)['group.id'];
    return { cmd: tool, args: ['-G', ctx.groupId, ...common, '-B', String(CONSUME_BATCH), ...toArgs(config, secretsFile)], config: { ...config, 'group.id': ctx.groupId } };
  }
  throw new Error(`${TOOL} runs producer-async and consumer only, not ${spec.scenario}`);
}

const PRODUCED = /% (\d+) messages produced \((\d+) bytes\), (\d+) delivered \(offset -?\d+, (\d+) failed\) in (\d+)ms/g;
const CONSUMED = /% (\d+) messages \((\d+) bytes\) consumed in (\d+)ms/g;

export function parsePerfOutput(out: { stdout: string; stderr: string; exitCode: number | null }, spec: ArmSpec, config: ClientConfig): ScenarioOutcome {
  const now = Date.now() * 1000;
  const base = { startUs: now, endUs: now, config, notes: [] as string[] };
  const fail = (why: string): ScenarioOutcome => ({ ok: false, error: why, messages: 0, bytes: 0, elapsedNs: 0, ...base });
  const text = `${out.stdout}\n${out.stderr}`;
  if (out.exitCode !== 0) {
    // A setting librdkafka refuses ends the tool at once ("% No such configuration property: …"): name the --client-config key.
    return fail(configError(new Error(`${TOOL} exited with code ${out.exitCode}: ${out.stderr.trim().split('\n').slice(-2).join(' | ') || 'no output'}`), spec.extraConfig).message);
  }
  if (spec.scenario === 'producer-async') {
    const m = lastMatch(PRODUCED, text);
    if (!m) return fail(`no summary line in ${TOOL}'s output`);
    const [produced, bytes, delivered, failed, ms] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
    return {
      ok: true,
      messages: produced,
      bytes,
      elapsedNs: Math.max(1, ms) * 1e6,
      ...base,
      delivered,
      failed,
      errors: failed ? { 'delivery failed': failed } : {},
      notes: [C_PERF_LABEL, 'CPU and RSS of the whole process'],
    };
  }
  const m = lastMatch(CONSUMED, text);
  if (!m) return fail(`no summary line in ${TOOL}'s output`);
  const [msgs, bytes, ms] = m.slice(1, 4).map(Number) as [number, number, number];
  return {
    ok: true,
    messages: msgs,
    bytes,
    elapsedNs: Math.max(1, ms) * 1e6,
    ...base,
    consumed: msgs,
    consumedBytes: bytes,
    checksumUnavailable: `${TOOL} does not checksum payloads (count and bytes checked)`,
    notes: [C_PERF_LABEL, 'CPU and RSS of the whole process'],
  };
}

export const driver: ExternalDriver = {
  kind: 'external',
  id: ID,
  client: TOOL,
  async describe(): Promise<DriverDescription> {
    const tool = toolPath(TOOL);
    const base = {
      id: ID, client: `${TOOL} (librdkafka examples/)`, runtime: 'C', scenarios: ['producer-async', 'consumer'] as DriverDescription['scenarios'],
      workerThreads: false, supportsWarmup: false, timed: false, security: FULL_SECURITY,
      notes: [
        C_PERF_LABEL,
        'a reference next to `c` (kbench’s own C arm on the same librdkafka), not an implementation of kbench’s arm contract; producer-sync and e2e-latency are not modes of the tool',
        `${securityNote(FULL_SECURITY)}; the SASL credentials reach the tool in a 0600 file (-X file=), never on its command line`,
      ],
    };
    if (!tool) return { ...base, version: 'not built', available: false, reason: `${TOOL} was not built (run npm install; see .kbench/build-info.json)` };
    const r = spawnSync(tool, ['-h'], { encoding: 'utf8' });
    const v = /librdkafka version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
    return { ...base, version: v ?? 'unknown', librdkafka: v ?? readBuildInfo().librdkafka?.version ?? 'unknown', available: true };
  },
  command(spec: ArmSpec, specFile: string): ExternalCommand {
    const tool = toolPath(TOOL);
    if (!tool) throw new Error(`${TOOL} was not built`);
    // Next to the spec, in the arm's private directory (removed with it).
    const secretsFile = path.join(path.dirname(specFile), 'sasl.properties');
    const { cmd, args, config } = commandFor(spec, contextFor(spec), tool, secretsFile);
    const text = secretsFileText(config);
    if (text) fs.writeFileSync(secretsFile, text, { mode: 0o600 });
    return { cmd, args };
  },
  parse(out, spec) {
    return parsePerfOutput(out, spec, commandFor(spec, contextFor(spec), TOOL).config);
  },
};
