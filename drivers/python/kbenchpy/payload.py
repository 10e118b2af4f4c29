"""The kbench payload and checksum, exactly as src/verify/payload.ts defines them.

Payload of S bytes: seq as uint64 little-endian in bytes [0, min(S, 8)); send time in µs since the
epoch as int64 little-endian in [8, 16) for e2e-latency (filler otherwise); every other byte i is
((i * 2654435761) mod 2^32) >> 24. Checksum: sum of (len * 2^32 + crc32(payload)) mod 2^64, as 16
lowercase hex digits (zlib.crc32 is the same IEEE CRC as Node's zlib.crc32).
"""
from __future__ import annotations

import struct
import zlib
from typing import Iterable, Sequence

SEQ_BYTES = 8
LATENCY_HEADER_BYTES = 16
_MASK64 = (1 << 64) - 1
_SEQ = struct.Struct("<Q")
_SEQ_TS = struct.Struct("<Qq")


def filler_byte(i: int) -> int:
    return ((i * 2654435761) & 0xFFFFFFFF) >> 24


def template(size: int) -> bytes:
    if size < 0:
        raise ValueError(f"message size must be non-negative, got {size}")
    return bytes(filler_byte(i) for i in range(size))


class Payloads:
    """Builds payloads of one size: one concatenation per message (header + the shared filler tail)."""

    def __init__(self, size: int) -> None:
        self.size = size
        full = template(size)
        self._tail8 = full[SEQ_BYTES:]
        self._tail16 = full[LATENCY_HEADER_BYTES:]

    def make(self, seq: int) -> bytes:
        head = _SEQ.pack(seq & _MASK64)
        if self.size >= SEQ_BYTES:
            return head + self._tail8
        return head[: self.size]

    def make_timed(self, seq: int, send_us: int) -> bytes:
        if self.size < LATENCY_HEADER_BYTES:
            raise ValueError(f"latency payloads need at least {LATENCY_HEADER_BYTES} bytes, message size is {self.size}")
        return _SEQ_TS.pack(seq & _MASK64, send_us) + self._tail16


def read_seq(payload: bytes) -> int:
    return int.from_bytes(payload[:SEQ_BYTES], "little")


def read_timestamp_us(payload: bytes) -> int:
    return struct.unpack_from("<q", payload, SEQ_BYTES)[0]


class Checksum:
    """Order-independent checksum accumulator (Python ints: no overflow until hex())."""

    __slots__ = ("count", "bytes", "_crc")

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self._crc = 0

    def add(self, payload: bytes) -> None:
        self.count += 1
        self.bytes += len(payload)
        self._crc += zlib.crc32(payload)

    def add_all(self, payloads: Sequence[bytes]) -> None:
        # map() keeps the per-message loop in C.
        self.count += len(payloads)
        self.bytes += sum(map(len, payloads))
        self._crc += sum(map(zlib.crc32, payloads))

    def hex(self) -> str:
        return format(((self.bytes << 32) + self._crc) & _MASK64, "016x")


def expected_checksum(size: int, first_seq: int, count: int) -> Checksum:
    sums = Checksum()
    p = Payloads(size)
    for i in range(count):
        sums.add(p.make(first_seq + i))
    return sums


def checksum_of(payloads: Iterable[bytes]) -> Checksum:
    sums = Checksum()
    for p in payloads:
        sums.add(p)
    return sums
