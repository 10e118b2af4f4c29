import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchCount, batchValues, packBatch } from '../../src/native/batch.js';
import { MAX_PAYLOAD_BATCH, addBatchToChecksum, payloadBatch } from '../../src/native/payloads.js';
import { Checksum, expectedChecksum, readSeq } from '../../src/verify/payload.js';

test('packBatch packs strings and buffers back to back with n + 1 offsets', () => {
  const b = packBatch(['ab', Buffer.from([1, 2, 3]), '', 'é'], ['k1', null, undefined, Buffer.from('k4')]);
  assert.equal(batchCount(b), 4);
  assert.deepEqual([...b.valueOffsets], [0, 2, 5, 5, 7]);
  assert.deepEqual([...b.keyOffsets!], [0, 2, 2, 2, 4]);
  assert.deepEqual([...batchValues(b)].map((v) => Buffer.from(v).toString('hex')), ['6162', '010203', '', 'c3a9']);
  assert.equal(Buffer.from(b.keys!).toString(), 'k1k4');
});

test('packBatch rejects mismatched keys and wrong types, naming them', () => {
  assert.throws(() => packBatch(['a'], ['x', 'y']), { name: 'RangeError', message: /keys must be as many as values/ });
  assert.throws(() => packBatch([42 as unknown as string]), { name: 'TypeError', message: /values\[0\]/ });
});

test('payloadBatch checks each factor: a huge count of empty messages is refused at once, not built', () => {
  assert.throws(() => payloadBatch(2 ** 31, 0), { name: 'RangeError', message: /at most 16777216 messages \(2147483648 asked\)/ });
  assert.throws(() => payloadBatch(MAX_PAYLOAD_BATCH + 1, 1), { name: 'RangeError', message: /at most 16777216 messages/ });
  assert.throws(() => payloadBatch(1, -1), { name: 'RangeError', message: /size must be a non-negative integer, got -1/ });
  assert.throws(() => payloadBatch(1, 1.5), { name: 'RangeError', message: /size must be a non-negative integer/ });
  assert.throws(() => payloadBatch(1, 2 ** 33), { name: 'RangeError', message: /a message holds at most 4 GiB/ });
  assert.throws(() => payloadBatch(2 ** 20, 2 ** 13), { name: 'RangeError', message: /a batch holds at most 4 GiB/ });
  assert.equal(batchCount(payloadBatch(1000, 0)), 1000, 'empty messages within the count limit are fine');
});

test('payloadBatch writes kbench payloads whose checksum is expectedChecksum()', () => {
  for (const size of [0, 3, 8, 100, 1000]) {
    const b = payloadBatch(257, size, 1000);
    assert.equal(batchCount(b), 257);
    const sum = addBatchToChecksum(new Checksum(), b);
    assert.equal(sum.hex(), expectedChecksum(size, 1000, 257).hex, `size ${size}`);
    if (size >= 8) assert.equal(readSeq(b.values, b.valueOffsets[5] as number, size), 1005);
  }
});
