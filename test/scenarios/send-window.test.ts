// Batching parity of the pure-JS producers (src/drivers/send-window.ts): messages per send() come from
// --batch-size and the message size (capped under the broker's message.max.bytes), not --send-batch;
// throughput sends are filled across the scenario's batches, latency sends go out at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SEND_BYTES, SEND_WINDOW, SendWindow, batchingConfig, messagesPerRequest } from '../../src/drivers/send-window.js';
import { batches } from '../../src/scenarios/batch.js';

test('messages per request: floor(batch.size / message size), at least 1, at most MAX_SEND_BYTES per send()', () => {
  assert.equal(messagesPerRequest(16_384, 100), 163);
  assert.equal(messagesPerRequest(1_000_000, 100), Math.floor(MAX_SEND_BYTES / 100), 'librdkafka’s default batch.size is capped');
  assert.equal(messagesPerRequest(10, 100), 1);
  assert.equal(messagesPerRequest(1_000_000, 2_000_000), 1);
  assert.deepEqual(batchingConfig(16_384, 100, 'none (client has no linger)'), { 'kbench.messagesPerRequest': 163, 'kbench.linger': 'none (client has no linger)', 'kbench.sendWindow': SEND_WINDOW });
});

function recorder(): { sizes: number[]; seqs: number[]; send: (values: Buffer[]) => Promise<unknown> } {
  const sizes: number[] = [];
  const seqs: number[] = [];
  return {
    sizes,
    seqs,
    send: async (values) => {
      sizes.push(values.length);
      for (const v of values) seqs.push(v.readUInt32LE(0));
    },
  };
}

test('throughput: each send() carries a request’s worth of messages, filled across batches; flush() sends the rest', async () => {
  const r = recorder();
  const w = new SendWindow(r.send, () => 'error', 50, true);
  for (const b of batches(100, 0, 230, 30)) await w.send(b);
  assert.deepEqual(r.sizes, [50, 50, 50, 50], 'nothing below a request’s worth is sent before flush()');
  const c = await w.flush(10_000);
  assert.deepEqual(r.sizes, [50, 50, 50, 50, 30]);
  assert.deepEqual(r.seqs, Array.from({ length: 230 }, (_, i) => i), 'every message once, in order');
  assert.equal(c.delivered, 230);
});

test('latency: each batch is sent at once, in sends of at most a request’s worth', async () => {
  const r = recorder();
  const w = new SendWindow(r.send, () => 'error', 50, false);
  for (const b of batches(100, 0, 120, 120)) await w.send(b);
  assert.deepEqual(r.sizes, [50, 50, 20]);
  for (const b of batches(100, 120, 1, 1)) await w.send(b);
  assert.deepEqual(r.sizes, [50, 50, 20, 1]);
  assert.equal((await w.flush(10_000)).delivered, 121);
});

test('a failed send() counts all its messages as failed, under its error code', async () => {
  const w = new SendWindow(async (v) => (v.length === 50 ? Promise.reject(Object.assign(new Error('x'), { code: 'NOPE' })) : undefined), (e) => (e as { code: string }).code, 50, true);
  for (const b of batches(100, 0, 70, 70)) await w.send(b);
  const c = await w.flush(10_000);
  assert.deepEqual(c, { delivered: 20, failed: 50, errors: { NOPE: 50 } });
});
