// Ctrl-C during `kbench run`: the run says where it was, stops the running arm (kept, failed), runs no
// later arm, writes the results so far and exits 130. The SIGINT is sent when the first arm's start
// line appears, so the arm is between its start and its end whatever it is doing then.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ResultsDocument } from '../../src/results/types.js';
import { lastProgressNote } from '../../src/runner/arm.js';
import { describeRun, runKbench, withBroker } from '../helpers/broker.js';

test('SIGINT during an arm: the phase is said, the arm is failed as interrupted, later arms are skipped, results written, exit 130', { timeout: 180_000 }, async (t) => {
  const broker = await withBroker(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-interrupt-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'r.json');
  // Arms of 60 s each: the interrupt always lands inside the first.
  const args = ['run', '--drivers', 'addon', '--scenarios', 'producer-async', '--sizes', '100', '--duration', '60s', '--warmup', '1000', '--repeat', '2', '--brokers', broker.bootstrap, '--broker-warmup', '0', '--out', out];
  const r = await runKbench(args, { ...process.env, NO_COLOR: '1' }, { timeoutMs: 150_000, interruptWhen: /… \[1\/2\] addon producer-async/ });
  assert.equal(r.timedOut, undefined, describeRun(r));
  assert.equal(r.code, 130, describeRun(r));
  assert.match(r.stderr, /kbench: SIGINT while arm 1\/2 \(addon producer-async 100 B #1\)/);
  const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as ResultsDocument;
  const reps = doc.runs.flatMap((run) => run.repetitions);
  assert.equal(reps.length, 1, 'only the interrupted arm ran');
  assert.equal(reps[0]?.ok, false);
  assert.match(reps[0]?.error ?? '', /interrupted \(SIGINT\)/);
  assert.ok(doc.skipped.some((s) => /repetition 2 not run: the run was interrupted/.test(s.reason)), JSON.stringify(doc.skipped));
  assert.ok(doc.warnings.some((w) => /the run was interrupted \(SIGINT\)/.test(w)), JSON.stringify(doc.warnings));
});

test('lastProgressNote: counts summed over parts, the final line said, nothing without lines', () => {
  assert.equal(lastProgressNote([]), undefined);
  assert.equal(lastProgressNote([{ done: 1500, acked: 1400 }]), 'last progress: 1,500 sent, 1,400 acked');
  assert.equal(
    lastProgressNote([{ done: 10, consumed: 7, final: true, part: 0 }, { done: 5, consumed: 5, final: true, part: 1 }]),
    'last progress: 15 sent, 12 consumed (its final line: the scenario had ended, it was closing its clients)',
  );
  assert.equal(lastProgressNote([{ done: 10, final: true }, { done: 5 }]), 'last progress: 15 sent', 'final only when every part said so');
});
