// Loads a Kafka client package. The librdkafka-based ones live in clients/ (installed and rebuilt
// against kbench's own librdkafka by scripts/install.mjs); the pure-JS ones in the root node_modules.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { clientsDir, projectRoot } from '../paths.js';

const fromClients = createRequire(path.join(clientsDir, 'package.json'));
const fromRoot = createRequire(path.join(projectRoot, 'package.json'));

function resolver(name: string): NodeRequire {
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

/** The installed version of a client package, or undefined when it is not installed. */
export function clientVersion(name: string): string | undefined {
  try {
    const r = resolver(name);
    return (JSON.parse(fs.readFileSync(packageJsonOf(r, name), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
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

/** Absolute path of a client package's entry, for ESM import(). */
export function resolveClient(name: string): string {
  return resolver(name).resolve(name);
}
