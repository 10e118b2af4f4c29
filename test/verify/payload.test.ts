import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { Checksum, expectedChecksum, fillerByte, makePayload, payloadTemplate, readSeq, readTimestampUs, writeSeq, writeTimestampUs } from '../../src/verify/payload.js';

test('filler follows the documented formula', () => {
  const t = payloadTemplate(300);
  for (let i = 0; i < 300; i++) assert.equal(t[i], fillerByte(i));
  assert.deepEqual([...t.subarray(0, 5)], [0, 158, 60, 218, 120]);
});

test('sequence numbers round-trip, little-endian, truncated below 8 bytes', () => {
  const p = makePayload(100, 0x0102030405);
  assert.deepEqual([...p.subarray(0, 8)], [5, 4, 3, 2, 1, 0, 0, 0]);
  assert.equal(readSeq(p), 0x0102030405);
  assert.equal(p[8], fillerByte(8));
  const small = Buffer.alloc(3);
  writeSeq(small, 0, 3, 0x0a0b0c0d);
  assert.deepEqual([...small], [0x0d, 0x0c, 0x0b]);
  assert.equal(readSeq(small), 0x0b0c0d, 'the low bytes survive truncation');
});

test('send timestamps round-trip', () => {
  const p = makePayload(32, 7);
  writeTimestampUs(p, 0, 1_763_000_000_123_456);
  assert.equal(readTimestampUs(p), 1_763_000_000_123_456);
  assert.equal(readSeq(p), 7);
});

test('checksum = Σ(len·2^32 + crc32) mod 2^64, order-independent', () => {
  const a = makePayload(100, 1);
  const b = makePayload(10, 2);
  const s1 = new Checksum();
  s1.add(a);
  s1.add(b);
  const s2 = new Checksum();
  s2.add(b);
  s2.add(a);
  assert.equal(s1.hex(), s2.hex());
  const want = ((110n << 32n) + BigInt(zlib.crc32(a)) + BigInt(zlib.crc32(b))) & ((1n << 64n) - 1n);
  assert.equal(s1.hex(), want.toString(16).padStart(16, '0'));
  assert.equal(s1.count, 2);
  assert.equal(s1.bytes, 110);
});

test('checksum detects a dropped, a duplicated and a corrupted message', () => {
  const all = expectedChecksum(100, 0, 50).hex;
  const dropped = new Checksum();
  const dup = new Checksum();
  const bad = new Checksum();
  for (let i = 0; i < 50; i++) {
    const p = makePayload(100, i);
    if (i !== 17) dropped.add(p);
    dup.add(p);
    if (i === 3) p[50] = (p[50] as number) ^ 1;
    bad.add(p);
  }
  dup.add(makePayload(100, 9));
  assert.notEqual(dropped.hex(), all);
  assert.notEqual(dup.hex(), all);
  assert.notEqual(bad.hex(), all);
});

test('checksum carries correctly past 2^52 and merges', () => {
  const big = new Checksum();
  const parts = [new Checksum(), new Checksum()];
  let want = 0n;
  for (let i = 0; i < 3_000_000; i++) {
    const crc = 0xffffffff - (i % 7);
    big.addCrc(crc, 1000);
    (parts[i % 2] as Checksum).addCrc(crc, 1000);
    want += (1000n << 32n) + BigInt(crc);
  }
  const hex = (want & ((1n << 64n) - 1n)).toString(16).padStart(16, '0');
  assert.equal(big.hex(), hex);
  (parts[0] as Checksum).merge(parts[1] as Checksum);
  assert.equal((parts[0] as Checksum).hex(), hex);
});
