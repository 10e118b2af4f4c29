// Loads a Kafka client package. An arm that runs a version or a build of its own (`confluent@1.6.0`,
// `--node 22`, `--librdkafka bundled`) gets that install's directory in KBENCH_CLIENT_ROOT (set by the
// parent, src/runtime/prepare.ts), looked in first. Otherwise the librdkafka-based ones live in clients/
// (installed and rebuilt against kbench's own librdkafka by scripts/install.mjs); the pure-JS ones in
// the root node_modules.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { clientsDir, projectRoot } from '../paths.js';

const fromClients = createRequire(path.join(clientsDir, 'package.json'));
const fromRoot = createRequire(path.join(projectRoot, 'package.json'));

/** Set in an arm's process whose client comes from an install of its own (src/runtime/prepare.ts). */
export const CLIENT_ROOT_ENV = 'KBENCH_CLIENT_ROOT';
const own = process.env[CLIENT_ROOT_ENV] ? createRequire(path.join(process.env[CLIENT_ROOT_ENV] as string, 'package.json')) : undefined;

function resolver(name: string, from?: 'root'): NodeRequire {
  if (from === 'root') return fromRoot;
  if (own) {
    try {
      own.resolve(name);
      return own;
    } catch {
      // not part of that install: the usual places
    }
  }
  try {
    fromClients.resolve(name);
    return fromClients;
  } catch {
    return fromRoot;
  }
}

/** require() a client package by name (CommonJS clients). */
export function requireClient<T = unknown>(name: string): T {
  return resolver(name)(name) as T;
}

/** The installed version of a client package, or undefined when it is not installed. `from: 'root'`: kbench's own dependency. */
export function clientVersion(name: string, from?: 'root'): string | undefined {
  return clientManifest(name, from)?.version;
}

/** The package.json fields kbench reads of an installed client (undefined when it is not installed). */
export function clientManifest(name: string, from?: 'root'): { version: string; engines?: { node?: string } } | undefined {
  try {
    const r = resolver(name, from);
    return JSON.parse(fs.readFileSync(packageJsonOf(r, name), 'utf8')) as { version: string; engines?: { node?: string } };
  } catch {
    return undefined;
  }
}

/** Does Node `version` satisfy an engines range such as ">= 22.22.0 || >= 24.6.0", "^20.19.0 || >=22.12"? (x.y.z comparators, ^, ~, ||) */
export function satisfiesNode(range: string, version: string = process.versions.node): boolean {
  const v = version.split('.').map(Number);
  const cmp = (w: number[]): number => {
    for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== (w[i] ?? 0)) return (v[i] ?? 0) - (w[i] ?? 0);
    return 0;
  };
  const one = (c: string): boolean => {
    const m = /^(>=|<=|>|<|=|\^|~)?\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(c.trim());
    if (!m) return true; // a comparator kbench does not read is not held against the client
    const w = [Number(m[2]), Number(m[3]) || 0, Number(m[4]) || 0];
    switch (m[1]) {
      case '>=': return cmp(w) >= 0;
      case '>': return cmp(w) > 0;
      case '<=': return cmp(w) <= 0;
      case '<': return cmp(w) < 0;
      case '^': return cmp(w) >= 0 && v[0] === w[0];
      case '~': return cmp(w) >= 0 && v[0] === w[0] && v[1] === w[1];
      default: return m[3] === undefined || /x|\*/.test(m[3]) ? v[0] === w[0] : cmp(w) === 0;
    }
  };
  return range.split('||').some((alt) => alt.trim().replace(/([<>=~^])\s+/g, '$1').split(/\s+/).filter(Boolean).every(one));
}

/**
 * A package's package.json. Packages with an "exports" map (@platformatic/kafka, kafka-crab-js) do
 * not export it: it is then found by walking up from the package's entry point.
 */
function packageJsonOf(r: NodeRequire, name: string): string {
  try {
    return r.resolve(`${name}/package.json`);
  } catch {
    for (let dir = path.dirname(r.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'package.json');
      if (fs.existsSync(candidate) && (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name === name) return candidate;
    }
    throw new Error(`no package.json found for ${name}`);
  }
}

/** Absolute path of a client package's entry, for ESM import(). `from: 'root'`: kbench's own dependency. */
export function resolveClient(name: string, from?: 'root'): string {
  return resolver(name, from).resolve(name);
}

/** Is the client loaded from an install of its own (KBENCH_CLIENT_ROOT)? */
export function ownInstall(): boolean {
  return own !== undefined;
}
