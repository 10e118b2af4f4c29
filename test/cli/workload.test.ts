// OMB workload files (--workload): every field mapped or warned about by name, payloadFile
// resolution, command-line overrides, and the arms they plan.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import { BACKLOG_CAP_BYTES, mapWorkload, readWorkload, resolvePayloadFile } from '../../src/cli/workload.js';
import { planArms } from '../../src/plan/plan.js';
import { projectRoot } from '../../src/paths.js';
import { UsageError } from '../../src/util/errors.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'omb');
const W1KB = path.join(FIXTURES, '1-topic-16-partitions-1kb.yaml');
const WMAX = path.join(FIXTURES, 'max-rate-1-topic-1-partition-100b.yaml');
const WBACKLOG = path.join(FIXTURES, 'backlog-1-topic-16-partitions-1kb.yaml');
const PAYLOAD = path.join(FIXTURES, 'payload', 'payload-1kb.data');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-omb-'));
}

test('1 topic / 16 partitions / 1 KB at 50k: e2e-latency at the rate, for the duration, with the payload file, no warnings', () => {
  const w = readWorkload(W1KB);
  assert.deepEqual(w.warnings, []);
  const { spec, warnings, workloadName } = buildRunSpec({ workload: W1KB }, {});
  assert.deepEqual(warnings, []);
  assert.equal(workloadName, '1 topic / 16 partitions / 1kb / 50k');
  assert.deepEqual(spec.scenarios, ['e2e-latency']);
  assert.equal(spec.settings.rate, 50_000);
  assert.equal(spec.partitions, 16);
  assert.deepEqual(spec.sizes, [1024]);
  assert.equal(spec.workers, 1);
  assert.deepEqual(spec.payload, { kind: 'file', file: PAYLOAD });
  assert.equal(spec.durationMs, 15 * 60_000);
  assert.equal(spec.warmupDurationMs, 60_000);
  const arm = planArms({ ...spec, drivers: ['addon'], repeat: 1 })[0];
  assert.equal(arm?.messages, 50_000 * 15 * 60, 'rate × duration, sent on the schedule');
  assert.equal(arm?.warmup, 50_000 * 60);
});

test('--duration, --warmup-duration and the other options override the file', () => {
  const { spec } = buildRunSpec({ workload: W1KB, duration: '3s', warmupDuration: '1s', rate: '2000', partitions: '4', sizes: '100', payload: 'compressible', workers: '2' }, {});
  assert.equal(spec.durationMs, 3000);
  assert.equal(spec.warmupDurationMs, 1000);
  assert.equal(spec.settings.rate, 2000);
  assert.equal(spec.partitions, 4);
  assert.deepEqual(spec.sizes, [100]);
  assert.deepEqual(spec.payload, { kind: 'compressible' });
  assert.equal(spec.workers, 2);
  const arm = planArms({ ...spec, drivers: ['addon'], repeat: 1 })[0];
  assert.equal(arm?.messages, 6000);
  assert.equal(arm?.warmup, 2000);
  assert.deepEqual(buildRunSpec({ workload: W1KB, scenarios: 'producer-sync' }, {}).spec.scenarios, ['producer-sync']);
});

test('max rate (producerRate 0): unpaced timed producer-async and consumer arms, with the rate search pointed at kbench sweep', () => {
  const { spec, warnings } = buildRunSpec({ workload: WMAX }, {});
  assert.deepEqual(spec.scenarios, ['producer-async', 'consumer']);
  assert.equal(spec.settings.rate, 0);
  assert.equal(spec.durationMs, 5 * 60_000);
  assert.deepEqual(spec.sizes, [100]);
  assert.deepEqual(spec.payload, { kind: 'random' });
  const all = warnings.join('\n');
  assert.match(all, /producerRate: 0 .*kbench sweep/);
  assert.match(all, /randomBytesRatio: 0\.5/);
  assert.match(all, /randomizedPayloadPoolSize: 1000/);
  assert.match(all, /warmupDurationMinutes absent/);
  const arms = planArms({ ...spec, drivers: ['addon'], repeat: 1 });
  assert.equal(arms.find((a) => a.scenario === 'producer-async')?.durationMs, 5 * 60_000, 'producer-async sends for the duration');
  assert.equal(arms.find((a) => a.scenario === 'consumer')?.messages, spec.messages, 'the consumer reads --messages');
  // OMB's own max-rate files ask for 10M msgs/s: flat out, too.
  const ten = mapWorkload('producerRate: 10000000\nmessageSize: 100\nwarmupDurationMinutes: 1\ntestDurationMinutes: 1', 'm.yaml');
  assert.deepEqual(ten.scenarios, ['producer-async', 'consumer']);
  assert.equal(ten.rate, undefined);
  assert.equal(ten.warmupDurationMs, undefined, 'an unpaced warm-up is a message count');
  assert.match(ten.warnings.join('\n'), /producerRate: 10000000 .*unpaced/);
  assert.match(ten.warnings.join('\n'), /warmupDurationMinutes: 1 .*message count/);
  assert.doesNotThrow(() => buildRunSpec({ workload: WMAX, duration: '2s' }, {}));
});

