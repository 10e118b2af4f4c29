// The JVM drivers against the real embedded broker, arm by arm through runArmProcess (the runner's own
// way of running an arm): java (all four scenarios, the consumer window contract: warm-up topic first,
// then exactly the measured topic's count and checksum), jython (its producers' topics read back and
// checksummed by the java consumer) and java-perf (Kafka's own tools: counts, and honest about what it
// cannot check). At a rate: corrected and service samples, requested and achieved rate (java, jython);
// --duration: timed producer arms through the runner, read back (java-perf skipped: it cannot stop
// after a duration). Plus the Java payload/checksum against the TypeScript definition and the protocol check.
// Needs `kbench setup java` (CI runs it before npm test); without it the tests fail and say so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createTopic, withAdmin, type KafkaConnection } from '../../src/broker/admin.js';
import type { PayloadSpec } from '../../src/contract/arm.js';
import { driver as jythonDriver } from '../../src/drivers/jython.js';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import type { WorkloadSettings } from '../../src/results/types.js';
import { runArmProcess } from '../../src/runner/arm.js';
import type { ArmSpec, ScenarioOutcome } from '../../src/scenarios/types.js';
import { MAIN_CLASS, javaDriverBuild, javaRuntime, type JavaBuild } from '../../src/setup/java.js';
import { decodeHistogram } from '../../src/stats/latency.js';
import { addChecksums, expectedChecksum, loadPayload, payloadSpec } from '../../src/verify/payload.js';
import { buildRunSpec } from '../../src/cli/run.js';
import { runBenchmark } from '../../src/runner/run.js';
import { withBroker } from '../helpers/broker.js';
import { assertPacedLatency, assertRates, assertTimed } from '../helpers/paced.js';
import { record } from '../helpers/results.js';
import { checkVectors, vectorCases, type VectorAnswer } from '../helpers/payload-vectors.js';

const SETTINGS: WorkloadSettings = { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 };

function built(): JavaBuild {
  const b = javaDriverBuild();
  if (!b) assert.fail('the Java driver is not built for the current sources: run `node bin/kbench.js setup java` before these tests (CI must run it before npm test)');
  return b;
}

/**
 * Payload vectors: sources of every kind — the random source (stride = size), a random source of an
 * odd length (a stride that wraps it in the middle of a message), a stride that is not the size, a
 * source shorter than a message, the compressible and a user's file (stride 0) — with sizes below, at
 * and above the 8-byte sequence number and the 16-byte latency header, and sequence numbers past 2^32.
 */
