"""py-confluent: confluent-kafka's Producer / Consumer over the librdkafka its wheel bundles.

Configured with exactly the librdkafka properties kbench gives every librdkafka-based arm
(src/drivers/librdkafka-config.ts, passed in by the TypeScript driver), so only the binding differs.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

import confluent_kafka
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from ..scenarios import Context, Counts

#: poll() serves delivery callbacks; calling it once per this many produce() calls keeps the
#: report queue short without a C call per message (the documented idiom polls after each produce).
POLL_EVERY = 100


class ConfluentProducer:
    def __init__(self, ctx: Context) -> None:
        self.config: Dict[str, Any] = dict(ctx.librdkafka["producer"])
        self.notes = [f"produce() per message with a delivery callback; poll(0) every {POLL_EVERY} produce() calls",
                      "librdkafka properties identical to the other librdkafka-based arms"]
        self._p = Producer(self.config)
        self._topic = ctx.topic
        self._counts = Counts()
        self._sent = 0

    def _report(self, err: Any, _msg: Any) -> None:
        if err is None:
            self._counts.delivered += 1
        else:
            self._counts.fail(err.name())

    def send(self, value: bytes) -> None:
        while True:
            try:
                self._p.produce(self._topic, value, on_delivery=self._report)
                break
            except BufferError:  # local queue full: serve deliveries, then retry
                self._p.poll(0.01)
        self._sent += 1
        if self._sent % POLL_EVERY == 0:
            self._p.poll(0)

    def send_and_wait(self, value: bytes, timeout_s: float) -> None:
        result: List[Optional[Any]] = []
        self._p.produce(self._topic, value, on_delivery=lambda err, _m: result.append(err))
        deadline = time.monotonic() + timeout_s
        while not result:  # poll() returns as soon as the delivery report is served
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no delivery report within {timeout_s:g} s")
            self._p.poll(left)
        if result[0] is not None:
            raise KafkaException(result[0])

    def snapshot(self) -> Counts:
        return self._counts.copy()

    def flush(self, timeout_s: float) -> Counts:
        left = self._p.flush(timeout_s)
        if left:
            raise TimeoutError(f"flush: {left} messages still queued after {timeout_s:g} s")
        return self._counts.copy()

    def close(self) -> None:
        self._p.flush(5)


#: Consumer prefetch of every librdkafka-based arm (the same as the other librdkafka clients); the
#: properties kbench passes in (extraConfig included, last) override them.
PREFETCH: Dict[str, Any] = {"fetch.queue.backoff.ms": 10, "queued.min.messages": 100000}
#: How long connecting (a metadata request) may take before the arm fails.
CONNECT_TIMEOUT_S = 30
#: How long fetching the measured topic's metadata may take before the arm fails (as src/scenarios/consumer.ts).
METADATA_TIMEOUT_S = 10


class ConfluentConsumer:
    def __init__(self, ctx: Context) -> None:
        self.config: Dict[str, Any] = {**PREFETCH, **ctx.librdkafka["consumer"]}
        self.notes = ["window opens just before assign() of the measured partitions at OFFSET_BEGINNING (replacing the warm-up "
                      "topic's assignment); consume(n) batches",
                      "the warm-up topic is read with assign() of its partition 0 at OFFSET_BEGINNING; without a warm-up, "
                      "list_topics() connects before the window",
                      "the measured topic's metadata is fetched (list_topics(topic)) on the same client before the window opens, "
                      "so its assign() does not wait for the partitions' leaders (librdkafka retries the offset lookup of a "
                      "partition without a known leader after 500 ms)"]
        self._c = Consumer(self.config)
        if not ctx.spec.get("warmup"):
            self._c.list_topics(timeout=CONNECT_TIMEOUT_S)  # connected before the window, as the warm-up read would leave it

    def locate(self, topic: str, partitions: List[int]) -> None:
        try:
            md = self._c.list_topics(topic, timeout=METADATA_TIMEOUT_S)
        except KafkaException as err:
            raise RuntimeError(f"metadata of topic {topic} (fetched before the window): {err}") from err
        t = md.topics.get(topic)
        if t is None or t.error is not None:
            raise RuntimeError(f"metadata of topic {topic} (fetched before the window): {t.error if t is not None else 'not in the answer'}")
        missing = [p for p in partitions if p not in t.partitions]
        if missing:
            raise RuntimeError(f"metadata of topic {topic}: no partition {', '.join(map(str, missing))} (it has {len(t.partitions)})")

    def assign(self, topic: str, partitions: List[int]) -> None:
        self._c.assign([TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING) for p in partitions])

    def release(self) -> None:
        pass  # assign() replaces the warm-up topic's assignment

    def poll(self, max_messages: int, timeout_s: float) -> List[bytes]:
        msgs = self._c.consume(num_messages=max_messages, timeout=timeout_s)
        out = []
        for m in msgs:
            err = m.error()
            if err is not None:
                raise KafkaException(err)
            out.append(m.value())
        return out

    def close(self) -> None:
        self._c.close()


def _text(v: Any) -> str:
    return str(v[0] if isinstance(v, tuple) else v)  # (str, int) before 2.x, str since


class Client:
    name = f"confluent-kafka {_text(confluent_kafka.version())}"
    needs: Dict[str, Dict[str, int]] = {}

    def describe(self) -> Dict[str, Any]:
        return {"version": _text(confluent_kafka.version()), "librdkafka": _text(confluent_kafka.libversion())}

    def producer(self, ctx: Context, sync: bool) -> ConfluentProducer:
        return ConfluentProducer(ctx)

    def consumer(self, ctx: Context) -> ConfluentConsumer:
        return ConfluentConsumer(ctx)


def make(_driver_id: str) -> Client:
    return Client()
