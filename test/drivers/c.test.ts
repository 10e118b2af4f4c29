// The `c` driver: kbench-arm (native/cbench/arm.c), kbench's own C arm on librdkafka. Unit: the
// command line built from a spec (the addon's configuration, secrets in a file), kbench-arm's own
// argument checks, and parse() of its result. Integration, on one embedded broker: a producer-async
// arm with warm-up and random payloads, read back by the c consumer (its warm-up topic filled by
// another c producer arm) with the checksum of the contract's payloads; producer-sync latency
// samples; --rate (the open-loop schedule: corrected and service samples, the rates); --duration (timed
// producer arms through the runner, read back); the producer scenarios through the runner; a
// --client-config key librdkafka refuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createTopic } from '../../src/broker/index.js';
import { buildRunSpec } from '../../src/cli/run.js';
import { RESULT_FILE, RESULT_PREFIX, armTimeoutMs, commandFor, driver, parseArmOutput } from '../../src/drivers/c.js';
import { librdkafkaConsumerConfig, librdkafkaProducerConfig } from '../../src/drivers/librdkafka-config.js';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import { readBuildInfo, toolPath } from '../../src/paths.js';
import { runArmProcess } from '../../src/runner/arm.js';
import { runBenchmark } from '../../src/runner/run.js';
import { contextFor } from '../../src/scenarios/index.js';
import type { ArmSpec } from '../../src/scenarios/types.js';
import { expectedChecksum, loadPayload, payloadSpec } from '../../src/verify/payload.js';
import { withBroker } from '../helpers/broker.js';
import { assertPacedLatency, assertRates, assertTimed } from '../helpers/paced.js';
import { assertVerified, record } from '../helpers/results.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-c-driver-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function armSpec(over: Partial<ArmSpec> = {}): ArmSpec {
  return {
    protocol: 2, armId: 'a', driver: 'c', scenario: 'producer-async', messageSize: 100, messages: 10, warmup: 0, firstSeq: 0, topic: 't', partitions: 1,
    payload: { kind: 'random', source: '/src/payload-random.bin', stride: 100 },
    connection: { brokers: ['h:1', 'h:2'] }, settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1000, sendBatch: 10, idempotence: false, rate: 0 },
    extraConfig: {}, timeoutMs: 60_000, threads: 1, clientId: 'cid', groupId: 'gid', resultFile: path.join(tmp, 'result.json'), ...over,
  };
}

/** The -X settings of a command line, as a config object. */
function xSettings(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a !== '-X') return;
    const kv = args[i + 1] as string;
    out[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  });
  return out;
}