test('a backlog: e2e-latency at the rate, then a consumer arm that drains backlog bytes / messageSize messages, capped', () => {
  const { spec, warnings } = buildRunSpec({ workload: WBACKLOG }, {});
  assert.deepEqual(spec.scenarios, ['e2e-latency', 'consumer']);
  assert.equal(spec.settings.rate, 20_000);
  assert.equal(spec.consumerMessages, 1024 ** 3 / 1024);
  const all = warnings.join('\n');
  assert.match(all, /consumerBacklogSizeGB: 1 .*1,048,576 messages/);
  assert.match(all, /keyDistributor: KEY_ROUND_ROBIN/);
  const arms = planArms({ ...spec, drivers: ['addon'], repeat: 1, durationMs: 10_000 });
  assert.equal(arms.find((a) => a.scenario === 'consumer')?.messages, 1_048_576, 'the backlog, not rate × duration');
  assert.equal(arms.find((a) => a.scenario === 'e2e-latency')?.messages, 200_000);
  assert.equal(buildRunSpec({ workload: WBACKLOG, messages: '5000' }, {}).spec.consumerMessages, 5000, '--messages sets the drain');
  const big = mapWorkload('messageSize: 100\nproducerRate: 1000\nconsumerBacklogSizeGB: 100\nbacklogDrainRatio: 0.9', 'b.yaml');
  assert.equal(big.consumerMessages, Math.floor(BACKLOG_CAP_BYTES / 100));
  assert.match(big.warnings.join('\n'), /consumerBacklogSizeGB: 100 .*capped at 1 GiB/);
  assert.match(big.warnings.join('\n'), /backlogDrainRatio: 0\.9/);
  assert.throws(() => mapWorkload('producerRate: 0\nconsumerBacklogSizeGB: 1', 'b.yaml'), (e: unknown) => e instanceof UsageError && /b\.yaml: consumerBacklogSizeGB needs a producerRate > 0/.test(e.message));
});

