// OpenMessaging Benchmark workload files (--workload file.yaml) → kbench options. OMB describes a
// produce+consume test at a rate for a duration; kbench maps what it can and warns about the rest.
import fs from 'node:fs';
import YAML from 'yaml';
import { UsageError } from '../util/errors.js';

export interface WorkloadMapping {
  name?: string;
  partitions?: number;
  sizes?: number[];
  rate?: number;
  messages?: number;
  workers?: number;
  warnings: string[];
}

const HONOURED = ['name', 'topics', 'partitionsPerTopic', 'messageSize', 'producerRate', 'testDurationMinutes', 'producersPerTopic', 'subscriptionsPerTopic', 'consumerPerSubscription', 'payloadFile', 'keyDistributor', 'consumerBacklogSizeGB', 'warmupDurationMinutes', 'useRandomizedPayloads', 'randomBytesRatio', 'randomizedPayloadPoolSize'];

function num(doc: Record<string, unknown>, key: string, file: string, min = 0): number | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new UsageError(`${file}: ${key} must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

export function mapWorkload(text: string, file: string): WorkloadMapping {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file} is not an OpenMessaging Benchmark workload (expected a YAML mapping)`);
  const d = doc as Record<string, unknown>;
  const out: WorkloadMapping = { warnings: [] };
  const warn = (s: string): void => void out.warnings.push(`${file}: ${s}`);
  if (typeof d.name === 'string') out.name = d.name;

  const topics = num(d, 'topics', file, 1);
  if (topics !== undefined && topics !== 1) warn(`topics: ${topics} — kbench uses one fresh topic per arm`);
  const partitions = num(d, 'partitionsPerTopic', file, 1);
  if (partitions !== undefined) out.partitions = Math.round(partitions);
  const size = num(d, 'messageSize', file, 1);
  if (size !== undefined) out.sizes = [Math.round(size)];
  const rate = num(d, 'producerRate', file, 0);
  if (rate !== undefined) out.rate = Math.round(rate);
  const minutes = num(d, 'testDurationMinutes', file, 0);
  if (minutes !== undefined) {
    if (out.rate && out.rate > 0) {
      out.messages = Math.round(out.rate * minutes * 60);
      warn(`testDurationMinutes: ${minutes} at producerRate ${out.rate} → ${out.messages} messages per arm (kbench runs a message count, not a duration)`);
    } else {
      warn('testDurationMinutes without producerRate cannot be turned into a message count; --messages decides');
    }
  }
  const producers = num(d, 'producersPerTopic', file, 1);
  if (producers !== undefined && producers > 1) out.workers = Math.round(producers);
  for (const k of ['subscriptionsPerTopic', 'consumerPerSubscription'] as const) {
    const v = num(d, k, file, 0);
    if (v !== undefined && v !== 1) warn(`${k}: ${v} — kbench reads each topic with one consumer (per worker)`);
  }
  if (d.payloadFile !== undefined) warn('payloadFile ignored: kbench writes its own payloads so that every message can be verified');
  if (d.keyDistributor !== undefined && d.keyDistributor !== 'NO_KEY') warn(`keyDistributor: ${String(d.keyDistributor)} — kbench sends messages without keys`);
  if (d.consumerBacklogSizeGB !== undefined && d.consumerBacklogSizeGB !== 0) warn('consumerBacklogSizeGB ignored: the consumer scenario reads a pre-filled topic of --messages messages');
  if (d.warmupDurationMinutes !== undefined) warn('warmupDurationMinutes ignored: use --warmup (messages)');
  for (const k of ['useRandomizedPayloads', 'randomBytesRatio', 'randomizedPayloadPoolSize']) if (d[k] !== undefined) warn(`${k} ignored: payloads are kbench's verifiable ones`);
  for (const k of Object.keys(d)) if (!HONOURED.includes(k)) warn(`unknown field '${k}' ignored`);
  return out;
}

export function readWorkload(file: string): WorkloadMapping {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--workload: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return mapWorkload(text, file);
}
