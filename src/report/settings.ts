// Which effective settings differ between arms. Rule 12 says every arm runs with the same effective
// client settings; this is how a reader checks it: common settings are listed once, and only the
// keys that differ (or that some arms lack) are shown per driver. Equivalent spellings of a key or a
// value (acks -1 ≡ all, librdkafka's aliases, "5" ≡ 5) are not differences: see the tables below.
import { DASH, fmtValue, redactConfig } from './format.js';
import type { RunRecord, WorkloadSettings } from '../results/types.js';

/** `workload`: kbench's client-independent settings and run shape; `config`: the client's own configuration. */
export type SettingSection = 'workload' | 'config';

export interface SettingRow {
  section: SettingSection;
  /** The key as shown: the arms' own spellings of one setting, joined with " ≡ " when they differ. */
  key: string;
  /** Config rows: every spelling of this setting the arms used (one unless aliases were merged). */
  keys?: string[];
  /** The value, when every arm has this key with the same (normalised) value; "all (≡ -1)" when spelled differently. */
  common?: string;
  /** Driver id → its value; several distinct values of one driver's arms are joined with " / "; "—" where absent. */
  byDriver: Record<string, string>;
}

export interface SettingsDiff {
  /** Drivers of the diffed runs, sorted. */
  drivers: string[];
  common: SettingRow[];
  differing: SettingRow[];
}

// Fixed order for the kbench-level settings, so tables read the same in every run.
const WORKLOAD_KEYS: readonly (keyof WorkloadSettings)[] = ['acks', 'compression', 'lingerMs', 'batchSize', 'sendBatch', 'idempotence', 'rate'];
const RUN_KEYS = ['messages', 'warmup', 'partitions', 'replication', 'workers'] as const;

function workloadStrings(run: RunRecord): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of WORKLOAD_KEYS) if (run.settings && k in run.settings) m.set(k, fmtValue(run.settings[k]));
  // Any setting added to WorkloadSettings later still shows up, after the known ones.
  for (const [k, v] of Object.entries(run.settings ?? {}).sort(([a], [b]) => a.localeCompare(b))) if (!m.has(k)) m.set(k, fmtValue(v));
  for (const k of RUN_KEYS) if (run[k] !== undefined) m.set(k, fmtValue(run[k]));
  return m;
}

// --- equivalent settings ------------------------------------------------------------------------
//
// Before diffing, a config key is mapped to its canonical name and its value to a canonical form,
// so that spellings of one setting are not listed as differences. Keys:
//
// | canonical key                          | also written as                                                    |
// |----------------------------------------|--------------------------------------------------------------------|
// | bootstrap.servers                      | metadata.broker.list (librdkafka), brokers (kafkajs),              |
// |                                        | bootstrapBrokers (@platformatic/kafka), bootstrap_servers (kafka-python) |
// | linger.ms                              | queue.buffering.max.ms (librdkafka), linger_ms (kafka-python)      |
// | compression.type                       | compression.codec (librdkafka), compression (kafkajs, platformatic),|
// |                                        | compression_type (kafka-python)                                    |
// | acks                                   | request.required.acks (librdkafka), required_acks (pykafka)        |
// | enable.idempotence                     | idempotent (kafkajs, platformatic), enable_idempotence (kafka-python) |
// | batch.size                             | batch_size (kafka-python)                                          |
// | retries                                | message.send.max.retries (librdkafka)                              |
// | delivery.timeout.ms                    | message.timeout.ms (librdkafka)                                    |
// | max.in.flight.requests.per.connection  | max.in.flight (librdkafka)                                         |
// | sasl.mechanism                         | sasl.mechanisms (librdkafka)                                       |
// | max.partition.fetch.bytes              | fetch.message.max.bytes (librdkafka)                               |
// | enable.auto.commit                     | auto.commit.enable (librdkafka)                                    |
//
// (The librdkafka rows are its own aliases, rdkafka_conf.c.) Values, for every key:
//
// | canonical value     | equivalents                                                   |
// |---------------------|---------------------------------------------------------------|
// | acks: all           | -1, "-1", "all", "ALL" (acks only)                            |
// | true / false        | true, "true", "TRUE" / false, "false", "FALSE"                |
// | a number, e.g. 5    | 5, "5", "5.0", " 5 " (numeric strings and numbers)            |
// | compression: lz4    | "LZ4", "lz4" (compression only: case-insensitive)             |
// | bootstrap: a:1,b:2  | "a:1, b:2" (bootstrap only: spaces around commas)             |
//
// The views then list as differing only the settings whose canonical values differ; the per-driver
// cells keep each arm's own spelling, and a common value says which spellings it stands for.
const KEY_ALIASES: Readonly<Record<string, string>> = {
  'metadata.broker.list': 'bootstrap.servers',
  brokers: 'bootstrap.servers',
  bootstrapBrokers: 'bootstrap.servers',
  bootstrap_servers: 'bootstrap.servers',
  'queue.buffering.max.ms': 'linger.ms',
  linger_ms: 'linger.ms',
  'compression.codec': 'compression.type',
  compression: 'compression.type',
  compression_type: 'compression.type',
  'request.required.acks': 'acks',
  required_acks: 'acks',
  idempotent: 'enable.idempotence',
  enable_idempotence: 'enable.idempotence',
  batch_size: 'batch.size',
  'message.send.max.retries': 'retries',
  'message.timeout.ms': 'delivery.timeout.ms',
  'max.in.flight': 'max.in.flight.requests.per.connection',
  'sasl.mechanisms': 'sasl.mechanism',
  'fetch.message.max.bytes': 'max.partition.fetch.bytes',
  'auto.commit.enable': 'enable.auto.commit',
  clientId: 'client.id',
  client_id: 'client.id',
  groupId: 'group.id',
  group_id: 'group.id',
};

