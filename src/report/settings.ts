// Which effective settings differ between arms. Rule 12 says every arm runs with the same effective
// client settings; this is how a reader checks it: common settings are listed once, and only the
// keys that differ (or that some arms lack) are shown per driver.
import { DASH, fmtValue, redactConfig } from './format.js';
import type { RunRecord, WorkloadSettings } from '../results/types.js';

/** `workload`: kbench's client-independent settings and run shape; `config`: the client's own configuration. */
export type SettingSection = 'workload' | 'config';

export interface SettingRow {
  section: SettingSection;
  key: string;
  /** The value, when every arm has this key with the same value. */
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

function workloadValues(run: RunRecord): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of WORKLOAD_KEYS) if (run.settings && k in run.settings) m.set(k, fmtValue(run.settings[k]));
  // Any setting added to WorkloadSettings later still shows up, after the known ones.
  for (const [k, v] of Object.entries(run.settings ?? {}).sort(([a], [b]) => a.localeCompare(b))) if (!m.has(k)) m.set(k, fmtValue(v));
  for (const k of RUN_KEYS) if (run[k] !== undefined) m.set(k, fmtValue(run[k]));
  return m;
}

function configValues(run: RunRecord): Map<string, string> {
  const m = new Map<string, string>();
  const cfg = redactConfig(run.config ?? {});
  for (const k of Object.keys(cfg).sort()) m.set(k, fmtValue(cfg[k]));
  return m;
}

function diffSection(section: SettingSection, runs: readonly RunRecord[], drivers: readonly string[], values: (r: RunRecord) => Map<string, string>): SettingRow[] {
  const perRun = runs.map((r) => ({ driver: r.driver, values: values(r) }));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const { values: m } of perRun)
    for (const k of m.keys())
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
  if (section === 'config') keys.sort();
  return keys.map((key): SettingRow => {
    const all = perRun.map((p) => p.values.get(key));
    const first = all[0];
    const same = first !== undefined && all.every((v) => v === first);
    const byDriver: Record<string, string> = {};
    for (const d of drivers) {
      const distinct = [...new Set(perRun.filter((p) => p.driver === d).map((p) => p.values.get(key) ?? DASH))];
      byDriver[d] = distinct.join(' / ');
    }
    return same ? { section, key, common: first, byDriver } : { section, key, byDriver };
  });
}

/** Splits the settings of `runs` into those common to every arm and those that differ between arms. */
export function diffSettings(runs: readonly RunRecord[]): SettingsDiff {
  const drivers = [...new Set(runs.map((r) => r.driver))].sort((a, b) => a.localeCompare(b));
  const rows = [...diffSection('workload', runs, drivers, workloadValues), ...diffSection('config', runs, drivers, configValues)];
  return { drivers, common: rows.filter((r) => r.common !== undefined), differing: rows.filter((r) => r.common === undefined) };
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
