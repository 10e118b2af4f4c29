// Coordinated omission, shown with a stall injected on purpose: producer-sync at a fixed rate while
// the broker's JVM is stopped (SIGSTOP) for 200 ms and continued. The messages due during the stall
// wait behind it; measured from their due time (corrected) they carry the stall, measured from when
// they were actually sent (service time) only the one message in flight does. The stall is placed by
// message count (a recorded progress event), and the assertions compare the two histograms of the
// same arm with each other and with the injected stall — never with the machine's speed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createTopic } from '../../src/broker/admin.js';
import type { ArmSpec } from '../../src/contract/arm.js';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import { runArmProcess } from '../../src/runner/arm.js';
import { decodeHistogram } from '../../src/stats/latency.js';
import { payloadSpec } from '../../src/verify/payload.js';
import { withBroker } from '../helpers/broker.js';

const RATE = 500;
const MESSAGES = 2500;
const STALL_MS = 200;
const STALL_AFTER = 800;

test('a 200 ms broker stall at a fixed rate shows in the corrected latency, and only as one sample in the service time', async (t) => {
  const broker = await withBroker(t);
  const node = broker.nodes[0];
  assert.ok(node?.pid, 'the broker JVM has a pid');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-stall-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const topic = `stall-${process.pid}`;
  await createTopic(broker.connection, { topic, partitions: 1, replication: 1 });
  const spec: ArmSpec = {
    protocol: 2, armId: `stall-${process.pid}`, driver: 'addon', scenario: 'producer-sync', messageSize: 100,
    messages: MESSAGES, warmup: 200, firstSeq: 0, topic, partitions: 1, payload: payloadSpec('random', 100, dir),
    connection: { brokers: broker.bootstrap.split(',') },
    settings: { acks: 'all', compression: 'none', lingerMs: 0, batchSize: 1_000_000, sendBatch: 1, idempotence: false, rate: RATE },
    extraConfig: {}, timeoutMs: 120_000, threads: 1, clientId: 'kbench-stall', groupId: 'kbench-stall', resultFile: '',
  };
  let stalledAt: number | undefined;
  let resumed: Promise<void> | undefined;
  const res = await runArmProcess(spec, driverEntry('addon') as DriverEntry, (done) => {
    if (stalledAt !== undefined || done < STALL_AFTER) return;
    stalledAt = done;
    process.kill(node.pid as number, 'SIGSTOP');
    resumed = new Promise((r) => setTimeout(() => {
      process.kill(node.pid as number, 'SIGCONT');
      r();
    }, STALL_MS));
  });
  await resumed;
  assert.equal(res.outcome.ok, true, res.outcome.error);
  assert.ok(stalledAt !== undefined && stalledAt < MESSAGES, 'the stall was injected mid-arm');
  assert.equal(res.outcome.delivered, MESSAGES);
  assert.equal(res.outcome.requestedRate, RATE);
  const corrected = decodeHistogram(res.outcome.latencyHistogram as string);
  const service = decodeHistogram(res.outcome.serviceHistogram as string);
  assert.equal(corrected.totalCount, MESSAGES);
  assert.equal(service.totalCount, MESSAGES);
  // Samples at or above half the stall: the messages due during it (corrected) vs. the one stuck in flight (service).
  // (The histogram API has percentiles, not counts: the count is found from the percentile at which values reach `us`.)
  const above = (h: typeof corrected, us: number): number => {
    if (h.maxValue < us) return 0;
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (h.getValueAtPercentile(mid) >= us) hi = mid;
      else lo = mid;
    }
    return Math.round(((100 - hi) / 100) * h.totalCount);
  };
  const half = (STALL_MS / 2) * 1000;
  const correctedSlow = above(corrected, half);
  const serviceSlow = above(service, half);
  t.diagnostic(`≥ ${half / 1000} ms: corrected ${correctedSlow}, service ${serviceSlow}; max corrected ${corrected.maxValue} µs, service ${service.maxValue} µs; p99.9 corrected ${corrected.getValueAtPercentile(99.9)} µs, service ${service.getValueAtPercentile(99.9)} µs`);
  assert.ok(corrected.maxValue >= STALL_MS * 1000 * 0.75, `the corrected max carries the stall (${corrected.maxValue} µs)`);
  assert.ok(correctedSlow >= 10 * Math.max(1, serviceSlow), `corrected ${correctedSlow} vs service ${serviceSlow} samples ≥ ${half} µs`);
  assert.ok(corrected.getValueAtPercentile(99.9) > service.getValueAtPercentile(99.9), 'the corrected p99.9 is above the uncorrected one');
  assert.ok(corrected.getValueAtPercentile(99) >= service.getValueAtPercentile(99));
});