/** The canonical name of a config key (see the table above); unknown keys are their own. */
export function canonicalKey(key: string): string {
  return KEY_ALIASES[key] ?? key;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The canonical form of a value of (canonical) config key `key`, for comparison. */
export function canonicalValue(key: string, value: unknown): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return key === 'acks' && value === -1 ? 'all' : String(value);
  if (typeof value !== 'string') return fmtValue(value);
  const t = value.trim();
  if (key === 'acks' && (t === '-1' || t.toLowerCase() === 'all')) return 'all';
  if (/^(true|false)$/i.test(t)) return t.toLowerCase();
  if (NUMERIC.test(t)) return String(Number(t));
  if (key === 'compression.type') return t.toLowerCase();
  if (key === 'bootstrap.servers') return t.split(',').map((x) => x.trim()).filter(Boolean).join(',');
  return value;
}

export interface ConfigEntry {
  /** The arm's own spellings of the key (one, unless it set a setting under two names). */
  keys: string[];
  /** As written (fmtValue), several joined with " / ". */
  raw: string;
  /** Canonical form, for comparison. */
  value: string;
}

/** A run's (redacted) client config keyed by canonical key. */
export function normalizedConfig(config: Readonly<Record<string, string | number | boolean>>): Map<string, ConfigEntry> {
  const m = new Map<string, ConfigEntry>();
  const cfg = redactConfig(config ?? {});
  for (const k of Object.keys(cfg).sort()) {
    const ck = canonicalKey(k);
    const v = cfg[k];
    const entry = { keys: [k], raw: fmtValue(v), value: canonicalValue(ck, v) };
    const prev = m.get(ck);
    if (!prev) m.set(ck, entry);
    else if (prev.value === entry.value) prev.keys.push(k);
    else m.set(ck, { keys: [...prev.keys, k], raw: `${prev.raw} / ${entry.raw}`, value: `${prev.value} / ${entry.value}` });
  }
  return m;
}

/** The canonical name first, then property-style (dotted) names, then the others: "compression.codec ≡ compression". */
function keyLabel(canonical: string, keys: Iterable<string>): string[] {
  const rank = (k: string): number => (k === canonical ? 0 : k.includes('.') ? 1 : 2);
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

interface Value {
  /** What the per-driver cell shows (as written). */
  raw: string;
  /** What is compared. */
  value: string;
}

function workloadValues(run: RunRecord): Map<string, Value> {
  const m = new Map<string, Value>();
  for (const [k, v] of workloadStrings(run)) m.set(k, { raw: v, value: v });
  return m;
}

function diffWorkload(runs: readonly RunRecord[], drivers: readonly string[]): SettingRow[] {
  const perRun = runs.map((r) => ({ driver: r.driver, values: workloadValues(r) }));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const { values: m } of perRun)
    for (const k of m.keys())
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
  return keys.map((key) => row('workload', key, undefined, perRun, drivers));
}