const opt = (args: string[], name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

test('the command line: scenario, counts, payload, rate, timeout, and the addon’s configuration as -X settings', () => {
  const spec = armSpec({ messages: 2000, warmup: 100, firstSeq: 7, settings: { ...armSpec().settings, rate: 5000 }, extraConfig: { 'socket.nagle.disable': 'true' } });
  const { cmd, args, config } = commandFor(spec, contextFor(spec), '/bin/kbench-arm', '/arm');
  assert.equal(cmd, '/bin/kbench-arm');
  assert.equal(args[0], 'producer-async');
  assert.deepEqual(
    ['--topic', '--messages', '--warmup', '--size', '--first-seq', '--payload-source', '--payload-stride', '--rate', '--timeout-ms', '--result-file'].map((o) => opt(args, o)),
    ['t', '2000', '100', '100', '7', '/src/payload-random.bin', '100', '5000', String(armTimeoutMs(60_000)), `/arm/${RESULT_FILE}`],
  );
  assert.equal(opt(args, '--partitions'), undefined);
  assert.equal(opt(args, '--warmup-topic'), undefined);
  assert.deepEqual(config, librdkafkaProducerConfig(contextFor(spec)), 'the addon’s configuration, exactly');
  assert.deepEqual(xSettings(args), Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])));
  assert.equal(xSettings(args)['bootstrap.servers'], 'h:1,h:2');

  const sync = armSpec({ scenario: 'producer-sync' });
  const s = commandFor(sync, contextFor(sync), '/k', '/arm').args;
  assert.equal(s[0], 'producer-sync');
  assert.equal(opt(s, '--rate'), undefined, 'no --rate when the rate is 0');
  assert.equal(opt(s, '--duration-ms'), undefined, 'no --duration-ms without spec.durationMs');
  const timed = armSpec({ scenario: 'producer-sync', durationMs: 1500 });
  assert.equal(opt(commandFor(timed, contextFor(timed), '/k', '/arm').args, '--duration-ms'), '1500');

  const consumer = armSpec({ scenario: 'consumer', warmup: 50, warmupTopic: 'warm', partitions: 3, readPartitions: [0, 2] });
  const c = commandFor(consumer, contextFor(consumer), '/k', '/arm');
  assert.equal(c.args[0], 'consumer');
  assert.equal(opt(c.args, '--warmup-topic'), 'warm');
  assert.equal(opt(c.args, '--partitions'), '0,2');
  assert.deepEqual(c.config, librdkafkaConsumerConfig(contextFor(consumer)));
  assert.equal(xSettings(c.args)['group.id'], 'gid');
  const all = armSpec({ scenario: 'consumer', partitions: 3 });
  assert.equal(opt(commandFor(all, contextFor(all), '/k').args, '--partitions'), '0,1,2', 'every partition by default');
  assert.throws(() => commandFor(armSpec({ scenario: 'consumer', warmup: 5 }), contextFor(armSpec({ scenario: 'consumer', warmup: 5 })), '/k'), /warm-up topic/);
  assert.throws(() => commandFor(armSpec({ scenario: 'e2e-latency' }), contextFor(armSpec({ scenario: 'e2e-latency' })), '/k'), /not e2e-latency/);
  assert.equal(armTimeoutMs(1000), 800);
  assert.equal(armTimeoutMs(600_000), 595_000);
});

test('command(): the SASL credentials go to a 0600 file in the arm directory, never on the command line', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'arm-'));
  const spec = armSpec({ connection: { brokers: ['h:1'], sasl: { mechanism: 'scram-sha-256', username: 'user-x', password: 'pw-secret' } } });
  const { args } = driver.command(spec, path.join(dir, 'spec.json'));
  assert.equal(args.join(' ').includes('pw-secret'), false);
  assert.equal(args.join(' ').includes('user-x'), false);
  assert.ok(args.includes(`file=${path.join(dir, 'sasl.properties')}`));
  const file = path.join(dir, 'sasl.properties');
  assert.equal(fs.readFileSync(file, 'utf8'), 'sasl.username=user-x\nsasl.password=pw-secret\n');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('parse(): a result line becomes the outcome, with the configuration and notes', () => {
  const spec = armSpec({ extraConfig: { 'linger.ms': 'banana' } });
  const config = { acks: 'all' };
  const ok = { ok: true, messages: 10, bytes: 1000, elapsedNs: 5e6, startUs: 1, endUs: 6, cpuUserUs: 3, cpuSysUs: 1, rssPeakBytes: 4096, delivered: 10, failed: 0, errors: {} };
  const out = (stdout: string, exitCode: number | null = 0, stderr = '') => ({ stdout, stderr, exitCode });
  const line = `@kbench {"done":10}\n${RESULT_PREFIX}${JSON.stringify(ok)}\n`;
  const r = parseArmOutput(out(line), spec, config);
  assert.deepEqual({ ...r, notes: [] }, { ...ok, config, notes: [] });
  assert.match(r.notes[0] ?? '', /kbench’s own C loop .* window, payloads and checksum/);

  // A failure keeps its counts; a librdkafka configuration error names the --client-config key.
  const bad = { ok: false, error: 'configuration property "linger.ms" (-X): Invalid value for configuration property "queue.buffering.max.ms"', messages: 0, bytes: 0, elapsedNs: 0, startUs: 1, endUs: 1 };
  const f = parseArmOutput(out(`${RESULT_PREFIX}${JSON.stringify(bad)}\n`, 1), spec, config);
  assert.equal(f.ok, false);
  assert.match(f.error ?? '', /^invalid --client-config linger\.ms: configuration property "linger\.ms"/);
  const partial = parseArmOutput(out(`${RESULT_PREFIX}${JSON.stringify({ ok: false, error: 'timed out', messages: 5, delivered: 3, failed: 0 })}\n`, 1), spec, config);
  assert.equal(partial.error, 'timed out');
  assert.equal(partial.delivered, 3);
  assert.equal(partial.messages, 5);

  // No result line, an unreadable one, a non-zero exit after success, a success without its figures.
  assert.match(parseArmOutput(out('', 139, 'line 1\nSegmentation fault'), spec, config).error ?? '', /kbench-arm exited with code 139 without a result: line 1 \| Segmentation fault/);
  assert.match(parseArmOutput(out(`${RESULT_PREFIX}{"ok":tr\n`, 1), spec, config).error ?? '', /unreadable result/);
  assert.match(parseArmOutput(out(line, 3), spec, config).error ?? '', /exited with code 3 after reporting success/);
  assert.match(parseArmOutput(out(`${RESULT_PREFIX}{"ok":true,"messages":1}\n`), spec, config).error ?? '', /has no bytes/);
  // The result file wins over the stdout line (which the runner keeps only the tail of).
  const fromFile = parseArmOutput(out(''), spec, config, JSON.stringify({ ...ok, latencySamplesUs: [1, 2, 3] }));
  assert.deepEqual(fromFile.latencySamplesUs, [1, 2, 3]);
});

