// The Python drivers (drivers/python, one program for five clients) against the real embedded broker,
// arm by arm through runArmProcess (the runner's own way of running an arm): every scenario of every
// driver, the consumer's window contract (warm-up topic read first, the measured topic's count and
// checksum exact), or the driver unavailable for its one expected reason. Plus the Python payload and
// checksum against src/verify/payload.ts for every kind of source and stride, the protocol check, the
// Kafka-4 rule, and the program's own check of an external broker.
// Needs `kbench setup python` (CI runs it before npm test); without it the tests fail and say so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createTopic, withAdmin, type KafkaConnection } from '../../src/broker/admin.js';
import type { ClientConfig, PayloadSpec } from '../../src/contract/arm.js';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import type { DriverDescription } from '../../src/drivers/types.js';
import type { WorkloadSettings } from '../../src/results/types.js';
import { runArmProcess } from '../../src/runner/arm.js';
import { runBenchmark, unsupportedReason } from '../../src/runner/run.js';
import type { ArmSpec, ScenarioOutcome } from '../../src/scenarios/types.js';
import { PYTHON_ENVS, pythonDriverScript, pythonEnv } from '../../src/setup/python.js';
import { decodeHistogram } from '../../src/stats/latency.js';
import { addChecksums, expectedChecksum, loadPayload, payloadSpec } from '../../src/verify/payload.js';
import { buildRunSpec } from '../../src/cli/run.js';
import { withBroker } from '../helpers/broker.js';
import { assertPacedLatency, assertRates, assertTimed } from '../helpers/paced.js';
import { record } from '../helpers/results.js';
import { checkVectors, vectorCases, type VectorAnswer } from '../helpers/payload-vectors.js';

const DRIVERS = ['py-confluent', 'kafka-python', 'kafka-python-simple', 'pykafka', 'pykafka-rdkafka'];
const SETTINGS: WorkloadSettings = { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 };

function requireEnvs(): void {
  const missing = PYTHON_ENVS.filter((e) => !pythonEnv(e));
  if (missing.length) assert.fail(`Python environments not set up (${missing.join(', ')}): run \`node bin/kbench.js setup python\` before these tests (.ci/run does)`);
}

async function describe(id: string): Promise<DriverDescription> {
  const d = await (driverEntry(id) as DriverEntry).load();
  return d.describe();
}

/**
 * Payload vectors: sources of every kind — the random source (stride = size), a random source of an
 * odd length (a stride that wraps it in the middle of a message), a stride that is not the size, a
 * source shorter than a message, the compressible and a user's file (stride 0) — with sizes below, at
 * and above the 8-byte sequence number and the 16-byte latency header, and sequence numbers past 2^32.
 */
