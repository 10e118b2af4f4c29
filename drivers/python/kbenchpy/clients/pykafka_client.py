"""pykafka, pure Python (use_rdkafka=False) or with its C extension over librdkafka (use_rdkafka=True,
the extension built by `kbench setup python` against kbench's own librdkafka).

Both modes get the same pykafka options (nearest equivalents of kbench's settings): required_acks,
linger_ms, min_queued_messages (= batch.size / message size), compression. pykafka speaks
Produce v0, Fetch v1 and ListOffsets v0 itself, so it needs a Kafka 3.x broker; in rdkafka mode
librdkafka produces and fetches (it negotiates current versions), but offsets are still reset by
pykafka's own ListOffsets v0.
"""
from __future__ import annotations

import ctypes
import importlib
import queue
import time
from typing import Any, Dict, List, Optional, Tuple

import pykafka
from pykafka import KafkaClient, SslConfig
from pykafka.common import CompressionType, OffsetType
from pykafka.simpleconsumer import SimpleConsumer

from ..scenarios import POLL_TIMEOUT_S, Context, Counts, error_name
from .common import no_extra_config

#: pykafka's only protocol switch: >= 0.10.0 asks the broker for its API versions and writes
#: message format v1; no pykafka code path changes above it.
BROKER_VERSION = "0.10.0"
ACKS = {"0": 0, "1": 1, "all": -1}
#: librdkafka's upper limit for queued.max.messages.kbytes (pykafka derives 102400000 from its defaults).
MAX_QUEUED_KBYTES = 2097151
DRAIN_EVERY = 1000
#: How long pykafka's per-broker worker waits for a message when its queue is empty (ends as soon as
#: one is produced). pykafka's default, 0, makes the worker spin while idle; with linger_ms 0
#: (producer-sync, e2e-latency) it then holds the GIL in 5 ms slices and the producing thread
#: waits ~9 ms per message instead of well under one.
QUEUE_EMPTY_TIMEOUT_MS = 1000


def _compressions(rdkafka: bool) -> Dict[str, int]:
    out = {"none": CompressionType.NONE, "gzip": CompressionType.GZIP}
    if rdkafka:  # librdkafka has the codecs; pure pykafka would need python-snappy / lz4 packages
        out.update(snappy=CompressionType.SNAPPY, lz4=CompressionType.LZ4)
    return out


def loaded_librdkafka() -> Tuple[str, str]:
    """(version, path) of the librdkafka this process really loaded (the extension must be imported)."""
    with open("/proc/self/maps") as maps:
        paths = [line.split()[-1] for line in maps if "librdkafka" in line and "/" in line]
    if not paths:
        raise RuntimeError("no librdkafka is mapped into the process")
    lib = ctypes.CDLL(paths[0])
    lib.rd_kafka_version_str.restype = ctypes.c_char_p
    return lib.rd_kafka_version_str().decode(), paths[0]


def _kafka_client(ctx: Context) -> KafkaClient:
    no_extra_config(ctx, "pykafka")
    conn = ctx.connection
    if conn.get("sasl"):
        raise ValueError("pykafka 2.8 has no SASL")
    ssl: Optional[SslConfig] = None
    if conn.get("ssl"):
        ca = conn["ssl"].get("ca") if isinstance(conn["ssl"], dict) else None
        ssl = SslConfig(cafile=ca) if ca else SslConfig()
    return KafkaClient(hosts=",".join(ctx.brokers), broker_version=BROKER_VERSION, ssl_config=ssl)