test('the Java driver writes payloads and checksums exactly as src/verify/payload.ts defines them', (t) => {
  const b = built();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-java-vectors-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { cases, request } = vectorCases(dir);
  const r = spawnSync(javaRuntime().java as string, ['-cp', b.classpath, MAIN_CLASS, '--vectors'], { input: JSON.stringify(request), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  checkVectors(cases, JSON.parse(r.stdout) as VectorAnswer, 'java');
});

test('a spec of another arm protocol is refused with a clear error (java and jython)', async () => {
  const b = built();
  const spec = {
    protocol: 1, payload: payloadSpec('compressible', 100, os.tmpdir()), armId: 'java-p1', driver: 'java', scenario: 'producer-async', messageSize: 100, messages: 10, warmup: 0, firstSeq: 0,
    topic: 'nowhere', partitions: 1, connection: { brokers: ['127.0.0.1:1'] }, settings: SETTINGS, extraConfig: {}, timeoutMs: 60_000, threads: 1,
    clientId: 'kbench-java-p1', groupId: 'kbench-java-p1', resultFile: '',
  } as unknown as ArmSpec;
  const drivers = b.marker.jython.ok ? ['java', 'jython'] : ['java'];
  for (const driver of drivers) {
    const res = await runArmProcess({ ...spec, driver }, driverEntry(driver) as DriverEntry);
    assert.equal(res.outcome.ok, false, driver);
    assert.equal(res.outcome.error, 'IllegalArgumentException: unsupported kbench arm protocol 1: this driver speaks protocol 2', driver);
  }
});

const SIZE = 100;
/** Producer batches of 16 KiB: a sticky partitioner moves on after each, so both partitions of a topic get messages. */
const SPREAD: WorkloadSettings = { ...SETTINGS, batchSize: 16_384 };
/** Measured messages of the consumer's topic, and the warm-up topic's messages. */
const N = 3000;
const W = 300;

interface Arms {
  conn: KafkaConnection;
  brokers: string[];
  payload: PayloadSpec;
}

function armSpec(arms: Arms, over: Partial<ArmSpec> & Pick<ArmSpec, 'driver' | 'scenario' | 'topic' | 'messages'>): ArmSpec {
  return {
    protocol: 2, armId: `${over.driver}-${over.topic}`, messageSize: SIZE, warmup: 0, firstSeq: 0, partitions: 1, payload: arms.payload,
    connection: { brokers: arms.brokers }, settings: SETTINGS, extraConfig: {}, timeoutMs: 120_000, threads: 1,
    clientId: `kbench-${over.driver}`, groupId: `kbench-g-${over.topic}`, resultFile: '', ...over,
  };
}

async function runArm(spec: ArmSpec): Promise<ScenarioOutcome> {
  const res = await runArmProcess(spec, driverEntry(spec.driver) as DriverEntry);
  const o = res.outcome;
  assert.equal(o.ok, true, `${spec.driver} ${spec.scenario} on ${spec.topic}: ${o.error ?? ''}\n${res.stderrTail.slice(-2000)}`);
  return o;
}

/** The window's figures agree with each other: positive wall time that matches its absolute start and end. */
function checkWindow(o: ScenarioOutcome, what: string): void {
  assert.ok(o.elapsedNs > 0, `${what}: elapsedNs ${o.elapsedNs}`);
  assert.ok(o.startUs > 1.5e15 && o.endUs >= o.startUs, `${what}: startUs ${o.startUs}, endUs ${o.endUs}`);
  const spanUs = o.endUs - o.startUs;
  const elapsedUs = o.elapsedNs / 1000;
  assert.ok(Math.abs(spanUs - elapsedUs) <= 2000 + 0.01 * elapsedUs, `${what}: endUs − startUs = ${spanUs} µs, elapsedNs = ${o.elapsedNs}`);
  assert.ok(o.cpuUserUs !== undefined && o.cpuSysUs !== undefined, `${what}: CPU over the window`);
  assert.equal((o as { verifyNs?: number }).verifyNs, undefined, `${what}: nothing is subtracted any more`);
}

async function newTopic(conn: KafkaConnection, topic: string, partitions: number): Promise<string> {
  await createTopic(conn, { topic, partitions, replication: 1 });
  return topic;
}

async function partitionCounts(conn: KafkaConnection, topic: string): Promise<number[]> {
  const offsets = await withAdmin(conn, (admin) => admin.fetchTopicOffsets(topic));
  const out: number[] = [];
  for (const p of offsets) out[p.partition] = Number(p.high);
  return out;
}

function checkConsumer(o: ScenarioOutcome, what: string, n: number, warmup: number, checksum: string): void {
  assert.equal(o.consumed, n, `${what}: consumed = the measured topic only`);
  assert.equal(o.messages, n, `${what}: messages`);
  assert.equal(o.consumedBytes, n * SIZE, `${what}: consumedBytes`);
  assert.equal(o.warmupConsumed, warmup, `${what}: warmupConsumed`);
  assert.equal(o.checksum, checksum, `${what}: checksum = the kbench payloads of seq 0..${n - 1}`);
  checkWindow(o, what);
}

async function javaArms(t: TestContext, arms: Arms): Promise<void> {
  const measured = await newTopic(arms.conn, 'java-measured', 2);
  const warm = await newTopic(arms.conn, 'java-warmup', 1);
  const expected = expectedChecksum(SIZE, 0, N, loadPayload(arms.payload));

  const o = await runArm(armSpec(arms, { driver: 'java', scenario: 'producer-async', topic: measured, partitions: 2, messages: N, settings: SPREAD }));
  assert.deepEqual([o.messages, o.bytes, o.delivered, o.failed], [N, N * SIZE, N, 0]);
  checkWindow(o, 'java producer-async');
  assert.equal(o.config['buffer.memory'], 536870912);
  // seq 0..W-1 in all: 100 warm-up messages, acknowledged before the window, then W - 100 measured ones.
  const w = await runArm(armSpec(arms, { driver: 'java', scenario: 'producer-async', topic: warm, warmup: 100, messages: W - 100 }));
  assert.deepEqual([w.messages, w.delivered, w.failed], [W - 100, W - 100, 0], 'the warm-up is not counted');
  assert.deepEqual(await partitionCounts(arms.conn, warm), [W]);

  const c = await runArm(armSpec(arms, { driver: 'java', scenario: 'consumer', topic: measured, partitions: 2, messages: N, warmup: W, warmupTopic: warm }));
  checkConsumer(c, 'java consumer', N, W, expected.hex);
  assert.ok(c.notes.some((n) => n.includes('window opens just before assign()')), c.notes.join(' | '));

  const counts = await partitionCounts(arms.conn, measured);
  t.diagnostic(`java: partitions hold ${counts.join(' + ')} messages`);
  assert.ok(counts.every((n) => n > 0), 'both partitions hold messages');
  const sums: string[] = [];
  for (const p of [0, 1]) {
    const s = await runArm(armSpec(arms, { driver: 'java', scenario: 'consumer', topic: measured, partitions: 2, readPartitions: [p], messages: counts[p] as number }));
    assert.equal(s.consumed, counts[p], `partition ${p}`);
    assert.equal(s.warmupConsumed, 0);
    checkWindow(s, `java consumer of partition ${p}`);
    sums.push(s.checksum as string);
  }
  assert.equal(addChecksums(sums), expected.hex, 'the two shares together are the whole topic');

  const sync = await runArm(armSpec(arms, { driver: 'java', scenario: 'producer-sync', topic: await newTopic(arms.conn, 'java-sync', 1), messages: 100, warmup: 10 }));
  assert.deepEqual([sync.messages, sync.delivered, sync.failed], [100, 100, 0]);
  assert.equal(decodeHistogram(sync.latencyHistogram as string).totalCount, 100);
  checkWindow(sync, 'java producer-sync');
  assert.deepEqual(await partitionCounts(arms.conn, 'java-sync'), [110]);

  const e2e = await runArm(armSpec(arms, { driver: 'java', scenario: 'e2e-latency', topic: await newTopic(arms.conn, 'java-e2e', 1), messages: 500, warmup: 50, settings: { ...SETTINGS, rate: 1000 } }));
  assert.deepEqual([e2e.messages, e2e.delivered, e2e.failed, e2e.lost, e2e.duplicated], [500, 500, 0, 0, 0]);
  assert.equal(decodeHistogram(e2e.latencyHistogram as string).totalCount, 500);
  checkWindow(e2e, 'java e2e-latency');
  assertPacedLatency(e2e, 1000, 500, 'java e2e-latency');

  const paced = await runArm(armSpec(arms, { driver: 'java', scenario: 'producer-sync', topic: await newTopic(arms.conn, 'java-paced-sync', 1), messages: 200, warmup: 10, settings: { ...SETTINGS, lingerMs: 0, rate: 1000 } }));
  assert.deepEqual([paced.messages, paced.delivered, paced.failed], [200, 200, 0]);
  assertPacedLatency(paced, 1000, 200, 'java producer-sync at a rate');
  const pacedAsync = await runArm(armSpec(arms, { driver: 'java', scenario: 'producer-async', topic: await newTopic(arms.conn, 'java-paced-async', 1), messages: 500, warmup: 50, settings: { ...SETTINGS, rate: 2000 } }));
  assert.deepEqual([pacedAsync.messages, pacedAsync.delivered], [500, 500]);
  assertRates(pacedAsync, 2000, 'java producer-async at a rate');
}

async function jythonArms(arms: Arms, b: JavaBuild): Promise<void> {
  const jython = b.marker.jython;
  if (!jython.ok) {
    // Unavailable only with the exact reason the build recorded when Jython failed to start.
    const d = await jythonDriver.describe();
    assert.equal(d.available, false);
    assert.match(d.reason ?? '', /^Jython did not start on this Java|^Maven did not provide jython-standalone/);
    return;
  }
  const topic = await newTopic(arms.conn, 'jython-async', 2);
  const o = await runArm(armSpec(arms, { driver: 'jython', scenario: 'producer-async', topic, partitions: 2, warmup: 100, messages: N - 100 }));
  assert.deepEqual([o.messages, o.delivered, o.failed], [N - 100, N - 100, 0]);
  checkWindow(o, 'jython producer-async');
  // What jython wrote (seq 0..N-1, warm-up included) is exactly the kbench payloads: the java consumer checks it.
  const c = await runArm(armSpec(arms, { driver: 'java', scenario: 'consumer', topic, partitions: 2, messages: N }));
  checkConsumer(c, 'java consumer of the jython topic', N, 0, expectedChecksum(SIZE, 0, N, loadPayload(arms.payload)).hex);

  const syncTopic = await newTopic(arms.conn, 'jython-sync', 1);
  const sync = await runArm(armSpec(arms, { driver: 'jython', scenario: 'producer-sync', topic: syncTopic, messages: 100, warmup: 10 }));
  assert.deepEqual([sync.messages, sync.delivered, sync.failed], [100, 100, 0]);
  assert.equal(decodeHistogram(sync.latencyHistogram as string).totalCount, 100);
  checkWindow(sync, 'jython producer-sync');
  const cs = await runArm(armSpec(arms, { driver: 'java', scenario: 'consumer', topic: syncTopic, messages: 110 }));
  assert.equal(cs.checksum, expectedChecksum(SIZE, 0, 110, loadPayload(arms.payload)).hex, 'jython producer-sync payloads');

  const paced = await runArm(armSpec(arms, { driver: 'jython', scenario: 'producer-sync', topic: await newTopic(arms.conn, 'jython-paced-sync', 1), messages: 200, warmup: 10, settings: { ...SETTINGS, lingerMs: 0, rate: 1000 } }));
  assert.deepEqual([paced.messages, paced.delivered, paced.failed], [200, 200, 0]);
  assertPacedLatency(paced, 1000, 200, 'jython producer-sync at a rate');
}

/** --duration without --rate through the runner: the JVM drivers' producer arms stop after it and are read back; java-perf is skipped. */
async function timedArms(arms: Arms, b: JavaBuild): Promise<void> {
  const drivers = b.marker.jython.ok ? ['java', 'jython'] : ['java'];
  const { spec } = buildRunSpec({ brokers: arms.brokers.join(','), drivers: [...drivers, 'java-perf'].join(','), scenarios: 'producer-async,producer-sync', duration: '1s', repeat: '1', brokerWarmup: '0', quiet: true });
  const doc = await runBenchmark(spec);
  for (const d of drivers) for (const scenario of ['producer-async', 'producer-sync']) assertTimed(record(doc, d, scenario), `${d} ${scenario} --duration 1s`);
  const skipped = doc.skipped.find((x) => x.driver === 'java-perf' && x.scenario === 'producer-async');
  assert.match(skipped?.reason ?? '', /java-perf cannot stop after a duration/);
}

async function javaPerfArms(arms: Arms): Promise<void> {
  const topic = await newTopic(arms.conn, 'java-perf-measured', 2);
  const p = await runArm(armSpec(arms, { driver: 'java-perf', scenario: 'producer-async', topic, partitions: 2, messages: N }));
  assert.deepEqual([p.messages, p.bytes, p.delivered, p.failed], [N, N * SIZE, N, 0]);
  assert.match(p.checksumUnavailable ?? '', /^ProducerPerformance sends its own payloads/);
  assert.ok(p.notes.some((n) => n.startsWith('payload: ProducerPerformance\'s own, --record-size 100')), p.notes.join(' | '));
  assert.deepEqual(await partitionCounts(arms.conn, topic).then((c) => c.reduce((a, b) => a + b, 0)), N);
  // Given a warm-up topic, ConsumerPerformance still reads the measured topic only: exactly N.
  const warm = await newTopic(arms.conn, 'java-perf-warmup', 1);
  const c = await runArm(armSpec(arms, { driver: 'java-perf', scenario: 'consumer', topic, partitions: 2, messages: N, warmup: W, warmupTopic: warm }));
  assert.deepEqual([c.messages, c.consumed, c.consumedBytes, c.warmupConsumed], [N, N, N * SIZE, 0]);
  assert.match(c.checksumUnavailable ?? '', /^ConsumerPerformance does not checksum payloads/);
  assert.equal(c.checksum, undefined);
  assert.ok(c.notes.some((n) => n.startsWith('reads the measured topic only')), c.notes.join(' | '));
}

test('java, jython and java-perf arm by arm on one embedded broker: every scenario, the consumer window contract, exact counts and checksums', { timeout: 600_000 }, async (t) => {
  const b = built();
  const broker = await withBroker(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-java-arms-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The random source (stride = message size): consecutive messages walk through it.
  const arms: Arms = { conn: broker.connection, brokers: broker.bootstrap.split(','), payload: payloadSpec('random', SIZE, dir) };
  await t.test('java', (st) => javaArms(st, arms));
  await t.test('jython', () => jythonArms(arms, b));
  await t.test('java-perf', () => javaPerfArms(arms));
  await t.test('--duration through the runner', () => timedArms(arms, b));
});
