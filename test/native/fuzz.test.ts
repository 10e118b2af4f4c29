// The addon under abuse: every method of the raw binding and of the typed wrappers, called with random
// and malformed arguments from the main thread and three worker threads at once (fixtures/fuzz-child.ts).
// It runs in a child process so that a crash fails this test with the signal and the last calls,
// instead of killing the test runner. No broker: an unreachable address and the mock cluster.
//
//   KBENCH_FUZZ_SEED=<n>   replays a run's calls (the seed is printed); KBENCH_FUZZ_CALLS=<n> calls per thread
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ThreadSummary } from './fixtures/fuzz-child.js';

/** What the fuzz child prints: the per-thread summaries added up, plus the run's own facts. */
interface FuzzSummary extends Omit<ThreadSummary, 'thread'> {
  seed: number;
  threads: number;
  unfuzzedClasses: string[];
  seconds: number;
}

const CHILD = fileURLToPath(new URL('./fixtures/fuzz-child.js', import.meta.url));
const CALLS_PER_THREAD = Number(process.env.KBENCH_FUZZ_CALLS ?? 5000);
const THREADS = 4; // the main thread and 3 workers

/** The last lines of every thread's call log: the call without a ✓ was running when the process died. */
function lastCalls(logDir: string): string {
  if (!fs.existsSync(logDir)) return '(no call logs)';
  return fs.readdirSync(logDir).sort().map((f) => {
    const lines = fs.readFileSync(path.join(logDir, f), 'utf8').trimEnd().split('\n');
    return `  ${f}:\n${lines.slice(-3).map((l) => `    ${l.slice(0, 600)}`).join('\n')}`;
  }).join('\n');
}

test(`fuzzing every addon method (${CALLS_PER_THREAD * THREADS} calls, ${THREADS} threads) never crashes and throws only TypeError, RangeError or KafkaError`, (t) => {
  const seed = process.env.KBENCH_FUZZ_SEED ?? String(randomInt(2 ** 32));
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-fuzz-'));
  t.diagnostic(`seed ${seed}: KBENCH_FUZZ_SEED=${seed} replays these calls`);
  const r = spawnSync(process.execPath, ['--expose-gc', CHILD], {
    encoding: 'utf8',
    env: { ...process.env, KBENCH_FUZZ_SEED: seed, KBENCH_FUZZ_CALLS: String(CALLS_PER_THREAD), KBENCH_FUZZ_WORKERS: String(THREADS - 1), KBENCH_FUZZ_LOG_DIR: logDir },
    timeout: 20 * 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const how = r.error ? `${r.error.message}` : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
  const context = `fuzz seed ${seed} (KBENCH_FUZZ_SEED=${seed} replays it): ${how}\nlast calls (no ✓: running when it ended; all of them in ${logDir}):\n${lastCalls(logDir)}\n` +
    `stderr (tail):\n${(r.stderr ?? '').slice(-6000)}`;
  assert.equal(r.error, undefined, context);
  assert.equal(r.signal, null, context);
  assert.equal(r.status, 0, context);

  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('FUZZ-SUMMARY '));
  assert.ok(line, `the fuzzer printed no summary\n${context}`);
  const s = JSON.parse(line.slice('FUZZ-SUMMARY '.length)) as FuzzSummary;
  assert.deepEqual(s.unexpected, [], `errors of another kind than TypeError, RangeError or KafkaError\n${context}`);
  assert.ok(s.calls >= CALLS_PER_THREAD * THREADS, `${s.calls} calls`);
  assert.deepEqual(s.unfuzzedClasses, [], 'the binding exports a class the fuzzer has no surface for: add it to SURFACES in fixtures/fuzz-child.ts');
  // Every method and accessor the binding and the wrappers expose was called, and reached its work
  // with valid arguments at least once (not only its argument checks).
  for (const name of s.surface) {
    assert.ok((s.byMethod[name] ?? 0) >= 10, `${name} was called ${s.byMethod[name] ?? 0} times`);
    assert.ok((s.okByMethod[name] ?? 0) > 0, `${name} never succeeded`);
  }
  // Each documented kind of error came up (the fuzzer did reach the checks), and nothing else.
  for (const kind of ['TypeError', 'RangeError', 'KafkaError ERR__STATE (closed)', 'KafkaError ERR__STATE (busy)', 'ok']) {
    assert.ok((s.outcomes[kind] ?? 0) > 0, `no call ended with ${kind}: ${JSON.stringify(s.outcomes)}`);
  }
  t.diagnostic(`${s.calls} calls in ${s.seconds} s on ${s.threads} threads, ${s.clientsCreated} clients created, outcomes ${JSON.stringify(s.outcomes)}`);
  fs.rmSync(logDir, { recursive: true, force: true });
});
