#!/usr/bin/env node
// Leak check of the addon: scripts/leak-workload.mjs (100 000 messages produced through every producer
// path and consumed back through every consumer path, plus error paths) against the embedded broker,
// under valgrind memcheck (default) or LeakSanitizer (the Debug + ASan addon, `npm run build:asan`).
//
//   npm run test:leaks                 valgrind, 100 000 messages (several minutes: node runs ~20-50x slower)
//   npm run test:leaks:lsan            LeakSanitizer, same workload (about a minute)
//   node scripts/leaks.mjs [--tool valgrind|lsan] [--messages N] [--keep] [--addon file]   (after `npm run build`)
//
// Only what kbench can leak is judged: a leak record counts when one of its stack frames is in
// kbench.node (native/*.cc) or librdkafka. Node's and V8's own allocations at exit are suppressed
// (scripts/valgrind-node.supp, scripts/lsan-node.supp) or, if they show up, reported apart and not
// judged. Exit status 1 when a definite leak (or a memcheck error) is attributable to the addon.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const P = createRequire(import.meta.url)('./paths.cjs');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const tool = opt('tool', 'valgrind');
const messages = Number(opt('messages', 100_000));
const keep = args.includes('--keep');
/** --addon: another build of kbench.node (to check that this script does catch a leak, say). */
const addonOverride = opt('addon', undefined);
if (!['valgrind', 'lsan'].includes(tool) || !(messages > 0)) {
  process.stderr.write('usage: node scripts/leaks.mjs [--tool valgrind|lsan] [--messages N] [--keep] [--addon file]\n');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const workload = path.join(here, 'leak-workload.mjs');
const distBroker = path.join(P.root, 'dist', 'src', 'broker', 'index.js');
if (!fs.existsSync(distBroker)) {
  process.stderr.write('dist/ is not built; run `npm run build` first\n');
  process.exit(2);
}
const log = (m) => process.stderr.write(`[leaks] ${m}\n`);

/** Frames that make a leak ours: the addon's code or librdkafka's. */
const OURS = /kbench\.node|\/native\/[a-z_]+\.(cc|h)|kbench::|librdkafka|\brd_kafka_|\brd_[a-z]/;

const out = fs.mkdtempSync(path.join(os.tmpdir(), `kbench-leaks-${tool}-`));
const { startBroker, createTopic } = await import(pathToFileURL(distBroker).href);
log(`starting the embedded broker (${tool}, ${messages} messages, output in ${out})`);
const broker = await startBroker({ nodes: 1 });
let status = 1;
try {
  const topic = `leaks-${Date.now()}`;
  const partitions = 3;
  await createTopic(broker.connection, { topic, partitions, replication: 1 });
  const started = Date.now();
  const workloadArgs = ['--expose-gc', workload, broker.bootstrap, topic, String(partitions), String(messages)];
  let r;
  let report;
  if (tool === 'valgrind') {
    const xml = path.join(out, 'memcheck.xml');
    r = spawnSync('valgrind', [
      '--tool=memcheck', '--leak-check=full', '--show-leak-kinds=definite,indirect', '--num-callers=40', '--trace-children=no',
      `--suppressions=${path.join(here, 'valgrind-node.supp')}`, '--xml=yes', `--xml-file=${xml}`, process.execPath, ...workloadArgs,
    ], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, KBENCH_ADDON: addonOverride ?? path.join(P.root, 'build', 'Release', 'kbench.node') } });
    report = parseValgrind(fs.existsSync(xml) ? fs.readFileSync(xml, 'utf8') : '');
  } else {
    const addon = addonOverride ?? path.join(P.root, 'build', 'Debug', 'kbench.node');
    if (!fs.existsSync(addon)) throw new Error(`${addon} is not built; run \`npm run build:asan\` first`);
    const libasan = spawnSync(process.env.CC || 'gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
    r = spawnSync(process.execPath, workloadArgs, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: {
        ...process.env,
        KBENCH_ADDON: addon,
        LD_PRELOAD: libasan,
        // Full stacks through librdkafka (built without frame pointers); report, do not fail, then judge here.
        ASAN_OPTIONS: 'detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=40:exitcode=0',
        LSAN_OPTIONS: `suppressions=${path.join(here, 'lsan-node.supp')}:print_suppressions=1`,
      },
    });
    report = parseLsan(r.stderr ?? '');
  }
  const seconds = (Date.now() - started) / 1000;
  fs.writeFileSync(path.join(out, 'stdout.txt'), r.stdout ?? '');
  fs.writeFileSync(path.join(out, 'stderr.txt'), r.stderr ?? '');
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('LEAK-WORKLOAD '));
  const work = line ? JSON.parse(line.slice('LEAK-WORKLOAD '.length)) : undefined;

  const summary = { tool, messages, seconds, workload: work, exit: r.status, signal: r.signal, ...report.totals };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  for (const rec of report.ours) process.stdout.write(`\n--- ours: ${rec.kind} ${rec.bytes} bytes in ${rec.blocks} blocks\n${rec.stack.join('\n')}\n`);
  const problems = [];
  if (r.status !== 0 || r.signal) problems.push(`the workload exited with ${r.signal ?? r.status} (stderr in ${out})`);
  if (!work?.complete) problems.push(`the workload did not produce and consume every message: ${JSON.stringify(work)}`);
  if (report.totals.oursDefinitelyLostBytes > 0) problems.push(`${report.totals.oursDefinitelyLostBytes} bytes definitely lost in kbench.node / librdkafka frames`);
  if (report.totals.oursErrors > 0) problems.push(`${report.totals.oursErrors} memcheck errors in kbench.node / librdkafka frames`);
  if (problems.length) {
    log(`FAILED:\n  ${problems.join('\n  ')}`);
  } else {
    log(`no definite leak attributable to kbench.node or librdkafka (${seconds.toFixed(0)} s)`);
    status = 0;
  }
} finally {
  await broker.stop();
  if (!keep && status === 0) fs.rmSync(out, { recursive: true, force: true });
}
process.exit(status);

