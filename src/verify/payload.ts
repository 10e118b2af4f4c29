// The kbench payload and checksum, defined once. Every producer (TypeScript drivers, the addon's C++
// loops, the C programs, the Python and Java drivers) writes payloads this way, and every consumer
// computes the same checksum, so counts and checksums can be compared across languages.
//
// Payload of S bytes with sequence number seq, from a source of L bytes and a stride (the arm's
// PayloadSpec, src/contract/arm.ts):
//   byte i                 source[(seq * stride + i) mod L], then overwritten by:
//   bytes [0, min(S, 8))   sequence number, uint64 little-endian (truncated when S < 8)
//   bytes [8, 16)          send time, µs since the Unix epoch, int64 little-endian (latency scenarios
//                          only; otherwise source bytes). Needs S >= 16.
// Sources: `random` — RANDOM_SOURCE_BYTES from xorshift32 seeded with RANDOM_SEED, 4 bytes
// little-endian per step, stride = S (consecutive messages walk through the source: incompressible);
// `compressible` — filler(i) = ((i * 2654435761) mod 2^32) >>> 24, stride 0 (every message the same
// bytes after its header, as kbench's payloads were before); `file` — the user's file, stride 0.
// Checksum over a set of payloads (order-independent: partitions interleave):
//   sum over payloads of (length * 2^32 + crc32(payload)) mod 2^64, crc32 = IEEE (zlib's crc32),
//   written as 16 lowercase hex digits.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { PayloadKind, PayloadSpec } from '../contract/arm.js';

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

/** Bytes of the random source: larger than any producer batch, so no batch repeats itself. */
export const RANDOM_SOURCE_BYTES = 1 << 21;
export const RANDOM_SEED = 0x6b62656e;

/** The random source: xorshift32 from RANDOM_SEED, each state written as 4 bytes little-endian. */
export function randomSource(length = RANDOM_SOURCE_BYTES): Buffer {
  const b = Buffer.allocUnsafe(length + 3);
  let x = RANDOM_SEED >>> 0;
  for (let off = 0; off < length; off += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b.writeUInt32LE(x, off);
  }
  return b.subarray(0, length);
}

/** The compressible source for messages of up to `size` bytes (position-only filler). */
export function compressibleSource(size: number): Buffer {
  return payloadTemplate(Math.max(1, size));
}

/** A payload source and its stride for one message size (see the header). */
export interface PayloadBytes {
  source: Buffer;
  stride: number;
}

/** The compressible payloads of `size` bytes (what kbench sent before payload kinds existed). */
export function compressiblePayloads(size: number): PayloadBytes {
  return { source: compressibleSource(size), stride: 0 };
}

/**
 * The PayloadSpec of an arm of `size`-byte messages: random and compressible sources are written
 * into `dir` once (every program of the run reads the same file); `file` is the user's file.
 */
export function payloadSpec(kind: PayloadKind, size: number, dir: string, file?: string): PayloadSpec {
  if (kind === 'file') {
    if (!file) throw new Error('a file payload needs the file');
    return { kind, source: path.resolve(file), stride: 0 };
  }
  const source = path.join(dir, kind === 'random' ? 'payload-random.bin' : `payload-compressible-${size}.bin`);
  if (!fs.existsSync(source)) fs.writeFileSync(source, kind === 'random' ? randomSource() : compressibleSource(size));
  return { kind, source, stride: kind === 'random' ? size : 0 };
}

/** The bytes of an arm's payload source (read once per process). */
export function loadPayload(p: PayloadSpec): PayloadBytes {
  const source = fs.readFileSync(p.source);
  if (source.length === 0) throw new Error(`the payload source ${p.source} is empty`);
  return { source, stride: p.stride };
}

/** Offset of message `seq`'s first byte in a source of `length` bytes (exact for seq, stride < 2^26·…). */
function sourceOffset(seq: number, stride: number, length: number): number {
  if (stride === 0) return 0;
  return ((seq % length) * (stride % length)) % length;
}

/** Copies `n` bytes of the source, starting at `from` and wrapping around, into buf at `off`. */
function copyWrapped(source: Buffer, from: number, buf: Buffer, off: number, n: number): void {
  let pos = from;
  let done = 0;
  while (done < n) {
    const k = Math.min(n - done, source.length - pos);
    source.copy(buf, off + done, pos, pos + k);
    done += k;
    pos = 0;
  }
}

/**
 * Writes `count` payloads of `size` bytes, seq firstSeq.., back to back into buf at `off`. With
 * stride == size, consecutive messages are one contiguous run of the source: copied in one go.
 */
export function fillPayloads(buf: Buffer, off: number, size: number, firstSeq: number, count: number, p: PayloadBytes): void {
  if (size === 0 || count === 0) return;
  if (p.source.length === 0) throw new RangeError('the payload source is empty');
  if (p.stride === size) copyWrapped(p.source, sourceOffset(firstSeq, size, p.source.length), buf, off, size * count);
  else for (let i = 0; i < count; i++) copyWrapped(p.source, sourceOffset(firstSeq + i, p.stride, p.source.length), buf, off + i * size, size);
  for (let i = 0; i < count; i++) writeSeq(buf, off + i * size, size, firstSeq + i);
}

/** Builds the payload for one message (allocates; hot paths write into a batch buffer instead). */
export function makePayload(size: number, seq: number, p: PayloadBytes = compressiblePayloads(size)): Buffer {
  const b = Buffer.allocUnsafe(size);
  fillPayloads(b, 0, size, seq, 1, p);
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
export function expectedChecksum(size: number, firstSeq: number, count: number, p: PayloadBytes = compressiblePayloads(size)): { hex: string; bytes: number } {
  const sum = new Checksum();
  const chunk = Math.max(1, Math.min(count, Math.floor((1 << 20) / Math.max(1, size))));
  const b = Buffer.allocUnsafe(chunk * size);
  for (let done = 0; done < count; done += chunk) {
    const n = Math.min(chunk, count - done);
    fillPayloads(b, 0, size, firstSeq + done, n, p);
    for (let i = 0; i < n; i++) sum.add(b.subarray(i * size, (i + 1) * size));
  }
  return { hex: sum.hex(), bytes: sum.bytes };
}

/** Adds checksums (16 hex digits each) modulo 2^64. */
export function addChecksums(hexes: readonly string[]): string {
  const mask = (1n << 64n) - 1n;
  let v = 0n;
  for (const h of hexes) v = (v + BigInt(`0x${h}`)) & mask;
  return v.toString(16).padStart(16, '0');
}
