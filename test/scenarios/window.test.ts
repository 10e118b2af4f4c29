// The measured windows (WINDOWS in src/contract/arm.ts) pinned with recorded events, never with
// timing thresholds: a fake NodeDriver over an in-memory broker records every event (connect, send,
// ack, flush-return, assign, unassign, join, fetch) with a monotonic counter and wallClockUs(), and
// the generic scenarios run through runScenario() in this process. Plus: the bytes of OutBatch follow
// the payload rule (random: stride = size, wrapping the source; compressible: stride 0).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ArmSpec, PayloadSpec } from '../../src/contract/arm.js';
import type { AssignmentMode, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, InBatch, NodeDriver, ProducerPort } from '../../src/drivers/types.js';
import type { ScenarioId } from '../../src/results/types.js';
import { OutBatch, batches, wallClockUs } from '../../src/scenarios/batch.js';
import { runScenario } from '../../src/scenarios/index.js';
import type { ScenarioOutcome } from '../../src/scenarios/types.js';
import { RANDOM_SOURCE_BYTES, expectedChecksum, fillPayloads, loadPayload, payloadSpec, readSeq, readTimestampUs, type PayloadBytes } from '../../src/verify/payload.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-window-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

type Kind = 'connect' | 'send' | 'ack' | 'flush-return' | 'assign' | 'unassign' | 'join' | 'fetch';
interface Ev {
  n: number;
  us: number;
  kind: Kind;
  topic?: string;
  first?: number;
  count?: number;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** An in-memory broker (topics of partitions of payloads) and the log of everything the fake clients did. */
class World {
  readonly events: Ev[] = [];
  readonly topics = new Map<string, Buffer[][]>();
  readonly sent: Buffer[] = [];
  private n = 0;

  record(kind: Kind, extra: Omit<Ev, 'n' | 'us' | 'kind'> = {}): Ev {
    const e = { n: ++this.n, us: wallClockUs(), kind, ...extra };
    this.events.push(e);
    return e;
  }

  partitionsOf(topic: string, count = 1): Buffer[][] {
    let t = this.topics.get(topic);
    if (!t) this.topics.set(topic, (t = Array.from({ length: count }, () => [])));
    return t;
  }

  /** Appends payloads, message i to partition (its seq) mod the partition count. */
  append(topic: string, values: readonly Buffer[]): void {
    const parts = this.partitionsOf(topic);
    for (const v of values) (parts[readSeq(v, 0, Math.min(8, v.length)) % parts.length] as Buffer[]).push(Buffer.from(v));
  }

  of(kind: Kind, topic?: string): Ev[] {
    return this.events.filter((e) => e.kind === kind && (topic === undefined || e.topic === topic));
  }
}

class FakeProducer implements ProducerPort {
  readonly config = { fake: true };
  private counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
  private outstanding = new Set<Promise<void>>();
  constructor(private readonly w: World, private readonly topic: string) {}

  private deliver(batch: OutBatch): Promise<void> {
    this.w.record('send', { topic: this.topic, first: batch.firstSeq, count: batch.count });
    this.w.sent.push(Buffer.from(batch.buffer));
    // Acknowledged a little later, by the "broker".
    return new Promise<void>((r) => setTimeout(r, 1)).then(() => {
      this.w.append(this.topic, batch.values());
      this.counts.delivered += batch.count;
      this.w.record('ack', { topic: this.topic, first: batch.firstSeq, count: batch.count });
    });
  }

  async send(batch: OutBatch): Promise<void> {
    const p = this.deliver(batch).finally(() => this.outstanding.delete(p));
    this.outstanding.add(p);
  }

  sendAndWait(batch: OutBatch): Promise<void> {
    return this.deliver(batch);
  }

  async flush(): Promise<DeliveryCounts> {
    while (this.outstanding.size) await Promise.all([...this.outstanding]);
    this.w.record('flush-return', { topic: this.topic });
    return { ...this.counts, errors: {} };
  }

