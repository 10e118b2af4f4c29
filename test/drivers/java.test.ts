// The JVM drivers against the real embedded broker, through the runner as `kbench run` uses it: java
// (all four scenarios), java-perf (Kafka's own perf tools) and jython, on one broker, every arm
// verified with the expected counts. Plus the Java payload/checksum against the TypeScript definition.
// Needs `kbench setup java` (CI runs it before npm test); without it the tests fail and say so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import { driver as jythonDriver } from '../../src/drivers/jython.js';
import type { ResultsDocument } from '../../src/results/types.js';
import { runBenchmark } from '../../src/runner/run.js';
import { MAIN_CLASS, javaDriverBuild, javaRuntime, type JavaBuild } from '../../src/setup/java.js';
import { expectedChecksum } from '../../src/verify/payload.js';

function built(): JavaBuild {
  const b = javaDriverBuild();
  if (!b) assert.fail('the Java driver is not built for the current sources: run `node bin/kbench.js setup java` before these tests (CI must run it before npm test)');
  return b;
}

test('the Java driver writes payloads and checksums exactly as src/verify/payload.ts defines them', () => {
  const b = built();
  // Sizes below, at and above the 8-byte sequence number and the 16-byte latency header; sequence
  // numbers past 2^32 (the high word) and an empty arm.
  const cases: [number, number, number][] = [[100, 0, 1000], [0, 0, 10], [1, 250, 300], [5, 7, 300], [8, 4294967290, 20], [16, 1, 64], [1024, 123456789, 50], [100, 0, 0]];
  const r = spawnSync(javaRuntime().java as string, ['-cp', b.classpath, MAIN_CLASS, '--selftest', ...cases.flat().map(String)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, cases.length);
  cases.forEach(([size, first, count], i) => {
    const want = expectedChecksum(size, first, count);
    assert.deepEqual(JSON.parse(lines[i] as string), { hex: want.hex, bytes: want.bytes }, `size ${size}, first seq ${first}, count ${count}`);
  });
});

test('java, java-perf and jython on one embedded broker: every arm verified with the expected counts', { timeout: 600_000 }, async (t) => {
  const b = built();
  const { spec } = buildRunSpec({
    drivers: 'java,java-perf,jython',
    scenarios: 'producer-sync,producer-async,consumer,e2e-latency',
    messages: '3000',
    syncMessages: '100',
    e2eMessages: '500',
    rate: '1000',
    repeat: '1',
    brokerWarmup: '0',
    timeout: '120',
  });
  const doc: ResultsDocument = await runBenchmark(spec, {
    info: (m) => t.diagnostic(m),
    armStart: () => undefined,
    armProgress: () => undefined,
    armEnd: () => undefined,
  });

  const jython = b.marker.jython;
  const expected: [string, string, number, number][] = [
    // driver, scenario, measured messages, warm-up (java-perf's tools cannot leave one out)
    ['java', 'producer-sync', 100, 10],
    ['java', 'producer-async', 3000, 300],
    ['java', 'consumer', 3000, 300],
    ['java', 'e2e-latency', 500, 50],
    ['java-perf', 'producer-async', 3000, 0],
    ['java-perf', 'consumer', 3000, 0],
    ...(jython.ok ? ([['jython', 'producer-sync', 100, 10], ['jython', 'producer-async', 3000, 300]] as [string, string, number, number][]) : []),
  ];
  const summary = doc.runs.map((r) => `${r.driver}/${r.scenario}: ${r.repetitions.map((p) => p.error ?? p.verification.failures.join('; ')).join(' ') || 'ok'}`);
  assert.deepEqual(doc.runs.map((r) => `${r.driver}/${r.scenario}`).sort(), expected.map(([d, s]) => `${d}/${s}`).sort(), summary.join('\n'));
  for (const [driver, scenario, messages, warmup] of expected) {
    const run = doc.runs.find((r) => r.driver === driver && r.scenario === scenario);
    assert.ok(run, `${driver} ${scenario} ran`);
    const rep = run.repetitions[0];
    assert.ok(rep, `${driver} ${scenario} has a repetition`);
    assert.equal(rep.verification.verified, true, `${driver} ${scenario}: ${rep.error ?? ''} ${rep.verification.failures.join('; ')}`);
    assert.equal(run.warmup, warmup, `${driver} ${scenario} warm-up`);
    assert.equal(rep.messages, messages, `${driver} ${scenario} measured messages`);
    if (scenario.startsWith('producer') || scenario === 'e2e-latency') {
      assert.equal(rep.delivered, messages, `${driver} ${scenario} delivered`);
      assert.equal(rep.failed, 0, `${driver} ${scenario} failed`);
    }
    if (scenario === 'consumer') assert.equal(rep.consumed, messages + warmup, `${driver} consumer read everything`);
    if (scenario === 'producer-sync' || scenario === 'e2e-latency') assert.equal(rep.latencyUs?.count, messages, `${driver} ${scenario}: one latency per message`);
    if (driver !== 'java-perf') assert.equal(rep.cpuSource, 'interval', `${driver} reports the CPU of its measured interval`);
  }
  // The java driver checksums every payload it reads; the perf tool cannot and says so.
  const javaConsumer = doc.runs.find((r) => r.driver === 'java' && r.scenario === 'consumer');
  assert.equal(javaConsumer?.repetitions[0]?.checksum, expectedChecksum(100, 0, 3300).hex);
  const perfConsumer = doc.runs.find((r) => r.driver === 'java-perf' && r.scenario === 'consumer');
  assert.ok(perfConsumer?.repetitions[0]?.verification.checks.some((c) => c.startsWith('no payload checksum: ConsumerPerformance does not checksum')));
  assert.equal(doc.runs.find((r) => r.driver === 'java' && r.scenario === 'producer-async')?.config['buffer.memory'], 536870912);

  const skipped = doc.skipped.map((s) => `${s.driver}/${s.scenario}: ${s.reason}`).sort();
  const wantSkipped = [
    'java-perf/e2e-latency: java-perf does not run e2e-latency',
    'java-perf/producer-sync: java-perf does not run producer-sync',
    ...(jython.ok
      ? ['jython/consumer: jython does not run consumer', 'jython/e2e-latency: jython does not run e2e-latency']
      : ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'].map((s) => `jython/${s}: ${jython.error}`)),
  ].sort();
  assert.deepEqual(skipped, wantSkipped);
  if (!jython.ok) {
    // Unavailable only with the exact reason the build recorded when Jython failed to start.
    const d = await jythonDriver.describe();
    assert.equal(d.available, false);
    assert.match(d.reason ?? '', /^Jython did not start on this Java|^Maven did not provide jython-standalone/);
  }
});
