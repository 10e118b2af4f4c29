// Payload vectors every external driver must reproduce byte for byte (src/verify/payload.ts is the
// definition): the cases, the request a driver's `vectors` mode reads, and the check of its answer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compressibleSource, expectedChecksum, fillPayloads, randomSource, writeTimestampUs } from '../../src/verify/payload.js';

export interface VectorCase {
  name: string;
  source: Buffer;
  stride: number;
  checksums: [number, number, number][];
  payloads: number[][];
  batches: [number, number, number][];
}

export function vectorCases(dir: string): { cases: VectorCase[]; request: unknown } {
  const odd = randomSource(1012).subarray(0, 1009);
  const tiny = Buffer.from('kbench: a source shorter than the message');
  const cases: VectorCase[] = [
    { name: 'random, stride = size', source: randomSource(), stride: 100, checksums: [[100, 0, 1000], [100, 4294967290, 20], [100, 0, 0]], payloads: [[100, 99], [100, 2 ** 40 + 5], [100, 7, 1_700_000_000_123_456]], batches: [[100, 20_960, 50]] },
    { name: 'odd-length random, stride = size (wraps mid-message)', source: odd, stride: 100, checksums: [[100, 3, 500]], payloads: [[100, 10], [100, 11]], batches: [[100, 5, 40]] },
    { name: 'odd-length random, stride 300 ≠ size', source: odd, stride: 300, checksums: [[100, 1, 300], [5, 7, 300], [16, 1, 64]], payloads: [[100, 4], [20, 9, 1_700_000_000_000_001]], batches: [[100, 2, 30], [7, 1, 20]] },
    { name: 'a source shorter than the message', source: tiny, stride: 100, checksums: [[100, 0, 200], [1024, 123456789, 50]], payloads: [[100, 3], [1024, 1]], batches: [[100, 0, 25]] },
    { name: 'sizes below 8 (only the sequence number)', source: odd, stride: 5, checksums: [[0, 0, 10], [1, 250, 300], [5, 7, 300], [8, 4294967290, 20]], payloads: [[3, 65793], [1, 258], [8, 2 ** 40 + 5], [0, 4]], batches: [[5, 250, 40], [8, 1, 10]] },
    { name: 'compressible, stride 0', source: compressibleSource(1024), stride: 0, checksums: [[100, 0, 1000], [1024, 5, 40]], payloads: [[100, 99], [1024, 1, 1_700_000_000_123_456]], batches: [[100, 9, 30]] },
    { name: 'a file, stride 0', source: tiny, stride: 0, checksums: [[16, 1, 64], [100, 0, 100]], payloads: [[100, 2]], batches: [[100, 0, 10]] },
  ];
  const request = {
    cases: cases.map((c, i) => {
      const file = path.join(dir, `source-${i}.bin`);
      fs.writeFileSync(file, c.source);
      return { source: file, stride: c.stride, checksums: c.checksums, payloads: c.payloads, batches: c.batches };
    }),
  };
  return { cases, request };
}

export interface VectorAnswer {
  cases: { checksums: { hex: string; bytes: number }[]; payloads: string[]; batches: string[] }[];
}

export function checkVectors(cases: VectorCase[], out: VectorAnswer, who: string): void {
  assert.equal(out.cases.length, cases.length);
  cases.forEach((c, i) => {
    const p = { source: c.source, stride: c.stride };
    const got = out.cases[i] as VectorAnswer['cases'][number];
    c.checksums.forEach(([size, first, count], j) =>
      assert.deepEqual(got.checksums[j], expectedChecksum(size, first, count, p), `${who}, ${c.name}: checksum of size ${size}, first seq ${first}, count ${count}`));
    c.payloads.forEach(([size, seq, ts], j) => {
      const want = Buffer.alloc(size as number);
      fillPayloads(want, 0, size as number, seq as number, 1, p);
      if (ts !== undefined) writeTimestampUs(want, 0, ts);
      assert.equal(got.payloads[j], want.toString('hex'), `${who}, ${c.name}: payload of ${size} B, seq ${seq}${ts !== undefined ? ', timestamped' : ''}`);
    });
    c.batches.forEach(([size, first, count], j) => {
      const want = Buffer.alloc(size * count);
      fillPayloads(want, 0, size, first, count, p);
      assert.equal(got.batches[j], want.toString('hex'), `${who}, ${c.name}: ${count} payloads of ${size} B back to back from seq ${first}`);
    });
  });
}

