"""kafka-python-simple: kafka-python 1.4.x's legacy API (SimpleClient + SimpleProducer /
SimpleConsumer), as the 2018 study used it. It needs kafka-python < 2.0 (the API was removed in 2.0)
and speaks only the oldest protocol versions (Produce v0, Fetch v0, ListOffsets v0, Metadata v0),
which Kafka 4.0 no longer accepts; Kafka 3.x converts its v0 message format on the way in and out.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List

import kafka

try:
    from kafka import SimpleClient, SimpleConsumer, SimpleProducer
    import kafka.producer.base as _producer_base
    from kafka.consumer.base import FETCH_MIN_BYTES
    from kafka.errors import RETRY_ERROR_TYPES, RequestTimedOutError, for_code
    from kafka.protocol import CODEC_GZIP, CODEC_NONE
    from kafka.protocol.legacy import create_message_set as _create_message_set
    from kafka.structs import ProduceResponsePayload
except ImportError as err:  # kafka-python >= 2.0
    raise ImportError(f"kafka-python {kafka.__version__} has no SimpleClient/SimpleProducer (removed in 2.0; needs 1.4.x): {err}") from err

from ..scenarios import Context, Counts
from .common import no_extra_config

CODECS = {"none": CODEC_NONE, "gzip": CODEC_GZIP}
ACKS = {"0": 0, "1": 1, "all": -1}
#: Broker-side wait for acks (ms), SimpleProducer's ack_timeout.
ACK_TIMEOUT_MS = 30_000
#: SimpleConsumer's fetch size per partition: the library default (4 KiB) never gets past the first
#: record batch larger than that on Kafka 3.x, which down-converts to message format v0 and, unable to
#: cut a batch, answers with an empty message set that the client takes for "nothing new" (it grows
#: its buffer only on a partial message). 1 MiB is what current clients fetch per partition by default.
#: Also its maximum: Kafka 3.x ends every down-converted fetch response with a truncated "overflow"
#: message (KIP-283), which 1.4.7 takes for a too-small buffer and doubles it on each one; without a
#: cap it passes 2^31 within seconds of a steady stream and dies in struct.pack ("'i' format requires
#: -2147483648 <= number <= 2147483647").
FETCH_BYTES = 1024 * 1024
#: Retries of a failed ProduceRequest by the async thread before it drops the messages (default: forever).
ASYNC_RETRY_LIMIT = 3


class _Shared:
    """Delivery counts shared by the SimpleClient copy the async thread uses (deepcopy keeps this object)."""

    def __init__(self) -> None:
        self.counts = Counts()
        #: Failed attempts per ProduceRequestPayload (the async thread retries the same payload objects).
        self.attempts: Dict[Any, int] = {}

    def __deepcopy__(self, _memo: Any) -> "_Shared":
        return self


#: Messages inside each compressed wrapper message (id -> count): a gzip message set is one message
#: on the wire, so counting deliveries needs to know how many it carries.
_wrapped: Dict[int, int] = {}


def _counting_create_message_set(messages: Any, codec: int = CODEC_NONE, key: Any = None, compresslevel: Any = None) -> Any:
    out = _create_message_set(messages, codec, key, compresslevel)
    if codec != CODEC_NONE:
        for m in out:
            _wrapped[id(m)] = len(messages)
    return out


# The async thread (kafka.producer.base._send_upstream) builds its message sets through this name.
_producer_base.create_message_set = _counting_create_message_set


def _messages_in(payload: Any, forget: bool) -> int:
    get = _wrapped.pop if forget else _wrapped.get
    return sum(get(id(m), 1) for m in payload.messages)


class CountingClient(SimpleClient):
    """SimpleClient whose produce responses are counted: the async SimpleProducer reports nothing
    per message, so deliveries are counted where its background thread gets the broker's answer, and
    failures where it gives a request up (an error it does not retry, or its retry limit reached)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.shared = _Shared()
        super().__init__(*args, **kwargs)

    def send_produce_request(self, payloads: Any = (), acks: int = 1, timeout: int = 1000, fail_on_error: bool = True,
                             callback: Any = None) -> Any:
        resps = super().send_produce_request(payloads, acks=acks, timeout=timeout, fail_on_error=fail_on_error, callback=callback)
        shared = self.shared
        if acks == 0:  # no response exists: everything handed to the socket counts as delivered
            shared.counts.ok(sum(_messages_in(p, True) for p in payloads))
            return resps
        for payload, resp in zip(payloads, resps):
            if isinstance(resp, ProduceResponsePayload) and not resp.error:
                shared.counts.ok(_messages_in(payload, True))
                shared.attempts.pop(payload, None)
                continue
            err = type(resp) if isinstance(resp, Exception) else for_code(resp.error)
            tries = shared.attempts.get(payload, 0) + 1
            shared.attempts[payload] = tries
            # The same rule as _send_upstream: retried only if retriable (timeouts included), at most ASYNC_RETRY_LIMIT times.
            retriable = issubclass(err, RETRY_ERROR_TYPES) or issubclass(err, RequestTimedOutError)
            if not retriable or tries > ASYNC_RETRY_LIMIT:
                shared.counts.fail(err.__name__, _messages_in(payload, True))
                shared.attempts.pop(payload, None)
        return resps


def _client(ctx: Context) -> CountingClient:
    no_extra_config(ctx, "kafka-python 1.4 SimpleClient")
    if ctx.connection.get("ssl") or ctx.connection.get("sasl"):
        raise ValueError("kafka-python 1.4's SimpleClient has no TLS or SASL")
    return CountingClient(ctx.brokers, client_id=ctx.client_id, timeout=120)