class Producer:
    def __init__(self, ctx: Context, sync: bool, rdkafka: bool) -> None:
        s = ctx.settings
        codecs = _compressions(rdkafka)
        if s["compression"] not in codecs:
            raise ValueError(f"pykafka{' (rdkafka)' if rdkafka else ''} has no {s['compression']} codec here (has: {', '.join(codecs)})")
        if s["idempotence"]:
            raise ValueError("pykafka has no idempotent producer")
        self._client = _kafka_client(ctx)
        topic = self._client.topics[ctx.topic]
        kwargs: Dict[str, Any] = dict(use_rdkafka=rdkafka, sync=sync, delivery_reports=not sync, required_acks=ACKS[ctx.acks],
                                      linger_ms=s["lingerMs"], min_queued_messages=1 if sync else max(1, s["batchSize"] // max(1, ctx.size)),
                                      compression=codecs[s["compression"]])
        if not rdkafka:  # options of the pure-Python producer's own workers (the rdkafka producer has neither)
            kwargs.update(queue_empty_timeout_ms=QUEUE_EMPTY_TIMEOUT_MS, pending_timeout_ms=int(ctx.timeout_s * 1000))
        self._p = topic.get_producer(**kwargs)
        self.config: Dict[str, Any] = {**{k: v for k, v in kwargs.items() if k != "compression"}, "compression": s["compression"],
                                       "broker_version": BROKER_VERSION, "max_queued_messages": self._p._max_queued_messages}
        self.notes = ["sync=True: produce() waits for its delivery report" if sync else
                      "produce() per message, delivery reports drained from the producing thread's queue"]
        self._counts = Counts()
        self._sent = 0

    def _take(self, block: bool, timeout: Optional[float] = None) -> bool:
        try:
            _msg, exc = self._p.get_delivery_report(block=block, timeout=timeout)
        except queue.Empty:
            return False
        if exc is None:
            self._counts.delivered += 1
        else:
            self._counts.fail(error_name(exc))
        return True

    def send(self, value: bytes) -> None:
        self._p.produce(value)
        self._sent += 1
        if self._sent % DRAIN_EVERY == 0:  # the report queue grows without bound unless drained
            while self._take(False):
                pass

    def send_and_wait(self, value: bytes, timeout_s: float) -> None:
        self._p.produce(value)  # sync=True: raises when the delivery failed

    def snapshot(self) -> Counts:
        return self._counts.copy()

    def flush(self, timeout_s: float) -> Counts:
        deadline = time.monotonic() + timeout_s
        while self._counts.delivered + self._counts.failed < self._sent:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"flush: {self._sent - self._counts.delivered - self._counts.failed} delivery reports missing after {timeout_s:g} s")
            self._take(True, min(left, 1.0))
        return self._counts.copy()

    def close(self) -> None:
        self._p.stop()


#: Consumer prefetch of every librdkafka-based arm (the same as the other librdkafka clients): pykafka
#: maps queued_max_messages onto queued.min.messages; fetch.queue.backoff.ms is added by kbench.
#: pykafka takes no --client-config, so nothing overrides them.
RDKAFKA_QUEUED_MIN_MESSAGES = 100000
RDKAFKA_FETCH_QUEUE_BACKOFF_MS = 10


def _rdkafka_consumer_class() -> Any:
    from pykafka.rdkafka import RdKafkaSimpleConsumer

    class CompatibleRdKafkaSimpleConsumer(RdKafkaSimpleConsumer):  # type: ignore[misc,valid-type]
        """pykafka 2.8's rdkafka consumer with the two librdkafka properties that librdkafka >= 1.0
        refuses fixed, everything else as pykafka sets it:
        - queued.max.messages.kbytes: pykafka derives 102400000 from its defaults; librdkafka refuses
          it ("... is outside allowed range 1..2097151"): clamped to 2097151;
        - fetch.max.bytes: pykafka predates it, and librdkafka's default (50 MB) fails pykafka's
          receive.message.max.bytes ("`receive.message.max.bytes` must be >= `fetch.max.bytes` + 512"):
          set to receive.message.max.bytes - 512.
        Plus kbench's prefetch setting every librdkafka consumer gets: fetch.queue.backoff.ms."""

        def _mk_rdkafka_config_lists(self) -> Any:
            conf, topic_conf = super()._mk_rdkafka_config_lists()
            conf = [(k, str(min(int(v), MAX_QUEUED_KBYTES)) if k == "queued.max.messages.kbytes" else v) for k, v in conf]
            receive = int(dict(conf)["receive.message.max.bytes"])
            return conf + [("fetch.max.bytes", str(receive - 512)), ("fetch.queue.backoff.ms", str(RDKAFKA_FETCH_QUEUE_BACKOFF_MS))], topic_conf

    return CompatibleRdKafkaSimpleConsumer


