// What an arm of a driver key runs on: which Node binary, and which install of its client
// (src/drivers/variant.ts). The work (fetching Node from npm, installing a client version, building
// a NAN binding for another ABI or with its own librdkafka) is done by scripts/prepare.mjs in a
// process of its own, once per key and mode, its progress lines passed to the log.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DriverEntry } from '../drivers/registry.js';
import type { LibrdkafkaMode } from '../plan/plan.js';
import type { ArmRuntime } from '../results/types.js';
import { projectRoot, readBuildInfo } from '../paths.js';
import { CLIENT_ROOT_ENV, clientVersion } from '../util/clients.js';
import { UsageError } from '../util/errors.js';

export interface PreparedDriver {
  /** The Node binary that runs the arm's process. */
  bin: string;
  /** Environment added to the arm's process (the client install's root). */
  env: Record<string, string>;
  runtime: ArmRuntime;
}

interface PrepareAnswer {
  runtime: { version: string; abi: string; napi: string; bin: string; source: 'running' | 'npm' };
  client?: { pkg: string; version: string; root: string; librdkafka?: LibrdkafkaMode; linked?: string; librdkafkaVersion?: string };
}

const NAN = new Set(['node-rdkafka', '@confluentinc/kafka-javascript']);
const script = path.join(projectRoot, 'scripts', 'prepare.mjs');
const memo = new Map<string, Promise<PreparedDriver>>();
let logLine: (line: string) => void = (l) => process.stderr.write(`kbench: ${l}\n`);

/** Where the preparation's progress lines go (the CLI's progress display; stderr by default). */
export function setPrepareLog(fn: (line: string) => void): void {
  logLine = fn;
}

function running(): ArmRuntime {
  return { node: process.versions.node, abi: process.versions.modules, source: 'running' };
}

/** Does the key need anything beyond the running Node and kbench's own install? */
export function needsPreparation(entry: DriverEntry, mode: LibrdkafkaMode): boolean {
  if (entry.kind !== 'node') return false;
  if (entry.variant?.node && entry.variant.node !== 'current' && !matchesRunning(entry.variant.node)) return true;
  if (!entry.package) return false;
  if (entry.variant?.version && !sameVersion(entry.variant.version, clientVersion(entry.package))) return true;
  return NAN.has(entry.package) && (mode !== 'shared' || installedAbi(entry.package) !== process.versions.modules);
}

/** The Node ABI clients/'s build of a NAN binding is for (the Node that ran `npm install`). */
function installedAbi(pkg: string): string | undefined {
  return readBuildInfo().bindings?.[pkg]?.abi;
}

/** node-rdkafka's package.json says "v3.6.1": versions compare without the v. */
export function sameVersion(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.replace(/^v/, '') === b.replace(/^v/, '');
}

function matchesRunning(spec: string): boolean {
  const want = spec.split('.');
  const have = process.versions.node.split('.');
  return want.every((w, i) => w === have[i]);
}

/** The runtime and client install for `entry`'s arms (memoized per key and mode). Rejects with the reason it cannot be had. */
export function prepareDriver(entry: DriverEntry, mode: LibrdkafkaMode = 'bundled'): Promise<PreparedDriver> {
  const clientMode: LibrdkafkaMode | undefined = entry.package && NAN.has(entry.package) ? mode : undefined;
  const plain = (): PreparedDriver => ({ bin: process.execPath, env: {}, runtime: { ...running(), ...(clientMode ? { librdkafka: clientMode } : {}) } });
  if (!needsPreparation(entry, mode)) return Promise.resolve(plain());
  const key = `${entry.id}|${mode}`;
  let p = memo.get(key);
  if (!p) {
    p = runPrepare(entry, mode).then((a): PreparedDriver => {
      const r: ArmRuntime = { node: a.runtime.version, abi: a.runtime.abi, source: a.runtime.source };
      if (a.client) {
        r.client = { version: a.client.version, root: a.client.root };
        if (a.client.librdkafka) r.librdkafka = a.client.librdkafka;
      } else if (clientMode) {
        r.librdkafka = clientMode;
      }
      const env: Record<string, string> = a.client ? { [CLIENT_ROOT_ENV]: a.client.root } : {};
      return { bin: a.runtime.bin, env, runtime: r };
    });
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

function runPrepare(entry: DriverEntry, mode: LibrdkafkaMode): Promise<PrepareAnswer> {
  const req = {
    node: entry.variant?.node ?? 'current',
    ...(entry.package ? { pkg: entry.package, defaultVersion: clientVersion(entry.package), defaultAbi: installedAbi(entry.package), librdkafka: mode } : {}),
    ...(entry.variant?.version ? { version: entry.variant.version } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(req)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      partial += c;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).trim();
        partial = partial.slice(nl + 1);
        if (!line) continue;
        if (line.startsWith('ERROR: ')) errTail = line.slice(7);
        else logLine(`${entry.id}: ${line}`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last) {
        try {
          resolve(JSON.parse(last) as PrepareAnswer);
          return;
        } catch {
          // fall through
        }
      }
      const why = errTail || `preparing ${entry.id} failed (exit code ${code})`;
      // A version or a Node the registry does not have is a mistake in what was asked for.
      reject(/is not on the npm registry|on the npm registry \(.*matches no version\)/.test(why) ? new UsageError(`--drivers ${entry.id}: ${why}`) : new Error(why));
    });
  });
}