class Producer:
    def __init__(self, ctx: Context, sync: bool) -> None:
        s = ctx.settings
        if s["compression"] not in CODECS:
            raise ValueError(f"SimpleProducer has no {s['compression']} codec here (gzip only: no codec packages installed)")
        if s["idempotence"]:
            raise ValueError("SimpleProducer has no idempotent mode")
        self._client = _client(ctx)
        self._client.load_metadata_for_topics(ctx.topic)
        kwargs: Dict[str, Any] = dict(req_acks=ACKS[ctx.acks], ack_timeout=ACK_TIMEOUT_MS, codec=CODECS[s["compression"]])
        if sync:
            kwargs.update(async_send=False, sync_fail_on_error=True)
            self.notes = ["SimpleProducer(async_send=False).send_messages() per message: one ProduceRequest v0 each"]
        else:
            # Nearest equivalents: a batch is what batch.size holds, sent after linger.ms at the latest.
            kwargs.update(async_send=True, batch_send_every_n=max(1, s["batchSize"] // max(1, ctx.size)),
                          batch_send_every_t=max(0.001, s["lingerMs"] / 1000), async_retry_limit=ASYNC_RETRY_LIMIT,
                          async_stop_timeout=ctx.timeout_s, async_log_messages_on_error=False)
            self.notes = ["SimpleProducer(async_send=True): a background thread batches a queue into ProduceRequests v0",
                          "it reports nothing per message: deliveries are counted from the broker's produce responses"]
        self.config = {k: v for k, v in kwargs.items()}
        self.config["api"] = "SimpleClient + SimpleProducer (kafka-python 1.4 legacy API)"
        self._sync = sync
        self._p = SimpleProducer(self._client, **kwargs)
        self._topic = ctx.topic
        self._sent = 0

    def send(self, value: bytes) -> None:
        self._p.send_messages(self._topic, value)
        self._sent += 1

    def send_and_wait(self, value: bytes, timeout_s: float) -> None:
        self._p.send_messages(self._topic, value)  # raises on a failed ProduceRequest (sync_fail_on_error)

    def snapshot(self) -> Counts:
        return self._client.shared.counts.copy()

    def flush(self, timeout_s: float) -> Counts:
        counts = self._client.shared.counts
        deadline = time.monotonic() + timeout_s
        while counts.delivered + counts.failed < self._sent:
            if time.monotonic() > deadline:
                raise TimeoutError(f"flush: {self._sent - counts.delivered - counts.failed} messages neither acknowledged nor given up after {timeout_s:g} s")
            if not self._p.thread.is_alive():
                raise RuntimeError("SimpleProducer's async thread has stopped")
            time.sleep(0.002)
        return counts.copy()

    def close(self) -> None:
        if not self._sync and not self._p.stopped:
            self._p.stop()
        self._client.close()


class Consumer:
    """SimpleConsumer serves one topic: one per topic over the same connected SimpleClient."""

    def __init__(self, ctx: Context) -> None:
        self._client = _client(ctx)  # connects: SimpleClient loads the cluster's metadata at once
        self._c: Any = None
        self.config = {"group": "none", "auto_commit": False, "fetch_min_bytes": FETCH_MIN_BYTES, "buffer_size": FETCH_BYTES, "max_buffer_size": FETCH_BYTES,
                       "api": "SimpleClient + SimpleConsumer (kafka-python 1.4 legacy API)"}
        self.notes = ["SimpleConsumer.get_messages(count=n, block=True) batches (FetchRequest v0)",
                      "a SimpleConsumer serves one topic: the warm-up topic's is stopped before the window; the window opens just "
                      "before the measured topic's SimpleConsumer is made (its metadata request) and seek(0, 0) (ListOffsets v0, "
                      "earliest) sets every partition to its beginning: that is its assignment; one connected SimpleClient throughout",
                      "buffer_size = max_buffer_size = 1 MiB instead of the library's 4 KiB / 32 KiB, with which it stalls on Kafka 3.x (see kafka_python_simple.py)"]

    def assign(self, topic: str, partitions: List[int]) -> None:
        self.release()
        self._c = SimpleConsumer(self._client, None, topic, partitions=list(partitions), auto_commit=False,
                                 buffer_size=FETCH_BYTES, max_buffer_size=FETCH_BYTES)
        self._c.seek(0, 0)  # whence 0: from the earliest offset of every partition

    def release(self) -> None:
        if self._c is not None:
            self._c.stop()
            self._c = None

    def poll(self, max_messages: int, timeout_s: float) -> List[bytes]:
        return [m.message.value for m in self._c.get_messages(count=max_messages, block=True, timeout=timeout_s)]

    def close(self) -> None:
        self.release()
        self._client.close()


class Client:
    name = f"kafka-python {kafka.__version__} SimpleClient"
    #: The newest version of each API this client sends (all scenarios), checked against the broker before running.
    needs = {s: {"Produce": 0, "Fetch": 0, "ListOffsets": 0, "Metadata": 0} for s in ("producer-sync", "producer-async", "consumer", "e2e-latency")}

    def describe(self) -> Dict[str, Any]:
        return {"version": kafka.__version__}

    def producer(self, ctx: Context, sync: bool) -> Producer:
        return Producer(ctx, sync)

    def consumer(self, ctx: Context) -> Consumer:
        return Consumer(ctx)


def make(_driver_id: str) -> Client:
    return Client()