class Consumer:
    """A pykafka SimpleConsumer serves one topic: one per topic over the same connected KafkaClient."""

    def __init__(self, ctx: Context, rdkafka: bool) -> None:
        self._client = _kafka_client(ctx)  # connects: KafkaClient loads the cluster's metadata at once
        self._rdkafka = rdkafka
        self._cls = _rdkafka_consumer_class() if rdkafka else SimpleConsumer
        self._c: Any = None
        self._last: Any = None
        self._kwargs: Dict[str, Any] = dict(consumer_group=None, auto_offset_reset=OffsetType.EARLIEST, reset_offset_on_start=True,
                                            consumer_timeout_ms=int(POLL_TIMEOUT_S * 1000))
        if rdkafka:
            self._kwargs["queued_max_messages"] = RDKAFKA_QUEUED_MIN_MESSAGES
        self._config: Dict[str, Any] = {"use_rdkafka": rdkafka, "consumer_group": "none", "auto_offset_reset": "earliest",
                                        "reset_offset_on_start": True, "broker_version": BROKER_VERSION}
        self.notes = ["SimpleConsumer without a group, the arm's partitions, consume() per message gathered into batches",
                      "a SimpleConsumer serves one topic: the warm-up topic's is stopped before the window; the window opens just "
                      "before the measured topic's SimpleConsumer is made and started (reset_offset_on_start: ListOffsets v0, "
                      "earliest; then its fetchers start): that is its assignment; one connected KafkaClient throughout"]
        if rdkafka:
            self.notes.append("its librdkafka handle serves one topic, so the measured topic's handle is created, and connects "
                              "to the broker, inside the window (the warm-up topic's handle is stopped before it); so the measured topic's "
                              "metadata cannot be fetched on it before the window either (the handle does not exist yet, and "
                              "pykafka's extension has no metadata call): its first metadata request is inside the window "
                              "(it starts at the offsets pykafka itself looked up, so librdkafka's own offset lookup is not "
                              "involved); pykafka's KafkaClient has the topic's metadata from before the window")
            self.notes.append("two librdkafka properties pykafka 2.8 sets out of librdkafka 2.x's bounds are fixed by kbench: "
                              "queued.max.messages.kbytes clamped to 2097151, fetch.max.bytes = receive.message.max.bytes - 512; "
                              f"prefetch as every librdkafka consumer: queued.min.messages {RDKAFKA_QUEUED_MIN_MESSAGES} "
                              f"(pykafka's queued_max_messages), fetch.queue.backoff.ms {RDKAFKA_FETCH_QUEUE_BACKOFF_MS}")

    def assign(self, topic_name: str, partitions: List[int]) -> None:
        self.release()
        topic = self._client.topics[topic_name]
        # What topic.get_simple_consumer() does, with the class chosen here (topic._cluster is its argument there too).
        self._c = self._last = self._cls(topic, topic._cluster, partitions=[topic.partitions[p] for p in partitions], **self._kwargs)

    @property
    def config(self) -> Dict[str, Any]:
        """The options given and, once a SimpleConsumer exists, what it made of them (read after the window)."""
        out = dict(self._config)
        c = self._last
        if c is not None:
            out.update(queued_max_messages=c._queued_max_messages, fetch_message_max_bytes=c._fetch_message_max_bytes)
            if self._rdkafka:
                out.update({f"librdkafka.{k}": v for k, v in c._mk_rdkafka_config_lists()[0] if "fetch" in k or "queued" in k or "receive" in k})
        return out

    def release(self) -> None:
        if self._c is not None:
            self._c.stop()
            self._c = None

    def poll(self, max_messages: int, _timeout_s: float) -> List[bytes]:
        first = self._c.consume(block=True)  # waits at most consumer_timeout_ms
        if first is None:
            return []
        out = [first.value]
        consume = self._c.consume
        while len(out) < max_messages:
            m = consume(block=False)
            if m is None:
                break
            out.append(m.value)
        return out

    def close(self) -> None:
        self.release()


class Client:
    def __init__(self, rdkafka: bool) -> None:
        self.rdkafka = rdkafka
        self.name = f"pykafka {pykafka.__version__}{' (rdkafka)' if rdkafka else ''}"
        reads = {"Fetch": 1, "ListOffsets": 0} if not rdkafka else {"ListOffsets": 0}
        writes = {"Produce": 0} if not rdkafka else {}
        #: The newest version of each API pykafka itself sends, per scenario (checked against the broker).
        self.needs = {"producer-sync": writes, "producer-async": writes, "consumer": reads, "e2e-latency": {**writes, **reads}}
        if rdkafka:
            importlib.import_module("pykafka.rdkafka._rd_kafka")  # ImportError: the extension is missing or broken

    def describe(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"version": pykafka.__version__}
        if self.rdkafka:
            version, path = loaded_librdkafka()
            out.update(librdkafka=version, notes=[f"C extension linked to {path}"])
        return out

    def producer(self, ctx: Context, sync: bool) -> Producer:
        return Producer(ctx, sync, self.rdkafka)

    def consumer(self, ctx: Context) -> Consumer:
        return Consumer(ctx, self.rdkafka)


def make(driver_id: str) -> Client:
    return Client(rdkafka=driver_id == "pykafka-rdkafka")