test('the Python driver writes payloads and checksums exactly as src/verify/payload.ts defines them', (t) => {
  // The plain standard-library python3 runs it: no environment needed.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-py-vectors-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { cases, request } = vectorCases(dir);
  const python = process.env.KBENCH_PYTHON || 'python3';
  const r = spawnSync(python, [pythonDriverScript, 'vectors'], { input: JSON.stringify(request), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  checkVectors(cases, JSON.parse(r.stdout) as VectorAnswer, 'python');
});

test('without its environment a Python driver is unavailable and says to run kbench setup python', async () => {
  const saved = process.env.KBENCH_CACHE;
  process.env.KBENCH_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-py-empty-'));
  try {
    const d = await describe('pykafka');
    assert.equal(d.available, false);
    assert.equal(d.reason, "its Python environment 'pykafka' is not set up: run `kbench setup python`");
  } finally {
    fs.rmSync(process.env.KBENCH_CACHE, { recursive: true, force: true });
    if (saved === undefined) delete process.env.KBENCH_CACHE;
    else process.env.KBENCH_CACHE = saved;
  }
});

test('clients that speak only pre-4.0 protocol versions are skipped on an embedded Kafka 4, with the reason', async () => {
  requireEnvs();
  const simple = await describe('kafka-python-simple');
  const rd = await describe('pykafka-rdkafka');
  assert.equal(unsupportedReason(simple, 'producer-async', 100, SETTINGS, '3.9.2'), undefined);
  assert.equal(
    unsupportedReason(simple, 'consumer', 100, SETTINGS, '4.1.2'),
    'Kafka 4.1.2: kafka-python 1.4’s SimpleClient speaks only Produce v0, Fetch v0, ListOffsets v0 and Metadata v0, which Kafka 4.0 removed (KIP-896): use a Kafka 3.x broker (the default 3.9.2)',
  );
  assert.match(unsupportedReason(await describe('pykafka'), 'producer-sync', 100, SETTINGS, '4.1.2') ?? '', /^Kafka 4\.1\.2: pykafka sends Produce v0, Fetch v1 and ListOffsets v0/);
  if (rd.available) {
    // librdkafka produces for it (current protocol versions); only pykafka's own offset reset is too old.
    assert.equal(unsupportedReason(rd, 'producer-async', 100, SETTINGS, '4.1.2'), undefined);
    assert.match(unsupportedReason(rd, 'consumer', 100, SETTINGS, '4.1.2') ?? '', /^Kafka 4\.1\.2: pykafka resets consumer offsets with ListOffsets v0/);
  }
  // An external broker's version is unknown here: the driver program checks it itself (next test).
  assert.equal(unsupportedReason(simple, 'consumer', 100, SETTINGS, undefined), undefined);
});

/** A stand-in broker that answers ApiVersions exactly as Kafka 4.1.2 does (Produce v0-2 advertised, Fetch from v4). */
async function kafka4ApiVersions(): Promise<{ address: string; close(): Promise<void> }> {
  const apis: [number, number, number][] = [[0, 0, 13], [1, 4, 18], [2, 1, 10], [3, 0, 13], [8, 2, 9], [9, 1, 9], [10, 0, 6], [11, 0, 9], [12, 0, 4], [13, 0, 5], [14, 0, 5], [18, 0, 4]];
  const server = net.createServer((sock) => {
    sock.once('data', (req) => {
      const body = Buffer.alloc(4 + 2 + 4 + 6 * apis.length);
      req.copy(body, 0, 8, 12); // correlation id
      body.writeInt16BE(0, 4);
      body.writeInt32BE(apis.length, 6);
      apis.forEach(([k, lo, hi], i) => {
        body.writeInt16BE(k, 10 + 6 * i);
        body.writeInt16BE(lo, 12 + 6 * i);
        body.writeInt16BE(hi, 14 + 6 * i);
      });
      const size = Buffer.alloc(4);
      size.writeInt32BE(body.length);
      sock.end(Buffer.concat([size, body]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('against an external Kafka 4 broker, an old-protocol client fails at once with the versions it lacks', async () => {
  requireEnvs();
  const fake = await kafka4ApiVersions();
  try {
    const spec: ArmSpec = {
      protocol: 2, payload: payloadSpec('compressible', 100, os.tmpdir()), armId: 'py-k4', driver: 'kafka-python-simple', scenario: 'consumer', messageSize: 100, messages: 10, warmup: 0, firstSeq: 0,
      topic: 'nowhere', partitions: 1, connection: { brokers: [fake.address] }, settings: SETTINGS, extraConfig: {}, timeoutMs: 60_000, threads: 1,
      clientId: 'kbench-py-k4', groupId: 'kbench-py-k4', resultFile: '',
    };
    const res = await runArmProcess(spec, driverEntry('kafka-python-simple') as DriverEntry);
    assert.equal(res.outcome.ok, false);
    assert.equal(
      res.outcome.error,
      'RuntimeError: kafka-python 1.4.7 SimpleClient speaks only protocol versions this broker no longer accepts: Produce v0 or older (the broker accepts v3-v13), ' +
        'Fetch v0 or older (the broker accepts v4-v18), ListOffsets v0 or older (the broker accepts v1-v10). Kafka 4.0 removed them (KIP-896); ' +
        "run against Kafka 3.x (kbench's default 3.9.2, or --kafka-version 3.9)",
    );
  } finally {
    await fake.close();
  }
});


test('a spec of another arm protocol is refused with a clear error, before any client is loaded', async () => {
  requireEnvs();
  const spec = {
    protocol: 1, payload: payloadSpec('compressible', 100, os.tmpdir()), armId: 'py-p1', driver: 'kafka-python', scenario: 'producer-async', messageSize: 100, messages: 10, warmup: 0, firstSeq: 0,
    topic: 'nowhere', partitions: 1, connection: { brokers: ['127.0.0.1:1'] }, settings: SETTINGS, extraConfig: {}, timeoutMs: 60_000, threads: 1,
    clientId: 'kbench-py-p1', groupId: 'kbench-py-p1', resultFile: '',
  } as unknown as ArmSpec;
  const res = await runArmProcess(spec, driverEntry('kafka-python') as DriverEntry);
  assert.equal(res.outcome.ok, false);
  assert.equal(res.outcome.error, 'ValueError: unsupported kbench arm protocol 1: this driver speaks protocol 2');
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

async function driverArms(t: TestContext, arms: Arms, driver: string): Promise<void> {
  const tag = driver.replace(/[^a-z0-9]/g, '');
  const measured = await newTopic(arms.conn, `py-${tag}-measured`, 2);
  const warm = await newTopic(arms.conn, `py-${tag}-warmup`, 1);
  const expected = expectedChecksum(SIZE, 0, N, loadPayload(arms.payload));
  const outcomes: Record<string, ScenarioOutcome> = {};

  await t.test('producer-async fills the measured topic (no warm-up) and the warm-up topic (its own warm-up first)', async () => {
    const o = await runArm(armSpec(arms, { driver, scenario: 'producer-async', topic: measured, partitions: 2, messages: N, settings: SPREAD }));
    assert.deepEqual([o.messages, o.bytes, o.delivered, o.failed], [N, N * SIZE, N, 0]);
    checkWindow(o, 'producer-async');
    outcomes['producer-async'] = o;
    // seq 0..W-1 in all: 100 warm-up messages, acknowledged before the window, then W - 100 measured ones.
    const w = await runArm(armSpec(arms, { driver, scenario: 'producer-async', topic: warm, warmup: 100, messages: W - 100 }));
    assert.deepEqual([w.messages, w.delivered, w.failed], [W - 100, W - 100, 0], 'the warm-up is not counted');
    checkWindow(w, 'producer-async with warm-up');
    assert.deepEqual(await partitionCounts(arms.conn, warm), [W]);
    const counts = await partitionCounts(arms.conn, measured);
    assert.equal(counts.reduce((a, b) => a + b, 0), N);
  });

  await t.test('consumer: the warm-up topic read first, then exactly the measured topic, checksummed inside the window', async () => {
    const o = await runArm(armSpec(arms, { driver, scenario: 'consumer', topic: measured, partitions: 2, messages: N, warmup: W, warmupTopic: warm }));
    assert.equal(o.consumed, N, 'consumed: the measured topic only');
    assert.equal(o.messages, N);
    assert.equal(o.bytes, N * SIZE);
    assert.equal(o.consumedBytes, N * SIZE);
    assert.equal(o.warmupConsumed, W);
    assert.equal(o.checksum, expected.hex, 'checksum of the measured topic = what its producer wrote (the kbench payloads of seq 0..N-1)');
    checkWindow(o, 'consumer');
    assert.ok(o.notes.some((n) => n.includes('window opens just before')), `${driver} says how its measured topic is assigned: ${o.notes.join(' | ')}`);
    outcomes['consumer'] = o;
  });

  await t.test('consumer shares: each reads only the partitions it is given, without a warm-up topic', async () => {
    const counts = await partitionCounts(arms.conn, measured);
    t.diagnostic(`${driver}: partitions hold ${counts.join(' + ')} messages`);
    assert.ok(counts.every((c) => c > 0), 'both partitions hold messages');
    const sums: string[] = [];
    for (const p of [0, 1]) {
      const extraConfig: ClientConfig = driver === 'py-confluent' && p === 0 ? { 'fetch.queue.backoff.ms': 50 } : {};
      const o = await runArm(armSpec(arms, { driver, scenario: 'consumer', topic: measured, partitions: 2, readPartitions: [p], messages: counts[p] as number, extraConfig }));
      assert.equal(o.consumed, counts[p], `partition ${p}`);
      assert.equal(o.warmupConsumed, 0);
      checkWindow(o, `consumer of partition ${p}`);
      sums.push(o.checksum as string);
      if (driver === 'py-confluent') assert.equal(o.config['fetch.queue.backoff.ms'], p === 0 ? 50 : 10, '--client-config overrides the prefetch settings');
    }
    assert.equal(addChecksums(sums), expected.hex, 'the two shares together are the whole topic');
  });

  await t.test('producer-sync and e2e-latency: exact counts, one latency per measured message', async () => {
    const sync = await runArm(armSpec(arms, { driver, scenario: 'producer-sync', topic: await newTopic(arms.conn, `py-${tag}-sync`, 1), messages: 100, warmup: 10 }));
    assert.deepEqual([sync.messages, sync.delivered, sync.failed], [100, 100, 0]);
    assert.equal(decodeHistogram(sync.latencyHistogram as string).totalCount, 100);
    checkWindow(sync, 'producer-sync');
    assert.deepEqual(await partitionCounts(arms.conn, `py-${tag}-sync`), [110]);
    const e2e = await runArm(armSpec(arms, {
      driver, scenario: 'e2e-latency', topic: await newTopic(arms.conn, `py-${tag}-e2e`, 1), messages: 500, warmup: 50, settings: { ...SETTINGS, rate: 1000 },
    }));
    assert.deepEqual([e2e.messages, e2e.delivered, e2e.failed, e2e.lost, e2e.duplicated], [500, 500, 0, 0, 0]);
    assert.equal(decodeHistogram(e2e.latencyHistogram as string).totalCount, 500);
    checkWindow(e2e, 'e2e-latency');
    assertPacedLatency(e2e, 1000, 500, `${driver} e2e-latency`);
    outcomes['producer-sync'] = sync;
  });

  await t.test('at a rate: corrected and service samples of every message, requested and achieved rate', async () => {
    const paced = await runArm(armSpec(arms, { driver, scenario: 'producer-sync', topic: await newTopic(arms.conn, `py-${tag}-paced-sync`, 1), messages: 200, warmup: 10, settings: { ...SETTINGS, lingerMs: 0, rate: 1000 } }));
    assert.deepEqual([paced.messages, paced.delivered, paced.failed], [200, 200, 0]);
    assertPacedLatency(paced, 1000, 200, `${driver} producer-sync at a rate`);
    const a = await runArm(armSpec(arms, { driver, scenario: 'producer-async', topic: await newTopic(arms.conn, `py-${tag}-paced-async`, 1), messages: 500, warmup: 50, settings: { ...SETTINGS, rate: 2000 } }));
    assert.deepEqual([a.messages, a.delivered], [500, 500]);
    assertRates(a, 2000, `${driver} producer-async at a rate`);
  });

  // The effective client settings are recorded next to the figures.
  const producer = outcomes['producer-async']?.config ?? {};
  const consumer = outcomes['consumer']?.config ?? {};
  if (driver === 'py-confluent') {
    assert.equal(producer['linger.ms'], 5);
    assert.equal(consumer['fetch.queue.backoff.ms'], 10);
    assert.equal(consumer['queued.min.messages'], 100000);
  }
  if (driver === 'kafka-python') assert.equal(producer['linger_ms'], 5);
  if (driver === 'pykafka') assert.equal(producer['min_queued_messages'], 163, 'batch.size / message size');
  if (driver === 'kafka-python-simple') assert.equal(consumer['buffer_size'], 1_048_576);
  if (driver === 'pykafka-rdkafka') {
    assert.equal(consumer['librdkafka.fetch.queue.backoff.ms'], '10');
    assert.equal(consumer['librdkafka.queued.min.messages'], '100000');
  }
}

test('the Python drivers arm by arm on one embedded broker: every scenario, the consumer window contract, exact counts and checksums', { timeout: 900_000 }, async (t) => {
  requireEnvs();
  const broker = await withBroker(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-py-arms-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The random source (stride = message size): consecutive messages walk through it, so every batch
  // the producers build is a contiguous run of the source, and the consumers' checksums see it.
  const arms: Arms = { conn: broker.connection, brokers: broker.bootstrap.split(','), payload: payloadSpec('random', SIZE, dir) };
  const descriptions = new Map<string, DriverDescription>();
  for (const id of DRIVERS) descriptions.set(id, await describe(id));

  await t.test('a driver that is unavailable is so for its one expected reason', () => {
    for (const id of DRIVERS) {
      const d = descriptions.get(id) as DriverDescription;
      if (d.available) continue;
      // Only pykafka's C extension may legitimately fail against this librdkafka; setup recorded why.
      assert.equal(id, 'pykafka-rdkafka', `${id} unavailable: ${d.reason}`);
      assert.match(d.reason ?? '', /^pykafka’s C extension is not usable: it (did not compile against librdkafka|built but does not load)/);
    }
    assert.match(descriptions.get('py-confluent')?.librdkafka ?? '', /^\d+\.\d+\.\d+$/);
    const rd = descriptions.get('pykafka-rdkafka') as DriverDescription;
    if (rd.available) assert.equal(rd.librdkafka, pythonEnv('pykafka')?.marker.extension?.librdkafka, 'the extension runs on kbench’s librdkafka');
  });

  for (const driver of DRIVERS.filter((id) => descriptions.get(id)?.available)) {
    await t.test(driver, (st) => driverArms(st, arms, driver));
  }

  await t.test('--duration through the runner: the timed producer arms stop after it and are read back', async () => {
    const drivers = DRIVERS.filter((id) => descriptions.get(id)?.available);
    const { spec } = buildRunSpec({ brokers: arms.brokers.join(','), drivers: drivers.join(','), scenarios: 'producer-async,producer-sync', duration: '1s', repeat: '1', brokerWarmup: '0', quiet: true });
    const doc = await runBenchmark(spec);
    for (const d of drivers) for (const scenario of ['producer-async', 'producer-sync']) assertTimed(record(doc, d, scenario), `${d} ${scenario} --duration 1s`);
  });
});