test('driver.parse() reads the result file in the arm directory', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'arm-'));
  const spec = armSpec({ resultFile: path.join(dir, 'result.json') });
  fs.writeFileSync(path.join(dir, RESULT_FILE), JSON.stringify({ ok: true, messages: 10, bytes: 1000, elapsedNs: 1, startUs: 1, endUs: 2, delivered: 10, failed: 0 }));
  const r = driver.parse!({ stdout: '', stderr: '', exitCode: 0 }, spec);
  assert.equal(r.ok, true);
  assert.equal(r.delivered, 10);
  assert.equal(r.config['bootstrap.servers'], 'h:1,h:2');
});

test('describe(): kbench-arm on the shared librdkafka, its three scenarios, with warm-up', async () => {
  const d = await driver.describe();
  assert.equal(d.available, true, d.reason);
  assert.equal(d.client, 'kbench-arm (native/cbench/arm.c)');
  assert.equal(d.runtime, 'C');
  assert.equal(d.librdkafka, readBuildInfo().librdkafka?.version, 'the shared build kbench made');
  assert.deepEqual(d.scenarios, ['producer-async', 'producer-sync', 'consumer']);
  assert.notEqual(d.supportsWarmup, false);
  assert.ok(d.security?.tls);
  assert.equal(driverEntry('c')?.inDefault, true);
  assert.equal(driverEntry('c-perf')?.inDefault, false);
});

