// Faults kbench must survive (issue 7): unreachable clusters, a broker killed mid-arm, a driver that
// throws, an arm process that dies, a message that goes missing. Each ends in a clear failure, a
// non-zero exit, results still written, and no process left behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../../src/broker/index.js';
import { buildRunSpec } from '../../src/cli/run.js';
import { runBenchmark } from '../../src/runner/run.js';
import { markedProcesses, newMark, runKbench, waitForOutput, waitUntilNoMarked } from '../helpers/marked.js';

/** Upper bound only to turn a hang into a failure; the measured time is printed. */
const HANG_GUARD_MS = 60_000;

async function expectUnreachable(address: string): Promise<void> {
  const mark = newMark();
  const t0 = Date.now();
  const run = runKbench(['run', '--brokers', address, '--drivers', 'kafkajs', '--quick', '--quiet'], mark);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), HANG_GUARD_MS);
  const { code, at } = await run.exit;
  clearTimeout(timer);
  process.stderr.write(`# --brokers ${address}: failed after ${((at - t0) / 1000).toFixed(1)} s\n`);
  assert.notEqual(code, 0);
  assert.notEqual(code, null, 'kbench hung and was killed by the test');
  assert.match(run.stderr(), new RegExp(`cannot reach Kafka at ${address.replace(/[.]/g, '\\.')}`));
  assert.deepEqual(await waitUntilNoMarked(mark, 5000), [], 'no child process left');
}

test('--brokers pointing at a closed port fails clearly, naming the address', () => expectUnreachable('127.0.0.1:1'));

test('--brokers pointing at an unresolvable host fails clearly, naming the address', () => expectUnreachable('kbench-no-such-host.invalid:9092'));

test('the broker killed during a producer-async arm: that arm fails with its counts, partial results are written, nothing is left running', async () => {
  const mark = newMark();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-fault-'));
  const out = path.join(dir, 'r.json');
  const run = runKbench(['run', '--drivers', 'node-rdkafka,kafkajs', '--scenarios', 'producer-async', '--messages', '5000000', '--repeat', '2', '--broker-warmup', '0', '--out', out], mark);
  try {
    await waitForOutput(run, (t) => t.includes('broker ready at'), 120_000);
    await new Promise((r) => setTimeout(r, 4000)); // into the first arm
    const jvms = markedProcesses(mark).filter((p) => p.cmdline.includes('kafka.Kafka') && !p.cmdline.includes('kbench-exec'));
    assert.equal(jvms.length, 1, 'exactly one broker JVM belongs to this run');
    process.kill((jvms[0] as { pid: number }).pid, 'SIGKILL');
    const killedAt = Date.now();
    const timer = setTimeout(() => run.child.kill('SIGKILL'), HANG_GUARD_MS);
    const { code, at } = await run.exit;
    clearTimeout(timer);
    process.stderr.write(`# run ended ${((at - killedAt) / 1000).toFixed(1)} s after the broker was killed\n`);
    assert.equal(code, 1);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as import('../../src/results/types.js').ResultsDocument;
    const reps = doc.runs.flatMap((r) => r.repetitions);
    assert.equal(reps.length, 1, 'only the interrupted arm has a repetition');
    const rep = reps[0] as import('../../src/results/types.js').Repetition;
    assert.equal(rep.ok, false);
    assert.match(rep.error ?? '', /the broker died during the arm \(\d+ sent, \d+ delivered, \d+ failed when stopped\)/);
    assert.equal(typeof rep.delivered, 'number');
    assert.ok(doc.skipped.some((s) => /not run: the broker died/.test(s.reason)));
    assert.deepEqual(await waitUntilNoMarked(mark, 10_000), [], 'no JVM, arm or wrapper left');
  } finally {
    run.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a driver that throws, an arm process that dies, and a dropped message each fail only their own arm', async (t) => {
  const broker = await startBroker({ nodes: 1 });
  t.after(() => broker.stop());
  const base = { brokers: broker.bootstrap, drivers: 'kafkajs,node-rdkafka', messages: '2000', repeat: '1', brokerWarmup: '0', quiet: true };

  const threw = await runBenchmark(buildRunSpec({ ...base, scenarios: 'producer-async', injectFault: 'throw:kafkajs' }).spec);
  const byDriver = (doc: typeof threw, d: string) => doc.runs.find((r) => r.driver === d);
  assert.equal(byDriver(threw, 'kafkajs')?.verified, false);
  assert.match(byDriver(threw, 'kafkajs')?.repetitions[0]?.error ?? '', /injected fault: the driver threw/);
  assert.equal(byDriver(threw, 'node-rdkafka')?.verified, true, 'the other arm still runs');

  const crashed = await runBenchmark(buildRunSpec({ ...base, scenarios: 'producer-async', injectFault: 'crash:kafkajs' }).spec);
  assert.equal(byDriver(crashed, 'kafkajs')?.verified, false);
  assert.match(byDriver(crashed, 'kafkajs')?.repetitions[0]?.error ?? '', /killed by SIGKILL|exited with code 137/);
  assert.equal(byDriver(crashed, 'node-rdkafka')?.verified, true);

  const dropped = await runBenchmark(buildRunSpec({ ...base, scenarios: 'consumer', injectFault: 'drop-one:kafkajs' }).spec);
  const failures = byDriver(dropped, 'kafkajs')?.repetitions[0]?.verification.failures.join('; ') ?? '';
  assert.equal(byDriver(dropped, 'kafkajs')?.verified, false, 'one unaccounted message fails the arm');
  assert.match(failures, /read 2000 measured messages: got 1999/);
  assert.match(failures, /read 200000 payload bytes: got 199900/);
  assert.match(failures, /checksum [0-9a-f]{16}: got [0-9a-f]{16}/);
  assert.equal(byDriver(dropped, 'node-rdkafka')?.verified, true);
});