// ---------------------------------------------------------------------------------------------------

/** memcheck's XML: every <error> with its kind, sizes and stack. */
function parseValgrind(xml) {
  const totals = { definitelyLostBytes: 0, indirectlyLostBytes: 0, oursDefinitelyLostBytes: 0, oursIndirectlyLostBytes: 0, errors: 0, oursErrors: 0, suppressed: 0 };
  const ours = [];
  for (const m of xml.matchAll(/<error>([\s\S]*?)<\/error>/g)) {
    const body = m[1];
    const kind = /<kind>([^<]+)<\/kind>/.exec(body)?.[1] ?? '?';
    const bytes = Number(/<leakedbytes>(\d+)<\/leakedbytes>/.exec(body)?.[1] ?? 0);
    const blocks = Number(/<leakedblocks>(\d+)<\/leakedblocks>/.exec(body)?.[1] ?? 0);
    const stack = [...body.matchAll(/<frame>([\s\S]*?)<\/frame>/g)].map((f) => {
      const fn = /<fn>([^<]*)<\/fn>/.exec(f[1])?.[1] ?? '???';
      const obj = /<obj>([^<]*)<\/obj>/.exec(f[1])?.[1] ?? '';
      const file = /<file>([^<]*)<\/file>/.exec(f[1])?.[1];
      const lineNo = /<line>([^<]*)<\/line>/.exec(f[1])?.[1];
      return `  ${decode(fn)} (${file ? `${file}:${lineNo}` : obj})`;
    });
    const mine = stack.some((s) => OURS.test(s));
    if (kind === 'Leak_DefinitelyLost') {
      totals.definitelyLostBytes += bytes;
      if (mine) totals.oursDefinitelyLostBytes += bytes;
    } else if (kind === 'Leak_IndirectlyLost') {
      totals.indirectlyLostBytes += bytes;
      if (mine) totals.oursIndirectlyLostBytes += bytes;
    } else if (!kind.startsWith('Leak_')) {
      totals.errors++;
      if (mine) totals.oursErrors++;
    }
    if (mine && (kind === 'Leak_DefinitelyLost' || kind === 'Leak_IndirectlyLost' || !kind.startsWith('Leak_'))) ours.push({ kind, bytes, blocks, stack });
  }
  for (const m of xml.matchAll(/<pair>\s*<count>(\d+)<\/count>/g)) totals.suppressed += Number(m[1]);
  return { totals, ours };
}

/** LeakSanitizer's text report: "Direct leak of N byte(s) in M object(s) allocated from:" and its frames. */
function parseLsan(stderr) {
  const totals = { definitelyLostBytes: 0, indirectlyLostBytes: 0, oursDefinitelyLostBytes: 0, oursIndirectlyLostBytes: 0, errors: 0, oursErrors: 0, suppressed: 0 };
  const ours = [];
  const blocks = stderr.split(/\n(?=(?:Direct|Indirect) leak of )/);
  for (const b of blocks) {
    const m = /^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\)/.exec(b);
    if (!m) continue;
    const stack = b.split('\n').filter((l) => /^\s+#\d+ /.test(l)).map((l) => `  ${l.trim()}`);
    const mine = stack.some((s) => OURS.test(s));
    const bytes = Number(m[2]);
    if (m[1] === 'Direct') {
      totals.definitelyLostBytes += bytes;
      if (mine) totals.oursDefinitelyLostBytes += bytes;
    } else {
      totals.indirectlyLostBytes += bytes;
      if (mine) totals.oursIndirectlyLostBytes += bytes;
    }
    if (mine) ours.push({ kind: `${m[1]} leak`, bytes, blocks: Number(m[3]), stack });
  }
  const supp = /Suppressions used:[\s\S]*?\n((?:\s+\d+\s+\d+\s+\S+\n?)+)/.exec(stderr);
  if (supp) for (const l of supp[1].trim().split('\n')) totals.suppressed += Number(l.trim().split(/\s+/)[0]);
  if (/ERROR: AddressSanitizer/.test(stderr)) {
    totals.errors++;
    if (OURS.test(stderr)) totals.oursErrors++;
  }
  return { totals, ours };
}

function decode(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}