test('kbench-arm refuses bad arguments naming them (exit 2), with a result line', () => {
  const tool = toolPath('kbench-arm') as string;
  assert.ok(tool, 'kbench-arm is built');
  const base = ['--topic', 't', '--messages', '10', '--warmup', '0', '--size', '10', '--first-seq', '0', '--payload-source', '/dev/null', '--payload-stride', '0'];
  const cases: [string[], RegExp][] = [
    [['nonsense'], /nonsense: unknown mode/],
    [['producer-async', ...base.map((a) => (a === '10' ? 'ten' : a))], /--messages: expected an integer/],
    [['producer-async', ...base, '--rate', '-1'], /--rate: expected a non-negative number/],
    [['producer-async', ...base, '--bogus', '1'], /--bogus: unknown option/],
    [['producer-async', ...base], /--payload-source: the payload source \/dev\/null is empty/],
    [['producer-async', ...base.slice(2)], /--topic: required/],
    [['consumer', ...base, '--warmup', '5', '-X', 'bootstrap.servers=127.0.0.1:1'], /--warmup-topic: required/],
    [['consumer', ...base, '--partitions', '0,x'], /--partitions: expected an integer/],
    [['producer-async', ...base, '-X', 'novalue'], /-X: expected key=value/],
    [['producer-async', ...base, '--rate', '10', '--duration-ms', '100'], /--duration-ms: only unpaced producers are timed/],
    [['consumer', ...base, '--duration-ms', '100'], /--duration-ms: only producers are timed/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(tool, args, { encoding: 'utf8' as const });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
    const res = JSON.parse((line as string).slice(RESULT_PREFIX.length)) as { ok: boolean; error: string };
    assert.equal(res.ok, false);
    assert.match(res.error, message);
  }
  assert.equal(spawnSync(tool, ['--version'], { encoding: 'utf8' }).stdout, `${readBuildInfo().librdkafka?.version}\n`);
});

test('c against an embedded broker: producer-async with warm-up, read back by the c consumer with the contract’s checksum', async (t) => {
  const broker = await withBroker(t, { heap: '512m' });
  const entry = driverEntry('c') as DriverEntry;
  const N = 2000;
  const W = 100;
  const payload = payloadSpec('random', 100, tmp);
  const bytes = loadPayload(payload);
  for (const [topic, partitions] of [['c-measured', 2], ['c-warm', 1], ['c-sync', 1], ['c-rate', 1], ['c-paced-sync', 1], ['c-bad', 1]] as const) {
    await createTopic(broker.connection, { topic, partitions, replication: 1 });
  }
  const base = (over: Partial<ArmSpec>): ArmSpec => armSpec({ connection: { brokers: broker.bootstrap.split(',') }, payload, ...over });
  const run = async (spec: ArmSpec) => {
    const progress: number[] = [];
    const r = await runArmProcess(spec, entry, (d) => progress.push(d));
    t.diagnostic(`${spec.scenario} ${spec.topic}: ${JSON.stringify({ ...r.outcome, latencyHistogram: r.outcome.latencyHistogram ? '…' : undefined, notes: undefined, config: undefined })}`);
    return { ...r, progress };
  };

  await t.test('producer-async, W=100 and N=2000, random payload', async () => {
    const { outcome: o, progress } = await run(base({ topic: 'c-measured', partitions: 2, messages: N, warmup: W }));
    assert.equal(o.ok, true, o.error);
    assert.equal(o.messages, N);
    assert.equal(o.bytes, N * 100);
    assert.equal(o.delivered, N);
    assert.equal(o.failed, 0);
    assert.deepEqual(o.errors, {});
    assert.ok(o.elapsedNs > 0 && o.endUs >= o.startUs);
    assert.ok((o.cpuUserUs ?? -1) >= 0 && (o.cpuSysUs ?? -1) >= 0 && (o.rssPeakBytes ?? 0) > 0);
    assert.equal(o.config['bootstrap.servers'], broker.bootstrap);
    assert.equal(o.config['linger.ms'], 5);
    assert.equal(progress.at(-1), N, 'the final progress line');
  });

  await t.test('the warm-up topic, filled by another c producer arm', async () => {
    const { outcome: o } = await run(base({ topic: 'c-warm', messages: 50, warmup: 0, firstSeq: 1_000_000 }));
    assert.equal(o.ok, true, o.error);
    assert.equal(o.delivered, 50);
  });

  await t.test('the c consumer reads the topic back: checksum of the contract’s payloads', async () => {
    const total = W + N; // the producer arm's warm-up is in the topic too: seq 0 .. W + N − 1
    const { outcome: o, progress } = await run(base({ scenario: 'consumer', topic: 'c-measured', partitions: 2, messages: total, warmup: 50, warmupTopic: 'c-warm', partitionCounts: undefined }));
    assert.equal(o.ok, true, o.error);
    assert.equal(o.consumed, total);
    assert.equal(o.messages, total);
    assert.equal(o.consumedBytes, total * 100);
    assert.equal(o.warmupConsumed, 50);
    assert.equal(o.checksum, expectedChecksum(100, 0, total, bytes).hex);
    assert.equal(progress.at(-1), total);
    assert.equal(o.config['group.id'], 'gid');
  });

  await t.test('producer-sync: latency samples become the histogram', async () => {
    const { outcome: o } = await run(base({ scenario: 'producer-sync', topic: 'c-sync', messages: 50, warmup: 5, settings: { ...armSpec().settings, lingerMs: 0 } }));
    assert.equal(o.ok, true, o.error);
    assert.equal(o.delivered, 50);
    assert.ok(o.latencyHistogram, 'kbench built the histogram from latencySamplesUs');
    assert.equal(o.latencySamplesUs, undefined);
  });

  await t.test('--rate: message k is not sent before t0 + k/R', async () => {
    const { outcome: o } = await run(base({ topic: 'c-rate', messages: 200, warmup: 0, settings: { ...armSpec().settings, rate: 1000 } }));
    assert.equal(o.ok, true, o.error);
    assert.ok(o.elapsedNs >= 199e6, `200 messages at 1000/s take at least 199 ms, took ${o.elapsedNs / 1e6} ms`);
  });

  await t.test('the schedule: corrected and service samples of every message, requested and achieved rate, progress with acks', async () => {
    const rate = 1000;
    const { outcome: o, series } = await run(base({ scenario: 'producer-sync', topic: 'c-paced-sync', messages: 300, warmup: 10, settings: { ...armSpec().settings, lingerMs: 0, rate } }));
    assert.equal(o.ok, true, o.error);
    assert.equal(o.delivered, 300);
    assertPacedLatency(o, rate, 300, 'c producer-sync at a rate');
    assert.ok(series?.acked, 'progress lines carry acked');
    const a = await run(base({ topic: 'c-rate', messages: 500, warmup: 50, settings: { ...armSpec().settings, rate: 2000 } }));
    assert.equal(a.outcome.ok, true, a.outcome.error);
    assertRates(a.outcome, 2000, 'c producer-async at a rate');
  });

  await t.test('--duration: unpaced producer arms stop after it, and what they sent is read back', async () => {
    const { spec } = buildRunSpec({ brokers: broker.bootstrap, drivers: 'c', scenarios: 'producer-async,producer-sync', duration: '1s', repeat: '1', brokerWarmup: '0', quiet: true });
    const doc = await runBenchmark(spec);
    for (const scenario of ['producer-async', 'producer-sync']) assertTimed(record(doc, 'c', scenario), `c ${scenario} --duration 1s`);
  });

  await t.test('the producer scenarios through the runner, as `kbench run` runs them: verified', async () => {
    const { spec } = buildRunSpec({ brokers: broker.bootstrap, drivers: 'c', scenarios: 'producer-async,producer-sync', messages: '3000', syncMessages: '30', repeat: '1', brokerWarmup: '0', quiet: true });
    const doc = await runBenchmark(spec);
    assert.deepEqual(doc.skipped, []);
    for (const scenario of ['producer-async', 'producer-sync']) assertVerified(record(doc, 'c', scenario));
    assert.equal(doc.env.drivers['c']?.librdkafka, readBuildInfo().librdkafka?.version);
    assert.ok(record(doc, 'c', 'producer-sync').summary.latencyUs, 'latency percentiles from the samples');
    assert.equal(record(doc, 'c', 'producer-async').repetitions[0]?.cpuSource, 'interval', 'the CPU of the window');
  });

  await t.test('a --client-config key librdkafka refuses fails the arm naming it', async () => {
    for (const scenario of ['producer-async', 'consumer'] as const) {
      const { outcome: o } = await run(base({ scenario, topic: 'c-bad', messages: 1, extraConfig: { 'nonsense.key': '1' } }));
      assert.equal(o.ok, false);
      assert.match(o.error ?? '', /^invalid --client-config nonsense\.key: .*No such configuration property: "nonsense\.key"/);
    }
  });
});
