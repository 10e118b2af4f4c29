// java-perf's output parsing and command line, on output captured from kafka-tools 3.9.2 (no broker); what
// it reads and sends against a real broker is in java.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandFor, parseToolOutput, toolConfig } from '../../src/drivers/java-perf.js';
import type { ArmSpec } from '../../src/scenarios/types.js';

function spec(scenario: ArmSpec['scenario'], messages: number, over: Partial<ArmSpec> = {}): ArmSpec {
  return {
    protocol: 2, payload: { kind: 'compressible', source: '/dev/null', stride: 0 }, armId: 'a', driver: 'java-perf', scenario, messageSize: 100, messages, warmup: 0, firstSeq: 0, topic: 't', partitions: 2,
    connection: { brokers: ['127.0.0.1:9092'] },
    settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 },
    extraConfig: {}, timeoutMs: 300_000, threads: 1, clientId: 'kbench-java-perf-1', groupId: 'kbench-g-1', resultFile: '', ...over,
  };
}

const PRODUCED = '5000 records sent, 11494.252874 records/sec (1.10 MB/sec), 55.17 ms avg latency, 305.00 ms max latency, 54 ms 50th, 82 ms 95th, 94 ms 99th, 95 ms 99.9th.\n';
const NONE_PRODUCED = '0 records sent, 0.000000 records/sec (0.00 MB/sec), NaN ms avg latency, 0.00 ms max latency, 0 ms 50th, 0 ms 95th, 0 ms 99th, 0 ms 99.9th.\n';
const TOO_LARGE = 'org.apache.kafka.common.errors.RecordTooLargeException: The request included a message larger than the max message size the server will accept.\n';
const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n';
const CONSUMED = `${HEADER}2026-11-22 04:30:58:565, 2026-11-22 04:30:59:651, 0.4768, 0.4391, 5000, 4604.0516, 911, 175, 2.7248, 28571.4286\n`;
const GAVE_UP = `${HEADER}WARNING: Exiting before consuming the expected number of messages: timeout (3000 ms) exceeded. You can use the --timeout option to increase the timeout.\n2026-11-22 04:31:01:111, 2026-11-22 04:31:05:069, 0.4768, 0.1205, 5000, 1263.2643, 721, 3237, 0.1473, 1544.6401\n`;

test('ProducerPerformance: records sent are the deliveries, its rate gives the elapsed time, its latency goes to notes', () => {
  const o = parseToolOutput({ stdout: PRODUCED, stderr: '', exitCode: 0 }, spec('producer-async', 5000), {});
  assert.equal(o.ok, true);
  assert.equal(o.delivered, 5000);
  assert.equal(o.failed, 0);
  assert.equal(o.bytes, 500_000);
  assert.equal(o.elapsedNs, Math.round((5000 / 11494.252874) * 1e9));
  assert.ok(o.notes.some((n) => n.includes('p50 54 ms, p95 82 ms, p99 94 ms, p99.9 95 ms, max 305.00 ms')));
  assert.equal(o.cpuUserUs, undefined, 'no interval CPU: the runner falls back to the process');
  // Its payloads are its own: said in the outcome, for the runner's weaker verification of its topic.
  assert.match(o.checksumUnavailable ?? '', /^ProducerPerformance sends its own payloads \(--record-size: random capital letters drawn per byte for every record\), not the kbench payload/);
  assert.ok(o.notes.some((n) => n.startsWith("payload: ProducerPerformance's own, --record-size 100: random capital letters")));
  assert.ok(o.notes.some((n) => n.startsWith('timing from ProducerPerformance itself, not kbench’s producer window')));
});

test('ProducerPerformance: failed records are counted by the exception class of their printed stack traces', () => {
  const o = parseToolOutput({ stdout: NONE_PRODUCED, stderr: TOO_LARGE.repeat(3), exitCode: 0 }, spec('producer-async', 3), {});
  assert.equal(o.ok, true);
  assert.equal(o.delivered, 0);
  assert.equal(o.failed, 3);
  assert.deepEqual(o.errors, { RecordTooLargeException: 3 });
});

