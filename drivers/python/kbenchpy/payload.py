"""The kbench payload and checksum, exactly as src/verify/payload.ts defines them (the rule is in
src/contract/arm.ts).

Payload of S bytes with sequence number seq, from a source file of L bytes and a stride (the arm's
spec.payload): byte i is source[(seq * stride + i) mod L]; then bytes [0, min(S, 8)) are overwritten
with seq as uint64 little-endian and, in latency payloads, [8, 16) with the send time in µs since the
epoch as int64 little-endian. Checksum: sum of (len * 2^32 + crc32(payload)) mod 2^64, as 16
lowercase hex digits (zlib.crc32 is the same IEEE CRC as Node's zlib.crc32).

Everything is built from slices of the source (one copy per message at most), never byte by byte:
with stride == S consecutive messages are one contiguous run of the source, copied once per batch.
"""
from __future__ import annotations

import struct
import zlib
from typing import Any, Iterable, Iterator, List, Mapping, Sequence

SEQ_BYTES = 8
LATENCY_HEADER_BYTES = 16
_MASK64 = (1 << 64) - 1
_SEQ = struct.Struct("<Q")
_SEQ_TS = struct.Struct("<Qq")
#: Bytes of payloads built at a time by Payloads.stream() (a batch of a few hundred KiB at most).
CHUNK_BYTES = 1 << 18


class Source:
    """The bytes of an arm's payload source and its stride (read once per process)."""

    def __init__(self, data: bytes, stride: int) -> None:
        if not data:
            raise ValueError("the payload source is empty")
        if stride < 0:
            raise ValueError(f"the payload stride must be non-negative, got {stride}")
        self.data = bytes(data)
        self.length = len(self.data)
        self.stride = stride

    @classmethod
    def load(cls, payload: Mapping[str, Any]) -> "Source":
        """From spec["payload"] = {kind, source (a file path), stride}."""
        with open(payload["source"], "rb") as f:
            data = f.read()
        if not data:
            raise ValueError(f"the payload source {payload['source']} is empty")
        return cls(data, int(payload["stride"]))

    def offset(self, seq: int) -> int:
        """Where message seq's first byte comes from in the source."""
        return (seq * self.stride) % self.length

    def run(self, start: int, n: int) -> bytes:
        """n bytes of the source from `start`, wrapping around (a few slice copies, no byte loop)."""
        d, length = self.data, self.length
        if start + n <= length:
            return d[start:start + n]
        head = d[start:]
        full, rest = divmod(n - len(head), length)
        return b"".join((head, d * full, d[:rest]))


class Payloads:
    """Builds the payloads of one message size from a source."""

    def __init__(self, size: int, source: Source) -> None:
        if size < 0:
            raise ValueError(f"message size must be non-negative, got {size}")
        self.size = size
        self.source = source
        # Every message starts at source offset 0 when the stride is a multiple of the source's length
        # (stride 0: the compressible and file sources): one body shared by every message.
        self._fixed = source.stride % source.length == 0
        self._contiguous = size > 0 and source.stride == size
        if self._fixed:
            body = source.run(0, size)
            self._tail8 = body[SEQ_BYTES:]
            self._tail16 = body[LATENCY_HEADER_BYTES:]
        else:
            # The source with its first `size` bytes appended: message seq is ext[o : o + size], o < L.
            self._ext = source.run(0, source.length + size)

    def make(self, seq: int) -> bytes:
        size = self.size
        head = _SEQ.pack(seq & _MASK64)
        if size <= SEQ_BYTES:
            return head[:size]
        if self._fixed:
            return head + self._tail8
        o = self.source.offset(seq)
        return head + self._ext[o + SEQ_BYTES:o + size]

    def make_timed(self, seq: int, send_us: int) -> bytes:
        size = self.size
        if size < LATENCY_HEADER_BYTES:
            raise ValueError(f"latency payloads need at least {LATENCY_HEADER_BYTES} bytes, message size is {size}")
        head = _SEQ_TS.pack(seq & _MASK64, send_us)
        if self._fixed:
            return head + self._tail16
        o = self.source.offset(seq)
        return head + self._ext[o + LATENCY_HEADER_BYTES:o + size]

    def batch(self, first_seq: int, count: int) -> List[bytes]:
        """The payloads of seq first_seq .. first_seq + count - 1."""
        size = self.size
        seqs = range(first_seq, first_seq + count)
        if size <= SEQ_BYTES:
            pack = _SEQ.pack
            return [pack(s & _MASK64)[:size] for s in seqs]
        if self._contiguous and not self._fixed:
            # One copy of the contiguous run, then one slice (through a view) per message behind its header.
            run = memoryview(self.source.run(self.source.offset(first_seq), count * size))
            pack = _SEQ.pack
            return [pack((first_seq + j) & _MASK64) + run[j * size + SEQ_BYTES:(j + 1) * size] for j in range(count)]
        make = self.make
        return [make(s) for s in seqs]

    def stream(self, first_seq: int, count: int) -> Iterator[bytes]:
        """The payloads of seq first_seq .. first_seq + count - 1, built a batch at a time."""
        per = max(1, min(count, CHUNK_BYTES // max(1, self.size)))
        for done in range(0, count, per):
            yield from self.batch(first_seq + done, min(per, count - done))


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


def expected_checksum(size: int, first_seq: int, count: int, source: Source) -> Checksum:
    sums = Checksum()
    p = Payloads(size, source)
    per = max(1, CHUNK_BYTES // max(1, size))
    for done in range(0, count, per):
        sums.add_all(p.batch(first_seq + done, min(per, count - done)))
    return sums


def checksum_of(payloads: Iterable[bytes]) -> Checksum:
    sums = Checksum()
    for p in payloads:
        sums.add(p)
    return sums
