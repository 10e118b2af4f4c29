// The kbench payload and checksum, defined once. Every producer (TypeScript drivers, the addon's C++
// loops, the C programs, the Python and Java drivers) writes payloads this way, and every consumer
// computes the same checksum, so counts and checksums can be compared across languages.
//
// Payload of S bytes:
//   bytes [0, min(S, 8))   sequence number, uint64 little-endian (truncated when S < 8)
//   bytes [8, 16)          send time, µs since the Unix epoch, int64 little-endian (e2e-latency only;
//                          otherwise filler). Needs S >= 16.
//   every other byte i     filler(i) = ((i * 2654435761) mod 2^32) >>> 24   (pseudo-random, so that
//                          compression is not flattered by a constant payload)
// Checksum over a set of payloads (order-independent: partitions interleave):
//   sum over payloads of (length * 2^32 + crc32(payload)) mod 2^64, crc32 = IEEE (zlib's crc32),
//   written as 16 lowercase hex digits.
import zlib from 'node:zlib';

export const SEQ_BYTES = 8;
export const TIMESTAMP_OFFSET = 8;
export const LATENCY_HEADER_BYTES = 16;

export function fillerByte(i: number): number {
  return Number((BigInt(i) * 2654435761n) & 0xffffffffn) >>> 24;
}

/** A payload template of `size` bytes: filler everywhere; callers overwrite the header per message. */
export function payloadTemplate(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`message size must be a non-negative integer, got ${size}`);
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = Math.imul(i, 2654435761 | 0) >>> 24;
  return b;
}

/** Writes `seq` into the first min(8, size) bytes of `buf` at `offset` (little-endian). */
export function writeSeq(buf: Buffer, offset: number, size: number, seq: number): void {
  if (size >= SEQ_BYTES) {
    buf.writeUInt32LE(seq >>> 0, offset);
    buf.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), offset + 4);
    return;
  }
  let v = seq;
  for (let i = 0; i < size; i++) {
    buf[offset + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

/** Reads the sequence number from a payload (or the truncated part of it for size < 8). */
export function readSeq(buf: Uint8Array, offset = 0, size = buf.length - offset): number {
  const n = Math.min(size, SEQ_BYTES);
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (buf[offset + i] as number);
  return v;
}

export function writeTimestampUs(buf: Buffer, offset: number, us: number): void {
  buf.writeBigInt64LE(BigInt(Math.round(us)), offset + TIMESTAMP_OFFSET);
}

export function readTimestampUs(buf: Uint8Array, offset = 0): number {
  return Number(new DataView(buf.buffer, buf.byteOffset + offset + TIMESTAMP_OFFSET, 8).getBigInt64(0, true));
}

/** Builds the payload for one message (allocates; hot paths write into a batch buffer instead). */
export function makePayload(size: number, seq: number, template: Buffer = payloadTemplate(size)): Buffer {
  const b = Buffer.from(template);
  writeSeq(b, 0, size, seq);
  return b;
}

/**
 * Order-independent checksum accumulator. Two plain numbers (sum of lengths, sum of crc32 with its
 * carry folded into `hi`) keep the hot path free of BigInt.
 */
export class Checksum {
  count = 0;
  bytes = 0;
  private crcLo = 0; // < 2^53 at all times
  private crcHi = 0; // multiples of 2^32 carried out of crcLo

  add(payload: Uint8Array): void {
    this.addCrc(zlib.crc32(payload), payload.length);
  }

  addCrc(crc: number, length: number): void {
    this.count++;
    this.bytes += length;
    this.crcLo += crc;
    if (this.crcLo >= 2 ** 52) {
      const carry = Math.floor(this.crcLo / 2 ** 32);
      this.crcHi = (this.crcHi + carry) % 2 ** 32;
      this.crcLo -= carry * 2 ** 32;
    }
  }

  merge(other: Checksum): void {
    this.count += other.count;
    this.bytes += other.bytes;
    this.crcHi = (this.crcHi + other.crcHi) % 2 ** 32;
    this.addCrcRaw(other.crcLo);
  }

  private addCrcRaw(v: number): void {
    this.crcLo += v;
    const carry = Math.floor(this.crcLo / 2 ** 32);
    this.crcHi = (this.crcHi + carry) % 2 ** 32;
    this.crcLo -= carry * 2 ** 32;
  }

  /** 16 lowercase hex digits: (Σ length · 2^32 + Σ crc32) mod 2^64. */
  hex(): string {
    const mask = (1n << 64n) - 1n;
    const v = (BigInt(this.bytes) * (1n << 32n) + BigInt(this.crcHi) * (1n << 32n) + BigInt(this.crcLo)) & mask;
    return v.toString(16).padStart(16, '0');
  }
}

/** The checksum of `count` plain (timestamp-free) payloads of `size` bytes, seq firstSeq.. . */
export function expectedChecksum(size: number, firstSeq: number, count: number): { hex: string; bytes: number } {
  const sum = new Checksum();
  const b = payloadTemplate(size);
  for (let i = 0; i < count; i++) {
    writeSeq(b, 0, size, firstSeq + i);
    sum.add(b);
  }
  return { hex: sum.hex(), bytes: sum.bytes };
}