test('every field is mapped or named in a warning', () => {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'p.data'), Buffer.alloc(512, 7));
  // Each line: a field with a value kbench cannot (fully) honour, and what must name it.
  const cases: [string, RegExp][] = [
    ['topics: 4', /topics: 4 — kbench runs one topic per arm/],
    ['keyDistributor: RANDOM_NANO', /keyDistributor: RANDOM_NANO — kbench sends messages without keys/],
    ['payloadFile: p.data', /payloadFile: 512 bytes for messageSize 1024/],
    ['subscriptionsPerTopic: 2', /subscriptionsPerTopic: 2 — kbench reads each topic with one subscription/],
    ['consumerPerSubscription: 4', /consumerPerSubscription: 4 — kbench's workers each run a producer and a consumer/],
    ['backlogDrainRatio: 0.5', /backlogDrainRatio ignored/],
    ['randomBytesRatio: 0.5', /randomBytesRatio ignored: useRandomizedPayloads is not true/],
    ['randomizedPayloadPoolSize: 10', /randomizedPayloadPoolSize ignored/],
    ['somethingNew: 3', /unknown field 'somethingNew' ignored/],
  ];
  for (const [line, re] of cases) {
    const w = mapWorkload(`messageSize: 1024\nproducerRate: 1000\ntestDurationMinutes: 1\nwarmupDurationMinutes: 0\n${line}`, path.join(dir, 'w.yaml'));
    assert.match(w.warnings.join('\n'), re, line);
  }
  // Absent fields OMB gives a meaning to.
  const bare = mapWorkload('name: bare', 'w.yaml').warnings.join('\n');
  for (const f of ['messageSize', 'producerRate', 'testDurationMinutes', 'warmupDurationMinutes']) assert.match(bare, new RegExp(`${f} absent`), f);
  // The mapped ones.
  const w = mapWorkload(
    ['name: all', 'topics: 1', 'partitionsPerTopic: 6', 'keyDistributor: NO_KEY', 'messageSize: 512', 'payloadFile: p.data', 'subscriptionsPerTopic: 1', 'producersPerTopic: 3', 'consumerPerSubscription: 3', 'producerRate: 1500', 'consumerBacklogSizeGB: 0', 'testDurationMinutes: 0.5', 'warmupDurationMinutes: 0.25'].join('\n'),
    path.join(dir, 'w.yaml'),
  );
  assert.deepEqual(w.warnings, []);
  assert.deepEqual(
    { name: w.name, partitions: w.partitions, sizes: w.sizes, payload: w.payload, workers: w.workers, rate: w.rate, scenarios: w.scenarios, durationMs: w.durationMs, warmupDurationMs: w.warmupDurationMs },
    { name: 'all', partitions: 6, sizes: [512], payload: { kind: 'file', file: path.join(dir, 'p.data') }, workers: 3, rate: 1500, scenarios: ['e2e-latency'], durationMs: 30_000, warmupDurationMs: 15_000 },
  );
  // No subscriptions: producers only, paced.
  assert.deepEqual(mapWorkload('producerRate: 1000\nsubscriptionsPerTopic: 0', 'w.yaml').scenarios, ['producer-async']);
  // Randomized payloads: random (or compressible for ratio 0), and payloadFile is then not read.
  assert.deepEqual(mapWorkload('useRandomizedPayloads: true\nrandomBytesRatio: 1\npayloadFile: /nonexistent', 'w.yaml').payload, { kind: 'random' });
  assert.deepEqual(mapWorkload('useRandomizedPayloads: true\nrandomBytesRatio: 0', 'w.yaml').payload, { kind: 'compressible' });
  // Bad values name the field.
  for (const [yaml, re] of [
    ['partitionsPerTopic: many', /w\.yaml: partitionsPerTopic must be an integer/],
    ['producerRate: -1', /w\.yaml: producerRate must be a number ≥ 0/],
    ['keyDistributor: HASHED', /w\.yaml: keyDistributor must be one of NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO/],
    ['useRandomizedPayloads: maybe', /w\.yaml: useRandomizedPayloads must be true or false/],
    ['producersPerTopic: 0', /w\.yaml: producersPerTopic must be an integer ≥ 1/],
    ['- a\n- b', /not an OpenMessaging Benchmark workload/],
    ['a: [', /not valid YAML/],
  ] as const) {
    assert.throws(() => mapWorkload(yaml, 'w.yaml'), (e: unknown) => e instanceof UsageError && re.test(e.message), yaml);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('payloadFile: relative to the workload file, then to the current directory (OMB runs from its checkout); unreadable or empty names the field', () => {
  const dir = tmpdir();
  fs.mkdirSync(path.join(dir, 'workloads'));
  fs.mkdirSync(path.join(dir, 'payload'));
  fs.writeFileSync(path.join(dir, 'workloads', 'near.data'), 'x'.repeat(100));
  fs.writeFileSync(path.join(dir, 'payload', 'payload-100b.data'), 'y'.repeat(100));
  fs.writeFileSync(path.join(dir, 'payload', 'empty.data'), '');
  const wfile = path.join(dir, 'workloads', 'w.yaml');
  assert.equal(resolvePayloadFile('near.data', wfile, '/'), path.join(dir, 'workloads', 'near.data'));
  assert.equal(resolvePayloadFile('payload/payload-100b.data', wfile, dir), path.join(dir, 'payload', 'payload-100b.data'), "OMB's layout, run from its root");
  assert.equal(resolvePayloadFile(path.join(dir, 'payload', 'payload-100b.data'), wfile, '/'), path.join(dir, 'payload', 'payload-100b.data'));
  assert.throws(() => resolvePayloadFile('missing.data', wfile, dir), (e: unknown) => e instanceof UsageError && /w\.yaml: payloadFile missing\.data: cannot read it \(.*ENOENT/.test(e.message));
  assert.throws(() => resolvePayloadFile('payload/empty.data', wfile, dir), (e: unknown) => e instanceof UsageError && /payloadFile payload\/empty\.data: .* is empty/.test(e.message));
  fs.writeFileSync(wfile, 'messageSize: 100\npayloadFile: nowhere.data\n');
  assert.throws(() => buildRunSpec({ workload: wfile }, {}), (e: unknown) => e instanceof UsageError && /payloadFile nowhere\.data: cannot read it/.test(e.message));
  fs.writeFileSync(wfile, 'messageSize: 100\npayloadFile: near.data\nproducerRate: 100\n');
  assert.deepEqual(buildRunSpec({ workload: wfile }, {}).spec.payload, { kind: 'file', file: path.join(dir, 'workloads', 'near.data') });
  fs.rmSync(dir, { recursive: true, force: true });
});
