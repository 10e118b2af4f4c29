// Client packages kbench installs itself: any published version of a client, for any Node ABI, built
// one of two ways for the librdkafka-based ones. Used by scripts/install.mjs (clients/, the default
// versions) and by src/runtime/clients.ts (`--drivers confluent@1.6.0`, `--node 22`, on demand).
//
//   librdkafka 'shared'  — rebuilt against kbench's own librdkafka build (.kbench/librdkafka-*):
//                          every binding on one C library, so differences are the binding's alone.
//   librdkafka 'bundled' — built from the librdkafka source the package itself ships (what
//                          `npm install` builds when no prebuilt binary is downloaded): the client
//                          as a user gets it. kbench never downloads a prebuilt binary.
//
// Each install is a directory of its own: <.kbench>/clients/<pkg>@<version>/<variant>/ with a
// package.json, the package-lock.json npm wrote for it, node_modules, and a stamp written last.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const P = require('./paths.cjs');

/** Packages whose native part is a NAN build (one per Node ABI), and the addon file it leaves. */
export const NAN_BINDINGS = {
  'node-rdkafka': 'build/Release/node-librdkafka.node',
  '@confluentinc/kafka-javascript': 'build/Release/confluent-kafka-javascript.node',
};

export const storeDir = () => path.join(P.local, 'clients');

/**
 * Runs `fn` (a long synchronous step) with scripts/ticker.mjs printing a progress line every 15 s:
 * elapsed time and, with `dir`, how many of its sources are compiled. `prefix` starts each line.
 */