  async close(): Promise<void> {}
}

/**
 * `assign`: calls onAssigned, then assigns; `group`: joins (takes a few ms), then calls onAssigned and
 * applies the assignment. Either way it fetches only what it is assigned, 100 messages at a time.
 */
class FakeConsumer implements ConsumerPort {
  readonly config = { fake: true };
  private current: string | undefined;
  private closed = false;
  constructor(private readonly w: World, readonly assignment: AssignmentMode, private readonly reportAssignment = true) {}

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    if (this.current) this.w.record('unassign', { topic: this.current });
    this.current = undefined;
    if (this.assignment === 'group') {
      await new Promise((r) => setTimeout(r, 5));
      this.w.record('join', { topic: target.topic });
    }
    if (this.reportAssignment) onAssigned?.();
    this.w.record('assign', { topic: target.topic });
    this.current = target.topic;
    const pos = new Map<number, number>();
    for (;;) {
      await tick();
      if (this.closed) return;
      const parts = this.w.partitionsOf(target.topic);
      const values: Buffer[] = [];
      for (const p of target.partitions) {
        const msgs = parts[p] ?? [];
        let at = pos.get(p) ?? 0;
        while (at < msgs.length && values.length < 100) values.push(msgs[at++] as Buffer);
        pos.set(p, at);
      }
      if (values.length === 0) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      this.w.record('fetch', { topic: target.topic, count: values.length });
      if (!onBatch({ count: values.length, payload: (i) => values[i] as Buffer })) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function fakeDriver(w: World, mode: AssignmentMode = 'assign', reportAssignment = true): NodeDriver {
  return {
    kind: 'node',
    id: `fake-${mode}`,
    client: 'fake',
    describe: () => Promise.reject(new Error('not needed')),
    createProducer: async (ctx: DriverContext) => {
      w.record('connect', { topic: ctx.topic });
      return new FakeProducer(w, ctx.topic);
    },
    createConsumer: async (ctx: DriverContext) => {
      w.record('connect', { topic: ctx.topic });
      return new FakeConsumer(w, mode, reportAssignment);
    },
  };
}

const SIZE = 64;

function armSpec(scenario: ScenarioId, payload: PayloadSpec, over: Partial<ArmSpec> = {}): ArmSpec {
  return {
    protocol: 2, armId: 'w.1', driver: 'fake', scenario, messageSize: SIZE, messages: 1000, warmup: 300, firstSeq: 0,
    topic: 'measured', partitions: 2, payload, connection: { brokers: ['127.0.0.1:1'] }, extraConfig: {}, timeoutMs: 60_000,
    threads: 1, clientId: 'c', groupId: 'g', resultFile: '',
    settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 128, idempotence: false, rate: 0 },
    ...over,
  };
}

const run = (driver: NodeDriver, spec: ArmSpec): Promise<ScenarioOutcome> => runScenario(driver, { spec, progress: () => undefined });

/** The acks and sends of messages [from, to) (by sequence number). */
const within = (evs: Ev[], from: number, to: number): Ev[] => evs.filter((e) => (e.first as number) >= from && (e.first as number) < to);

function expectedBytes(p: PayloadBytes, firstSeq: number, count: number): Buffer {
  const b = Buffer.alloc(count * SIZE);
  fillPayloads(b, 0, SIZE, firstSeq, count, p);
  return b;
}

for (const kind of ['random', 'compressible'] as const) {
  test(`producer-async (${kind} payload): the window opens after the last warm-up ack, before the first measured send, and closes after the last measured ack`, async () => {
    const w = new World();
    const payload = payloadSpec(kind, SIZE, dir);
    const spec = armSpec('producer-async', payload, { firstSeq: 5000 });
    w.partitionsOf('measured', 2);
    const o = await run(fakeDriver(w), spec);
    assert.equal(o.ok, true);
    assert.equal(o.delivered, spec.messages);
    const measuredFrom = spec.firstSeq + spec.warmup;
    const warmAcks = within(w.of('ack'), spec.firstSeq, measuredFrom);
    const sends = within(w.of('send'), measuredFrom, measuredFrom + spec.messages);
    const acks = within(w.of('ack'), measuredFrom, measuredFrom + spec.messages);
    assert.equal(warmAcks.reduce((s, e) => s + (e.count as number), 0), spec.warmup);
    assert.ok(o.startUs >= (warmAcks.at(-1) as Ev).us, 'the warm-up is acknowledged before the window opens');
    assert.ok(o.startUs <= (sends[0] as Ev).us, 'the window opens before the first measured send');
    assert.ok(o.endUs >= (acks.at(-1) as Ev).us, 'the window closes after the last measured ack');
    const flushes = w.of('flush-return');
    assert.equal(flushes.length, 2, 'the warm-up flush and the measured one');
    assert.ok((flushes[0] as Ev).n < (sends[0] as Ev).n, 'the warm-up flush returned before the first measured send');
    assert.ok(o.endUs >= (flushes[1] as Ev).us, 'the window closes after the flush that waits for the last ack returned');
    assert.ok(Math.abs(o.elapsedNs / 1000 - (o.endUs - o.startUs)) < 5000, 'elapsedNs is the window, nothing subtracted');
    // What was sent is the arm's payload, warm-up then measured.
    assert.deepEqual(Buffer.concat(w.sent), expectedBytes(loadPayload(payload), spec.firstSeq, spec.warmup + spec.messages));
  });
}

test('producer-sync: the window opens after the last warm-up ack and before the first measured send, and closes after the last ack', async () => {
  const w = new World();
  const payload = payloadSpec('random', SIZE, dir);
  const spec = armSpec('producer-sync', payload, { messages: 40, warmup: 10 });
  w.partitionsOf('measured', 2);
  const o = await run(fakeDriver(w), spec);
  assert.equal(o.ok, true);
  assert.equal(o.delivered, 40);
  const warmAcks = within(w.of('ack'), 0, 10);
  const sends = within(w.of('send'), 10, 50);
  const acks = within(w.of('ack'), 10, 50);
  assert.equal(warmAcks.length, 10);
  assert.ok(o.startUs >= (warmAcks.at(-1) as Ev).us);
  assert.ok(o.startUs <= (sends[0] as Ev).us);
  assert.ok(o.endUs >= (acks.at(-1) as Ev).us);
  assert.equal(sends.length, 40, 'one message per send');
  assert.deepEqual(Buffer.concat(w.sent), expectedBytes(loadPayload(payload), 0, 50));
});

for (const mode of ['assign', 'group'] as const) {
  test(`consumer (${mode}): warm-up topic read first; the window opens after it, before the measured topic is assigned; nothing of it fetched before`, async () => {
    const w = new World();
    const payload = payloadSpec('random', SIZE, dir);
    const p = loadPayload(payload);
    const spec = armSpec('consumer', payload, { warmupTopic: 'warm', messages: 1000, warmup: 300 });
    // The measured topic: seq 0..N-1 over two partitions; the warm-up topic: W messages of its own.
    w.partitionsOf('measured', 2);
    w.partitionsOf('warm', 1);
    const measured = OutBatch.build(p, SIZE, 0, spec.messages);
    w.append('measured', measured.values());
    w.append('warm', OutBatch.build(p, SIZE, 0, spec.warmup).values());

    const o = await run(fakeDriver(w, mode), spec);
    assert.equal(o.ok, true, o.error);
    assert.equal(o.consumed, spec.messages, 'the measured topic only');
    assert.equal(o.messages, spec.messages);
    assert.equal(o.warmupConsumed, spec.warmup);
    const want = expectedChecksum(SIZE, 0, spec.messages, p);
    assert.equal(o.checksum, want.hex);
    assert.equal(o.consumedBytes, want.bytes);

    const warmFetches = w.of('fetch', 'warm');
    const assignMeasured = w.of('assign', 'measured');
    const unassignWarm = w.of('unassign', 'warm');
    assert.equal(warmFetches.reduce((s, e) => s + (e.count as number), 0), spec.warmup, 'exactly the warm-up messages read');
    assert.equal(assignMeasured.length, 1, 'one client, one assignment of the measured topic');
    assert.equal(unassignWarm.length, 1, 'the warm-up topic was dropped before');
    assert.equal(w.of('connect').length, 1, 'one connected client reads both topics');
    assert.ok((unassignWarm[0] as Ev).n < (assignMeasured[0] as Ev).n);
    assert.ok(o.startUs >= (warmFetches.at(-1) as Ev).us, 'the window opens after the warm-up is read');
    assert.ok(o.startUs >= (unassignWarm[0] as Ev).us, 'and after the warm-up topic is dropped');
    assert.ok(o.startUs <= (assignMeasured[0] as Ev).us, 'the window opens before the measured topic is assigned');
    if (mode === 'group') assert.ok(o.startUs >= (w.of('join', 'measured')[0] as Ev).us, 'a group client: when the join completed');
    const measuredFetches = w.of('fetch', 'measured');
    assert.ok(measuredFetches.every((e) => e.us >= o.startUs), 'no fetch of the measured topic before the window');
    assert.ok(o.endUs >= (measuredFetches.at(-1) as Ev).us);
    assert.ok(Math.abs(o.elapsedNs / 1000 - (o.endUs - o.startUs)) < 5000, 'checksumming inside the window, nothing subtracted');
    assert.match(o.notes.join(' '), mode === 'assign' ? /right before assign\(\)/ : /group join/);
  });
}

test('consumer without warm-up reads the measured topic only; a consumer with warm-up but no warm-up topic fails clearly', async () => {
  const w = new World();
  const payload = payloadSpec('compressible', SIZE, dir);
  const p = loadPayload(payload);
  w.partitionsOf('measured', 2);
  w.append('measured', OutBatch.build(p, SIZE, 0, 500).values());
  const o = await run(fakeDriver(w), armSpec('consumer', payload, { messages: 500, warmup: 0 }));
  assert.equal(o.consumed, 500);
  assert.equal(o.warmupConsumed, 0);
  assert.equal(o.checksum, expectedChecksum(SIZE, 0, 500, p).hex);
  assert.deepEqual(w.of('assign').map((e) => e.topic), ['measured']);
  await assert.rejects(run(fakeDriver(new World()), armSpec('consumer', payload, { warmup: 10 })), /needs its warm-up topic/);
});

test('a consumer port that never reports the measured assignment fails the arm (the window cannot be placed)', async () => {
  const w = new World();
  const payload = payloadSpec('compressible', SIZE, dir);
  w.partitionsOf('measured', 2);
  w.append('measured', OutBatch.build(loadPayload(payload), SIZE, 0, 200).values());
  await assert.rejects(run(fakeDriver(w, 'assign', false), armSpec('consumer', payload, { messages: 200, warmup: 0 })), /without reporting the assignment first/);
});

for (const mode of ['assign', 'group'] as const) {
  test(`e2e-latency (${mode}): the consumer is assigned before the first send; the window opens at the first measured send`, async () => {
    const w = new World();
    const payload = payloadSpec('random', SIZE, dir);
    const spec = armSpec('e2e-latency', payload, { messages: 60, warmup: 20, partitions: 1, settings: { ...armSpec('e2e-latency', payload).settings, rate: 5000 } });
    w.partitionsOf('measured', 1);
    const o = await run(fakeDriver(w, mode), spec);
    assert.equal(o.ok, true, o.error);
    assert.equal(o.consumed, 80);
    assert.equal(o.lost, 0);
    assert.equal(o.duplicated, 0);
    const assign = w.of('assign', 'measured');
    const sends = w.of('send');
    assert.equal(assign.length, 1);
    assert.ok((assign[0] as Ev).n < (sends[0] as Ev).n, 'assigned before the first (warm-up) send');
    const measuredSends = within(sends, 20, 80);
    assert.ok(o.startUs >= (within(w.of('ack'), 0, 20).at(-1) as Ev).us, 'the warm-up is acknowledged before the window');
    assert.ok(o.startUs <= (measuredSends[0] as Ev).us, 'the window opens at the first measured send');
    // Stamped payloads: the arm's bytes except the send time in [8, 16).
    const sent = Buffer.concat(w.sent);
    const want = expectedBytes(loadPayload(payload), 0, 80);
    for (let i = 0; i < 80; i++) {
      const at = i * SIZE;
      assert.ok(readTimestampUs(sent, at) > 0);
      assert.deepEqual(sent.subarray(at, at + 8), want.subarray(at, at + 8));
      assert.deepEqual(sent.subarray(at + 16, at + SIZE), want.subarray(at + 16, at + SIZE));
    }
  });
}

test('OutBatch bytes follow the payload rule: random (stride = size, wrapping the source) and compressible (stride 0)', () => {
  const size = 1000;
  const random = loadPayload(payloadSpec('random', size, dir));
  assert.equal(random.stride, size);
  assert.equal(random.source.length, RANDOM_SOURCE_BYTES);
  // Messages whose bytes run past the end of the source and wrap to its start.
  const firstSeq = Math.floor(RANDOM_SOURCE_BYTES / size) - 2;
  const count = 5;
  const b = OutBatch.build(random, size, firstSeq, count);
  assert.deepEqual(b.buffer, (() => {
    const e = Buffer.alloc(size * count);
    fillPayloads(e, 0, size, firstSeq, count, random);
    return e;
  })());
  let wrapped = false;
  for (let m = 0; m < count; m++) {
    const seq = firstSeq + m;
    const v = b.value(m);
    assert.equal(readSeq(v), seq);
    for (let i = 8; i < size; i++) {
      const at = (seq * size + i) % random.source.length;
      if (seq * size + i >= random.source.length) wrapped = true;
      assert.equal(v[i], random.source[at], `seq ${seq} byte ${i}`);
    }
  }
  assert.ok(wrapped, 'the batch wraps around the source');

  const compressible = loadPayload(payloadSpec('compressible', size, dir));
  assert.equal(compressible.stride, 0);
  const c = OutBatch.build(compressible, size, 42, 3);
  for (let m = 0; m < 3; m++) {
    const v = c.value(m);
    assert.equal(readSeq(v), 42 + m);
    assert.deepEqual(v.subarray(8), compressible.source.subarray(8, size), 'every message the same bytes after its header');
  }

  // batches() over a range equals one fill of the whole range, whatever the send batch.
  const all = Buffer.concat([...batches(size, 7, 25, 4, false, random)].map((x) => x.buffer));
  const e = Buffer.alloc(size * 25);
  fillPayloads(e, 0, size, 7, 25, random);
  assert.deepEqual(all, e);

  // Stamped: only bytes [8, 16) differ.
  const s = OutBatch.build(random, size, 3, 2, true);
  const u = OutBatch.build(random, size, 3, 2);
  for (let m = 0; m < 2; m++) {
    assert.ok(readTimestampUs(s.value(m)) > 0);
    assert.deepEqual(s.value(m).subarray(16), u.value(m).subarray(16));
    assert.deepEqual(s.value(m).subarray(0, 8), u.value(m).subarray(0, 8));
  }
  assert.throws(() => OutBatch.build(random, 12, 0, 1, true), /at least 16 bytes/);
});
