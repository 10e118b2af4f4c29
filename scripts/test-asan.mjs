#!/usr/bin/env node
// Runs the native test suite (or the test files given) against the Debug + AddressSanitizer/UBSan
// addon: `npm run build:asan` builds it, `npm run test:asan` runs this. The suite includes the fuzz
// test (test/native/fuzz.test.ts), whose child process inherits this environment, so the fuzzer's
// calls run on the sanitized addon too.
// Node itself is not instrumented, so the ASan runtime must be loaded first (LD_PRELOAD); leak
// detection is off because Node deliberately leaves memory to the OS at exit. UBSan findings fail the
// run (halt_on_error). Test files that start a broker remove LD_PRELOAD before spawning the JVM.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const P = createRequire(import.meta.url)('./paths.cjs');
const addon = path.join(P.root, 'build', 'Debug', 'kbench.node');
if (!fs.existsSync(addon)) {
  process.stderr.write(`${addon} is not built; run \`npm run build:asan\` first\n`);
  process.exit(2);
}
const gcc = spawnSync(process.env.CC || 'gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' });
const libasan = gcc.stdout.trim();
if (gcc.status !== 0 || !path.isAbsolute(libasan) || !fs.existsSync(libasan)) {
  process.stderr.write(`could not locate libasan.so with \`gcc -print-file-name=libasan.so\` (got '${libasan}')\n`);
  process.exit(2);
}
const files = process.argv.slice(2);
const r = spawnSync(process.execPath, [path.join(P.root, 'scripts', 'run-tests.mjs'), '--test-concurrency=1', ...(files.length ? files : [path.join(P.root, 'dist', 'test', 'native')])], {
  stdio: 'inherit',
  env: {
    ...process.env,
    KBENCH_ADDON: addon,
    KBENCH_EXPECT_BUILD: 'debug-sanitize',
    LD_PRELOAD: libasan,
    ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0:halt_on_error=1',
    UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  },
});
process.exit(r.status ?? 1);