test('ConsumerPerformance: count exact, bytes confirmed at its printed MB resolution, fetch time without the group join', () => {
  const o = parseToolOutput({ stdout: CONSUMED, stderr: '', exitCode: 0 }, spec('consumer', 5000), {});
  assert.equal(o.consumed, 5000);
  assert.equal(o.consumedBytes, 500_000);
  assert.equal(o.elapsedNs, 175e6);
  assert.match(o.checksumUnavailable ?? '', /^ConsumerPerformance does not checksum payloads/);
  assert.equal(o.checksum, undefined);
  assert.equal(o.warmupConsumed, 0, 'it reads no warm-up topic');
  assert.ok(o.notes.some((n) => n.startsWith('reads the measured topic only (no warm-up topic')));
  assert.ok(o.notes.some((n) => n.startsWith("timing: the tool's own fetch time (ms clock), not kbench’s consumer window")));
  // 200-byte messages would be 0.9537 MB: the printed 0.4768 does not fit, so the bytes do not verify.
  const wrong = parseToolOutput({ stdout: CONSUMED, stderr: '', exitCode: 0 }, spec('consumer', 5000, { messageSize: 200 }), {});
  assert.notEqual(wrong.consumedBytes, 1_000_000);
});

test('ConsumerPerformance giving up early is reported, and the short count fails verification later', () => {
  const o = parseToolOutput({ stdout: GAVE_UP, stderr: '', exitCode: 0 }, spec('consumer', 6000), {});
  assert.equal(o.consumed, 5000);
  assert.ok(o.notes.some((n) => n.startsWith('ConsumerPerformance gave up')));
});

test('a tool that fails or prints no summary fails the arm with its last words', () => {
  const crashed = parseToolOutput({ stdout: '', stderr: 'a\nException in thread "main" java.lang.OutOfMemoryError\n', exitCode: 1 }, spec('producer-async', 10), {});
  assert.equal(crashed.ok, false);
  assert.match(crashed.error ?? '', /^ProducerPerformance exited with code 1: a \| Exception in thread "main" java.lang.OutOfMemoryError/);
  const silent = parseToolOutput({ stdout: HEADER, stderr: '', exitCode: 0 }, spec('consumer', 10), {});
  assert.equal(silent.error, "no summary line in ConsumerPerformance's output");
});

test('the tools get kbench settings through a properties file, the producer the whole arm, the consumer the measured topic only, and the stall limit', () => {
  const p = spec('producer-async', 1000, { settings: { acks: '1', compression: 'lz4', lingerMs: 0, batchSize: 16384, sendBatch: 1, idempotence: false, rate: 500 } });
  assert.deepEqual(toolConfig(p), {
    'bootstrap.servers': '127.0.0.1:9092', 'client.id': 'kbench-java-perf-1', acks: '1', 'compression.type': 'lz4', 'linger.ms': 0,
    'batch.size': 16384, 'enable.idempotence': false, 'buffer.memory': 536870912,
  });
  const pc = commandFor(p, '/tmp/x.properties', 'CP', 'java');
  assert.deepEqual(pc.args.slice(pc.args.indexOf('CP') + 1), [
    'org.apache.kafka.tools.ProducerPerformance', '--topic', 't', '--num-records', '1000', '--record-size', '100', '--throughput', '500', '--producer.config', '/tmp/x.properties',
  ]);
  const pw = commandFor(spec('producer-async', 1000, { warmup: 100 }), '/tmp/x.properties', 'CP', 'java');
  assert.equal(pw.args[pw.args.indexOf('--num-records') + 1], '1100', 'a producer arm writes its warm-up and its measured messages');
  // The measured topic holds exactly spec.messages; the tool never reads the warm-up topic.
  const cc = commandFor(spec('consumer', 2000, { warmup: 300, warmupTopic: 'w' }), '/tmp/c.properties', 'CP', 'java');
  assert.deepEqual(cc.args.slice(cc.args.indexOf('CP') + 1), [
    'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', '127.0.0.1:9092', '--topic', 't', '--group', 'kbench-g-1', '--messages', '2000', '--timeout', '30000', '--consumer.config', '/tmp/c.properties',
  ]);
  assert.throws(() => toolConfig(spec('consumer', 10, { readPartitions: [0] })), /cannot read a share of the partitions/);
  assert.throws(() => toolConfig(spec('producer-async', 10, { extraConfig: { 'queue.buffering.max.ms': 1 } })), /takes no --client-config/);
});
