// The Python drivers (drivers/python, one program for five clients) against the real embedded broker,
// through the runner as `kbench run` uses it: every scenario of every driver verified with exact
// counts, or the driver unavailable for its one expected reason. Plus the Python payload/checksum
// against src/verify/payload.ts, the Kafka-4 rule, and the program's own check of an external broker.
// Needs `kbench setup python` (CI runs it before npm test); without it the tests fail and say so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildRunSpec, type RunOptions } from '../../src/cli/run.js';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import type { DriverDescription } from '../../src/drivers/types.js';
import type { ResultsDocument, RunRecord, WorkloadSettings } from '../../src/results/types.js';
import { runArmProcess } from '../../src/runner/arm.js';
import { runBenchmark, unsupportedReason } from '../../src/runner/run.js';
import type { ArmSpec } from '../../src/scenarios/types.js';
import { PYTHON_ENVS, pythonDriverScript, pythonEnv } from '../../src/setup/python.js';
import { expectedChecksum, makePayload, writeTimestampUs } from '../../src/verify/payload.js';
import { withBroker } from '../helpers/broker.js';

const DRIVERS = ['py-confluent', 'kafka-python', 'kafka-python-simple', 'pykafka', 'pykafka-rdkafka'];
const SCENARIOS = ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'] as const;
const SETTINGS: WorkloadSettings = { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 };

function requireEnvs(): void {
  const missing = PYTHON_ENVS.filter((e) => !pythonEnv(e));
  if (missing.length) assert.fail(`Python environments not set up (${missing.join(', ')}): run \`node bin/kbench.js setup python\` before these tests (.ci/run does)`);
}

async function describe(id: string): Promise<DriverDescription> {
  const d = await (driverEntry(id) as DriverEntry).load();
  return d.describe();
}

function record(doc: ResultsDocument, driver: string, scenario: string): RunRecord {
  const r = doc.runs.find((x) => x.driver === driver && x.scenario === scenario);
  assert.ok(r, `${driver} ${scenario} ran (skipped: ${JSON.stringify(doc.skipped)})`);
  return r;
}

test('the Python driver writes payloads and checksums exactly as src/verify/payload.ts defines them', () => {
  // Sizes below, at and above the 8-byte sequence number and the 16-byte latency header; sequence
  // numbers past 2^32; an empty arm. The plain standard-library python3 runs it: no environment needed.
  const sums: [number, number, number][] = [[100, 0, 1000], [0, 0, 10], [1, 250, 300], [5, 7, 300], [8, 4294967290, 20], [16, 1, 64], [1024, 123456789, 50], [100, 0, 0]];
  const payloads: number[][] = [[10, 258], [3, 65793], [8, 2 ** 40 + 5], [100, 99], [20, 1, 1_700_000_000_123_456]];
  const python = process.env.KBENCH_PYTHON || 'python3';
  const r = spawnSync(python, [pythonDriverScript, 'vectors'], { input: JSON.stringify({ checksums: sums, payloads }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { checksums: { hex: string; bytes: number }[]; payloads: string[] };
  sums.forEach(([size, first, count], i) => assert.deepEqual(out.checksums[i], expectedChecksum(size, first, count), `size ${size}, first seq ${first}, count ${count}`));
  payloads.forEach(([size, seq, ts], i) => {
    const want = makePayload(size as number, seq as number);
    if (ts !== undefined) writeTimestampUs(want, 0, ts);
    assert.equal(out.payloads[i], want.toString('hex'), `payload of ${size} B, seq ${seq}${ts !== undefined ? ', timestamped' : ''}`);
  });
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
      protocol: 2, payload: { kind: 'compressible', source: '/dev/null', stride: 0 }, armId: 'py-k4', driver: 'kafka-python-simple', scenario: 'consumer', messageSize: 100, messages: 10, warmup: 0, firstSeq: 0,
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

test('the Python drivers through the runner, on one embedded broker', { timeout: 900_000 }, async (t) => {
  requireEnvs();
  const broker = await withBroker(t);
  const base: RunOptions = { brokers: broker.bootstrap, drivers: DRIVERS.join(','), repeat: '1', brokerWarmup: '0', quiet: true, timeout: '120' };
  const descriptions = new Map<string, DriverDescription>();
  for (const id of DRIVERS) descriptions.set(id, await describe(id));
  const available = DRIVERS.filter((id) => descriptions.get(id)?.available);

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

  await t.test('every scenario of every available driver is verified, with exact counts', async () => {
    const options: RunOptions = { ...base, drivers: available.join(','), scenarios: SCENARIOS.join(','), messages: '3000', syncMessages: '100', e2eMessages: '500', rate: '1000' };
    const doc = await runBenchmark(buildRunSpec(options).spec);
    assert.deepEqual(doc.skipped, []);
    for (const driver of available) {
      for (const scenario of SCENARIOS) {
        const r = record(doc, driver, scenario);
        const what = `${driver} ${scenario}`;
        assert.equal(r.verified, true, `${what}: ${JSON.stringify(r.repetitions.map((x) => x.error ?? x.verification.failures))}`);
        const rep = r.repetitions[0];
        assert.ok(rep);
        // The consumer asks for exactly the warm-up first, so the measured part is exactly the arm.
        assert.equal(rep.messages, r.messages, `${what}: measured messages`);
        assert.equal(rep.cpuSource, 'interval', `${what}: CPU of the measured interval`);
        if (scenario !== 'consumer') {
          assert.equal(rep.delivered, r.messages, `${what}: delivered`);
          assert.equal(rep.failed, 0, `${what}: failed`);
        }
        if (scenario === 'consumer') assert.equal(rep.consumed, r.messages + r.warmup, `${what}: consumed`);
        if (scenario === 'consumer') assert.equal(rep.checksum, expectedChecksum(100, 0, r.messages + r.warmup).hex, `${what}: checksum`);
        if (scenario === 'producer-sync' || scenario === 'e2e-latency') assert.equal(rep.latencyUs?.count, r.messages, `${what}: one latency per message`);
      }
    }
    // The effective client settings are recorded next to the figures.
    if (available.includes('py-confluent')) assert.equal(record(doc, 'py-confluent', 'producer-async').config['linger.ms'], 5);
    if (available.includes('kafka-python')) assert.equal(record(doc, 'kafka-python', 'producer-async').config['linger_ms'], 5);
    if (available.includes('pykafka')) assert.equal(record(doc, 'pykafka', 'producer-async').config['min_queued_messages'], 10_000);
    if (available.includes('kafka-python-simple')) assert.equal(record(doc, 'kafka-python-simple', 'consumer').config['buffer_size'], 1_048_576);
  });

  await t.test('two processes over two partitions: each Python consumer reads only the partitions it is given', async () => {
    const options: RunOptions = { ...base, drivers: available.join(','), scenarios: 'producer-async,consumer', messages: '4000', workers: '2', partitions: '2' };
    const doc = await runBenchmark(buildRunSpec(options).spec);
    for (const driver of available) {
      for (const scenario of ['producer-async', 'consumer']) {
        const r = record(doc, driver, scenario);
        assert.equal(r.verified, true, `${driver} ${scenario}: ${JSON.stringify(r.repetitions.map((x) => x.error ?? x.verification.failures))}`);
        assert.equal(r.repetitions[0]?.workers, 2, `${driver} ${scenario}: two processes`);
      }
    }
    assert.ok(doc.warnings.some((w) => w.startsWith('py-confluent cannot load in several worker threads')) || !available.includes('py-confluent'));
  });
});
