// Every Node driver's arms against the embedded broker, through runArmProcess (src/runner/arm.ts) with
// hand-made ArmSpecs (protocol 2): topics filled here by a producer arm, random payloads. The consumer
// arm of each driver reads its warm-up topic and then the measured topic on one connected client:
// counts, the checksum of the measured messages alone and the warm-up count are exact, and the notes
// say how the window was opened (manual assignment or group join). Producers: exact deliveries, the
// topic holds warm-up + measured messages, and the pure-JS clients record their batching.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createTopic, topicEndOffsetsTotal } from '../../src/broker/admin.js';
import type { ArmSpec, PayloadSpec } from '../../src/contract/arm.js';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import type { Connection, ScenarioId } from '../../src/results/types.js';
import { runArmProcess } from '../../src/runner/arm.js';
import type { ScenarioOutcome } from '../../src/scenarios/types.js';
import { expectedChecksum, loadPayload, payloadSpec } from '../../src/verify/payload.js';
import { withBroker } from '../helpers/broker.js';

const SIZE = 200;
const N = 4000;
const W = 700;
const PARTITIONS = 2;
const DRIVERS = ['addon', 'addon-loop', 'node-rdkafka', 'confluent', 'kafkajs', 'platformatic', 'crab'];
const GROUP: Record<string, boolean> = { kafkajs: true, platformatic: true, confluent: true };

let armNo = 0;

function spec(conn: Connection, driver: string, scenario: ScenarioId, topic: string, payload: PayloadSpec, over: Partial<ArmSpec> = {}): ArmSpec {
  const id = `arms-${process.pid}-${++armNo}`;
  return {
    protocol: 2,
    armId: id,
    driver,
    scenario,
    messageSize: SIZE,
    messages: N,
    warmup: W,
    firstSeq: 0,
    topic,
    partitions: PARTITIONS,
    payload,
    connection: conn,
    settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 },
    extraConfig: {},
    timeoutMs: 120_000,
    threads: 1,
    clientId: `kbench-${id}`,
    groupId: `kbench-${id}`,
    resultFile: '',
    ...over,
  };
}

async function arm(s: ArmSpec): Promise<ScenarioOutcome> {
  const res = await runArmProcess(s, driverEntry(s.driver) as DriverEntry);
  assert.equal(res.outcome.ok, true, `${s.driver} ${s.scenario}: ${res.outcome.error} ${res.stderrTail}`);
  return res.outcome;
}

test('every Node driver: consumer (warm-up topic, then the measured one), producers and e2e-latency on hand-made specs', async (t) => {
  const broker = await withBroker(t);
  const conn: Connection = { brokers: broker.bootstrap.split(',') };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-arms-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const payload = payloadSpec('random', SIZE, dir);
  const bytes = loadPayload(payload);

  // The topics every consumer arm reads: N measured messages over two partitions, W of its own in the warm-up topic.
  const measured = `arms-measured-${process.pid}`;
  const warmup = `arms-warmup-${process.pid}`;
  await createTopic(broker.connection, { topic: measured, partitions: PARTITIONS, replication: 1 });
  await createTopic(broker.connection, { topic: warmup, partitions: 1, replication: 1 });
  const spread = { 'sticky.partitioning.linger.ms': 0 };
  await arm(spec(conn, 'addon', 'producer-async', measured, payload, { warmup: 0, extraConfig: spread }));
  await arm(spec(conn, 'addon', 'producer-async', warmup, payload, { messages: W, warmup: 0, partitions: 1 }));
  assert.equal(await topicEndOffsetsTotal(broker.connection, measured), N);
  assert.equal(await topicEndOffsetsTotal(broker.connection, warmup), W);
  const want = expectedChecksum(SIZE, 0, N, bytes);

  for (const driver of DRIVERS) {
    await t.test(`${driver} consumer`, async () => {
      const o = await arm(spec(conn, driver, 'consumer', measured, payload, { warmupTopic: warmup }));
      assert.equal(o.messages, N);
      assert.equal(o.consumed, N, 'measured topic only');
      assert.equal(o.consumedBytes, want.bytes);
      assert.equal(o.checksum, want.hex, 'the checksum of the measured messages alone');
      assert.equal(o.warmupConsumed, W);
      assert.ok(o.elapsedNs > 0 && o.endUs > o.startUs);
      const how = GROUP[driver] ? /group join/ : /right before assign\(\)/;
      assert.ok(o.notes.some((n) => how.test(n)), `${driver}: ${JSON.stringify(o.notes)}`);
      if (driver !== 'kafkajs' && driver !== 'platformatic') {
        assert.equal(o.config['queued.min.messages'], 100000, `${driver}: prefetch stated`);
        assert.equal(o.config['fetch.queue.backoff.ms'], 10, `${driver}: prefetch stated`);
      }
    });
  }

  for (const driver of DRIVERS) {
    await t.test(`${driver} producer-async`, async () => {
      const topic = `arms-p-${driver}-${process.pid}`;
      await createTopic(broker.connection, { topic, partitions: PARTITIONS, replication: 1 });
      const o = await arm(spec(conn, driver, 'producer-async', topic, payload));
      assert.equal(o.delivered, N);
      assert.equal(o.failed, 0);
      assert.equal(await topicEndOffsetsTotal(broker.connection, topic), N + W);
      if (driver === 'kafkajs' || driver === 'platformatic') {
        assert.equal(o.config['kbench.messagesPerRequest'], Math.floor((512 * 1024) / SIZE), 'batch.size 1 MB, capped at 512 KiB per send()');
        assert.match(String(o.config['kbench.linger']), /^none/);
      }
    });
  }

  for (const driver of ['addon', 'node-rdkafka', 'kafkajs']) {
    await t.test(`${driver} producer-sync and e2e-latency`, async () => {
      const sync = `arms-s-${driver}-${process.pid}`;
      await createTopic(broker.connection, { topic: sync, partitions: 1, replication: 1 });
      const s = await arm(spec(conn, driver, 'producer-sync', sync, payload, { messages: 30, warmup: 5, partitions: 1 }));
      assert.equal(s.delivered, 30);
      assert.equal(await topicEndOffsetsTotal(broker.connection, sync), 35);
      const e2e = `arms-e-${driver}-${process.pid}`;
      await createTopic(broker.connection, { topic: e2e, partitions: 1, replication: 1 });
      const e = await arm(spec(conn, driver, 'e2e-latency', e2e, payload, { messages: 300, warmup: 50, partitions: 1 }));
      assert.equal(e.delivered, 300);
      assert.equal(e.consumed, 350);
      assert.equal(e.lost, 0);
      assert.equal(e.duplicated, 0);
      assert.ok(e.latencyHistogram);
    });
  }
});
