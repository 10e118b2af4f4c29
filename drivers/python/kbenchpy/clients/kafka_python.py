"""kafka-python (current release): KafkaProducer / KafkaConsumer, pure Python.

kbench settings map onto the nearest kafka-python options (acks, compression_type, linger_ms,
batch_size, enable_idempotence); librdkafka-style --client-config keys have no equivalent here.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List

import kafka
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ..scenarios import Context, Counts, error_name
from .common import no_extra_config, recorded

COMPRESSIONS = {"none": None, "gzip": "gzip"}  # snappy/lz4/zstd need codec packages, not installed


def security(ctx: Context) -> Dict[str, Any]:
    conn = ctx.connection
    ssl, sasl = conn.get("ssl"), conn.get("sasl")
    out: Dict[str, Any] = {}
    tls = ssl not in (None, False)
    if sasl:
        out.update(security_protocol="SASL_SSL" if tls else "SASL_PLAINTEXT", sasl_mechanism=sasl["mechanism"].upper(),
                   sasl_plain_username=sasl["username"], sasl_plain_password=sasl["password"])
    elif tls:
        out["security_protocol"] = "SSL"
    if tls and isinstance(ssl, dict):
        if ssl.get("ca"):
            out["ssl_cafile"] = ssl["ca"]
        if ssl.get("rejectUnauthorized") is False:
            out["ssl_check_hostname"] = False
    return out


class Producer:
    def __init__(self, ctx: Context, sync: bool) -> None:
        no_extra_config(ctx, "kafka-python")
        s = ctx.settings
        if s["compression"] not in COMPRESSIONS:
            raise ValueError(f"kafka-python has no {s['compression']} codec here (gzip only: no codec packages installed)")
        self._kwargs: Dict[str, Any] = dict(
            bootstrap_servers=ctx.brokers, client_id=ctx.client_id,
            acks="all" if ctx.acks == "all" else int(ctx.acks),
            compression_type=COMPRESSIONS[s["compression"]], linger_ms=s["lingerMs"], batch_size=s["batchSize"],
            enable_idempotence=bool(s["idempotence"]), **security(ctx))
        self.config = recorded(self._kwargs)
        self.notes = ["send().get() per message" if sync else "send() per message, a callback and an errback on each future; flush() at the end"]
        self._p = KafkaProducer(**self._kwargs)
        self._topic = ctx.topic
        self._counts = Counts()
        self._sent = 0

    def _ok(self, _md: Any) -> None:
        self._counts.delivered += 1

    def _failed(self, err: BaseException) -> None:
        self._counts.fail(error_name(err))

    def send(self, value: bytes) -> None:
        self._sent += 1
        self._p.send(self._topic, value=value).add_callback(self._ok).add_errback(self._failed)

    def send_and_wait(self, value: bytes, timeout_s: float) -> None:
        self._p.send(self._topic, value=value).get(timeout=timeout_s)

    def snapshot(self) -> Counts:
        return self._counts.copy()

    def flush(self, timeout_s: float) -> Counts:
        self._p.flush(timeout=timeout_s)
        # Callbacks run on the sender thread as each future resolves; give the last ones a moment.
        deadline = time.monotonic() + 5
        while self._counts.delivered + self._counts.failed < self._sent and time.monotonic() < deadline:
            time.sleep(0.001)
        return self._counts.copy()

    def close(self) -> None:
        self._p.close(timeout=5)


class Consumer:
    def __init__(self, ctx: Context) -> None:
        no_extra_config(ctx, "kafka-python")
        kwargs: Dict[str, Any] = dict(bootstrap_servers=ctx.brokers, client_id=ctx.client_id, group_id=None,
                                      enable_auto_commit=False, auto_offset_reset="earliest", **security(ctx))
        self.config = recorded(kwargs)
        self.notes = ["window opens just before assign() + seek_to_beginning() of the measured partitions (replacing the "
                      "warm-up topic's assignment); poll(max_records=n) batches",
                      "KafkaConsumer() connects (bootstrap, API versions) before the warm-up topic is read the same way"]
        self._c = KafkaConsumer(**kwargs)

    def assign(self, topic: str, partitions: List[int]) -> None:
        parts = [TopicPartition(topic, p) for p in partitions]
        self._c.assign(parts)
        self._c.seek_to_beginning(*parts)

    def release(self) -> None:
        pass  # assign() replaces the warm-up topic's assignment

    def poll(self, max_messages: int, timeout_s: float) -> List[bytes]:
        got = self._c.poll(timeout_ms=int(timeout_s * 1000), max_records=max_messages)
        if len(got) == 1:
            return [r.value for r in next(iter(got.values()))]
        return [r.value for records in got.values() for r in records]

    def close(self) -> None:
        self._c.close()


class Client:
    name = f"kafka-python {kafka.__version__}"
    needs: Dict[str, Dict[str, int]] = {}

    def describe(self) -> Dict[str, Any]:
        return {"version": kafka.__version__}

    def producer(self, ctx: Context, sync: bool) -> Producer:
        return Producer(ctx, sync)

    def consumer(self, ctx: Context) -> Consumer:
        return Consumer(ctx)


def make(_driver_id: str) -> Client:
    return Client()
