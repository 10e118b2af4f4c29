// Where kbench finds what its install step built (.kbench/build-info.json, written by
// scripts/install.mjs) and where it keeps per-user caches (Kafka jars, Python venv, broker state).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository / package root (dist/src/paths.js → ../..). */
export const projectRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const localDir: string = path.join(projectRoot, '.kbench');
export const buildInfoPath: string = path.join(localDir, 'build-info.json');
export const clientsDir: string = path.join(projectRoot, 'clients');

/** The user cache: `KBENCH_CACHE`, else `$XDG_CACHE_HOME/kbench`, else `~/.cache/kbench`. */
export function cacheDir(): string {
  if (process.env.KBENCH_CACHE) return path.resolve(process.env.KBENCH_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kbench');
}

export interface BuildInfo {
  librdkafka?: { version: string; prefix: string; source: string };
  tools?: Record<string, string>;
  /** clients/'s NAN bindings on the shared librdkafka, built for Node ABI `abi`. */
  bindings?: Record<string, { ok: boolean; file?: string; librdkafka?: string; error?: string; abi?: string; node?: string }>;
  /** The same clients as their packages ship them (.kbench/clients/…), for the Node that ran the install. */
  bundled?: Record<string, { ok: boolean; version?: string; root?: string; librdkafka?: string; error?: string }>;
  addon?: { ok: boolean; builder: string; file: string; librdkafka?: string };
}

export function readBuildInfo(): BuildInfo {
  try {
    return JSON.parse(fs.readFileSync(buildInfoPath, 'utf8')) as BuildInfo;
  } catch {
    return {};
  }
}

/** Path of a program built by the install step (e.g. 'kbench-exec', 'rdkafka_performance'), or undefined. */
export function toolPath(name: string): string | undefined {
  const p = readBuildInfo().tools?.[name] ?? path.join(localDir, 'bin', name);
  return fs.existsSync(p) ? p : undefined;
}

/** kbench's own version (package.json). */
export function kbenchVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