export function withTicker(label, fn, dir) {
  const t = spawn(process.execPath, [path.join(P.root, 'scripts', 'ticker.mjs'), String(process.pid), label, ...(dir ? [dir] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    return fn();
  } finally {
    t.kill();
  }
}

function safe(s) {
  return s.replace(/^@/, '').replace(/[^A-Za-z0-9._-]/g, '+');
}

export function lddLibrdkafka(file) {
  const r = spawnSync('ldd', [file], { encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').find((l) => l.includes('librdkafka.so'));
  return line ? line.split('=>')[1]?.trim().split(' ')[0] : undefined;
}

/** librdkafka version in a source tree (src/rdkafka.h's RD_KAFKA_VERSION). */
export function sourceLibrdkafkaVersion(srcDir) {
  try {
    const header = fs.readFileSync(path.join(srcDir, 'src', 'rdkafka.h'), 'utf8');
    const m = /#define RD_KAFKA_VERSION\s+0x([0-9a-f]{8})/i.exec(header);
    const v = m ? parseInt(m[1], 16) : 0;
    return v ? `${(v >> 24) & 0xff}.${(v >> 16) & 0xff}.${(v >> 8) & 0xff}` : undefined;
  } catch {
    return undefined;
  }
}

function tailOf(r) {
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter(Boolean).slice(-8).join(' | ');
}

/**
 * Builds a NAN binding in `pkgDir` for the Node whose headers are in `nodeDir`, with kbench's
 * node-gyp (never through npm: no npm config, no header download). Returns { ok, file, librdkafka, error, secs }.
 */
export function buildBinding({ pkg, pkgDir, nodeDir, nodeBin, librdkafka, jobs = String(Math.max(1, os.availableParallelism())), tickPrefix = '' }) {
  const rel = NAN_BINDINGS[pkg];
  if (!rel) throw new Error(`${pkg} has no NAN binding kbench knows how to build`);
  const gyp = path.join(P.root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const shared = librdkafka === 'shared';
  const want = path.join(P.librdkafkaLib, 'librdkafka.so.1');
  if (shared && !fs.existsSync(want)) return { ok: false, error: `kbench's shared librdkafka is not built (${want}); run npm install` };
  const env = {
    ...process.env,
    // binding.gyp runs `node -e "require('nan')"`: the target runtime first on PATH.
    PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
    BUILD_LIBRDKAFKA: shared ? '0' : '1',
    // @confluentinc/kafka-javascript's static build runs librdkafka's configure --install-deps, which
    // downloads OpenSSL, zstd … sources from the internet: its dynamic build uses the system's instead.
    ...(shared ? {} : { CKJS_LINKING: 'dynamic' }),
    ...(shared
      ? { CPPFLAGS: `-I${path.join(P.librdkafkaInclude, 'librdkafka')} -I${P.librdkafkaInclude}`, LDFLAGS: `-L${P.librdkafkaLib} -Wl,-rpath,${P.librdkafkaLib}` }
      : {}),
    JOBS: jobs,
  };
  for (const k of Object.keys(env)) if (/^npm_config_/i.test(k)) delete env[k];
  const t0 = Date.now();
  const gypRun = (cmd) => spawnSync(process.execPath, [gyp, cmd, `--nodedir=${nodeDir}`, '-j', jobs], { cwd: pkgDir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const label = `${tickPrefix}${pkg}: node-gyp build${shared ? '' : ' (its own librdkafka first)'}`;
  let r = withTicker(label, () => gypRun('rebuild'), pkgDir);
  // @confluentinc/kafka-javascript's generated Makefile names its configure action's output
  // (deps/librdkafka/config.h) by another relative path than the rule that needs it: a fresh build
  // stops at "No rule to make target" once configure has run, and the same build then goes on.
  if (r.status !== 0 && /No rule to make target '[^']*config\.h'/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`)) r = withTicker(label, () => gypRun('build'), pkgDir);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const file = path.join(pkgDir, rel);
  if (r.status !== 0 || !fs.existsSync(file)) {
    // The whole build log is kept beside the install (the install directory itself is removed).
    const logFile = `${path.resolve(pkgDir, '..', '..', '..')}.build.log`;
    try {
      fs.writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
    } catch {
      // no log then
    }
    const firstError = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => /(^|\s)(error|Error \d|\*\*\*)[:\s]/.test(l) && !/gyp ERR!/.test(l));
    return { ok: false, secs, error: `node-gyp rebuild failed${firstError ? `: ${firstError.trim()}` : ''} | ${tailOf(r)} (whole log: ${logFile})` };
  }
  const linked = lddLibrdkafka(file);
  if (shared && linked !== want) return { ok: false, secs, error: `built, but links ${linked ?? 'no shared librdkafka'} instead of ${want}` };
  const version = shared ? P.librdkafkaVersion : sourceLibrdkafkaVersion(path.join(pkgDir, 'deps', 'librdkafka'));
  return { ok: true, secs, file, librdkafka: shared ? linked : (linked ?? 'static'), librdkafkaVersion: version };
}

/**
 * Installs pkg@version for the runtime `node` ({ version, abi, bin, dir }), built `librdkafka`
 * ('shared' | 'bundled') when it has a NAN binding. Reuses a finished install. Returns
 * { root, pkgDir, version, librdkafka?, librdkafkaVersion? }; throws with the reason on failure.
 */
export function installClient({ pkg, version, node, librdkafka = 'shared', log = () => {}, tickPrefix = '' }) {
  if (!/^[A-Za-z0-9@/._-]+$/.test(pkg)) throw new Error(`'${pkg}' is not a package name`);
  if (!/^[0-9A-Za-z.+-]+$/.test(version)) throw new Error(`'${version}' is not a version`);
  const nan = pkg in NAN_BINDINGS;
  // A shared build is tied to kbench's librdkafka version: another version is another install.
  const variant = nan ? `abi${node.abi}-${librdkafka === 'shared' ? `shared-${P.librdkafkaVersion}` : 'bundled'}` : 'js';
  const root = path.join(storeDir(), `${safe(pkg)}@${version}`, variant);
  const stamp = path.join(root, '.kbench-ready.json');
  if (fs.existsSync(stamp)) return JSON.parse(fs.readFileSync(stamp, 'utf8'));
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'kbench-client-install', private: true, description: `${pkg}@${version} for kbench`, dependencies: { [pkg]: version } }, null, 2) + '\n');
  const t0 = Date.now();
  log(`installing ${pkg}@${version} from the npm registry${nan ? ` (for Node ABI ${node.abi}, librdkafka ${librdkafka})` : ''}…`);
  // Install scripts deferred: they would download a prebuilt binary (or build with npm's config).
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_/i.test(k)) delete env[k];
  const npm = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error'], { cwd: root, env, encoding: 'utf8', timeout: 900_000 });
  if (npm.status !== 0) {
    fs.rmSync(root, { recursive: true, force: true });
    const why = tailOf(npm);
    if (/E404|No matching version|ETARGET/.test(why)) throw new Error(`${pkg}@${version} is not on the npm registry`);
    throw new Error(`npm install ${pkg}@${version} failed: ${why}`);
  }
  const pkgDir = path.join(root, 'node_modules', pkg);
  const installed = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const out = { pkg, version: installed, root, pkgDir, node: node.version, abi: node.abi };
  if (nan) {
    log(`building ${pkg}@${version}'s binding for Node ${node.version}${librdkafka === 'bundled' ? ' with the librdkafka it ships (a few minutes)' : ` against kbench's librdkafka ${P.librdkafkaVersion}`}…`);
    const b = buildBinding({ pkg, pkgDir, nodeDir: node.dir, nodeBin: node.bin, librdkafka, tickPrefix });
    if (!b.ok) {
      fs.rmSync(root, { recursive: true, force: true });
      throw new Error(`${pkg}@${version} could not be built for Node ${node.version}: ${b.error}`);
    }
    Object.assign(out, { librdkafka: librdkafka, linked: b.librdkafka, librdkafkaVersion: b.librdkafkaVersion });
  }
  log(`${pkg}@${installed}: ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  fs.writeFileSync(stamp, JSON.stringify(out, null, 2) + '\n');
  return out;
}
