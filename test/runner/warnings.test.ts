// A client's own process warnings are notes of its arm (counted per kind, first line kept), never
// lines on kbench's stderr.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureWarnings, warningNote } from '../../src/runner/warnings.js';

test('captured warnings are counted per kind with their first line, and not printed', async () => {
  const cap = captureWarnings();
  try {
    process.emitWarning('-1796301323910 is a negative number.\nTimeout duration was set to 1.', 'TimeoutNegativeWarning');
    process.emitWarning('-5 is a negative number.', 'TimeoutNegativeWarning');
    process.emitWarning('The punycode module is deprecated.', 'DeprecationWarning', 'DEP0040');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(cap.notes(), [
      warningNote(2, 'TimeoutNegativeWarning: -1796301323910 is a negative number.'),
      'client warning ×1: DeprecationWarning [DEP0040]: The punycode module is deprecated.',
    ]);
  } finally {
    cap.restore();
  }
  assert.ok(process.listeners('warning').length > 0, "Node's own listener is back");
});

/** Runs `fn` with this process's stderr writes recorded (and still written). */
async function recordingStderr<T>(fn: () => Promise<T>): Promise<{ value: T; written: string[] }> {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), written };
  } finally {
    process.stderr.write = write;
  }
}

test('a Node driver arm whose client emits a process warning: a note of its repetition, nothing on the parent stderr', async (t) => {
  const { startBroker } = await import('../../src/broker/index.js');
  const { buildRunSpec } = await import('../../src/cli/run.js');
  const { runBenchmark } = await import('../../src/runner/run.js');
  const broker = await startBroker({ nodes: 1 });
  t.after(() => broker.stop());
  const { value: doc, written } = await recordingStderr(() =>
    runBenchmark(buildRunSpec({ brokers: broker.bootstrap, drivers: 'kafkajs', scenarios: 'producer-async', messages: '2000', repeat: '1', brokerWarmup: '0', quiet: true, injectFault: 'warn:kafkajs' }).spec),
  );
  const rep = doc.runs.find((r) => r.driver === 'kafkajs')?.repetitions[0];
  assert.ok(rep, 'the kafkajs arm ran');
  assert.equal(rep.ok, true, rep.error);
  assert.ok((rep.notes ?? []).includes('client warning ×2: KbenchInjectedWarning: injected fault: a client warning'), (rep.notes ?? []).join(' | '));
  assert.ok(!written.join('').includes('KbenchInjectedWarning'), 'not on the parent stderr');

  // A warning raised in kbench's own process during the run (its kafkajs admin client, say) is recorded in the method, neither a run warning nor a stderr line.
  let once = false;
  const events = {
    info: () => {
      if (!once) process.emitWarning('-1 is a negative number.', 'TimeoutNegativeWarning');
      once = true;
    },
    armStart: () => undefined, armProgress: () => undefined, armEnd: () => undefined,
  };
  const { value: own, written: seen } = await recordingStderr(() =>
    runBenchmark(buildRunSpec({ brokers: broker.bootstrap, drivers: 'addon', scenarios: 'producer-async', messages: '1000', repeat: '1', brokerWarmup: '0', quiet: true }).spec, events),
  );
  assert.deepEqual(own.env.method?.ownWarnings, ['client warning ×1: TimeoutNegativeWarning: -1 is a negative number.']);
  assert.ok(!own.warnings.some((w) => w.includes('TimeoutNegativeWarning')), own.warnings.join(' | '));
  assert.ok(!seen.join('').includes('TimeoutNegativeWarning'), 'not on the parent stderr');
  assert.ok(process.listeners('warning').length > 0, "Node's own listener is back after the run");
});