function diffConfig(runs: readonly RunRecord[], drivers: readonly string[]): SettingRow[] {
  const perRun = runs.map((r) => {
    const cfg = normalizedConfig(r.config ?? {});
    return { driver: r.driver, cfg, values: new Map([...cfg].map(([k, e]) => [k, { raw: e.raw, value: e.value }])) };
  });
  const labels = new Map<string, string[]>();
  for (const { cfg } of perRun) for (const [k, e] of cfg) labels.set(k, keyLabel(k, [...(labels.get(k) ?? []), ...e.keys]));
  return [...labels.entries()]
    .map(([ck, keys]) => row('config', keys.join(' ≡ '), keys, perRun, drivers, ck))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function row(section: SettingSection, key: string, keys: string[] | undefined, perRun: readonly { driver: string; values: Map<string, Value> }[], drivers: readonly string[], lookup = key): SettingRow {
  const all = perRun.map((p) => p.values.get(lookup));
  const first = all[0];
  const same = first !== undefined && all.every((v) => v !== undefined && v.value === first.value);
  const byDriver: Record<string, string> = {};
  for (const d of drivers) {
    const distinct = [...new Set(perRun.filter((p) => p.driver === d).map((p) => p.values.get(lookup)?.raw ?? DASH))];
    byDriver[d] = distinct.join(' / ');
  }
  const base = { section, key, ...(keys ? { keys } : {}), byDriver };
  if (!same) return base;
  // One setting, written differently ("all" by some clients, -1 by others): say so.
  const spellings = [...new Set(all.map((v) => (v as Value).raw.trim()))].filter((r) => r !== first.value);
  return { ...base, common: spellings.length > 0 ? `${first.value} (≡ ${spellings.join(', ')})` : first.value };
}

/**
 * Canonical keys whose value differs per arm or per run by construction (kbench names each arm's client
 * and group, and the embedded broker's port changes every run): never listed as a difference.
 */
export const IDENTITY_KEYS: ReadonlySet<string> = new Set(['client.id', 'group.id', 'bootstrap.servers']);

/** Splits the settings of `runs` into those common to every arm and those that differ between arms. */
export function diffSettings(runs: readonly RunRecord[]): SettingsDiff {
  const drivers = [...new Set(runs.map((r) => r.driver))].sort((a, b) => a.localeCompare(b));
  const rows = [...diffWorkload(runs, drivers), ...diffConfig(runs, drivers)];
  const identity = (r: SettingRow): boolean => r.section === 'config' && (r.keys ?? [r.key]).some((k) => IDENTITY_KEYS.has(canonicalKey(k)));
  return { drivers, common: rows.filter((r) => r.common !== undefined), differing: rows.filter((r) => r.common === undefined && !identity(r)) };
}

/**
 * Drivers grouped by identical values on every differing row: the settings table then needs one
 * column per distinct configuration (e.g. all librdkafka clients together), not one per driver.
 */
export function driverColumns(diff: SettingsDiff): string[][] {
  const groups = new Map<string, string[]>();
  for (const d of diff.drivers) {
    const sig = JSON.stringify(diff.differing.map((r) => r.byDriver[d] ?? DASH));
    const g = groups.get(sig);
    if (g) g.push(d);
    else groups.set(sig, [d]);
  }
  return [...groups.values()];
}

/** True when two diffs would render the same table (to say "same as …" instead of repeating it). */
export function sameSettings(a: SettingsDiff, b: SettingsDiff): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "acks=all, compression=none, …": the common settings on one line. */
export function commonLine(rows: readonly SettingRow[]): string {
  return rows.map((r) => `${r.key}=${r.common ?? DASH}`).join(', ');
}
