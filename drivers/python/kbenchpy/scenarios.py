"""The four kbench scenarios, written once on top of a client's producer and consumer ports (the
Python twin of src/scenarios/), each measuring exactly the window src/contract/arm.ts WINDOWS defines:
warm-up first and outside the window, then the measured part with wall time and CPU of the whole
process (client threads included). Nothing is subtracted from a window (checksumming is inside it).

A client module gives:
  producer(ctx, sync) -> Producer: .config, .notes, .send(value), .send_and_wait(value, timeout_s),
                                   .flush(timeout_s) -> Counts (cumulative), .snapshot() -> Counts
                                   (optional: deliveries so far, without waiting), .close()
  consumer(ctx) -> Consumer:       .config, .notes; connected when made, nothing assigned;
                                   .assign(topic, partitions): read those partitions from their beginning
                                   (replacing what was assigned before); .release(): the warm-up topic is
                                   done with (called before the window opens); .locate(topic, partitions)
                                   (optional): fetch that topic's metadata on the same client, called
                                   before the window opens, raising when it lacks a partition to read;
                                   .poll(max_messages, timeout_s) -> list of payloads; .close()
"""
from __future__ import annotations

import json
import math
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .payload import Checksum, LATENCY_HEADER_BYTES, Payloads, Source, read_seq, read_timestamp_us

PROGRESS_PREFIX = "@kbench "
#: How long a consumer may receive nothing before the arm fails (as src/scenarios/consumer.ts).
STALL_S = 30.0
#: Messages asked for per consumer poll (the last polls ask for exactly what is left, so no poll waits out its timeout).
POLL_BATCH = 1000
POLL_TIMEOUT_S = 0.2
#: Rate of e2e-latency when --rate is not given (as src/scenarios/e2e-latency.ts).
DEFAULT_E2E_RATE = 2000


@dataclass
class Context:
    """What a client module needs to build a client for one arm (from the ArmSpec)."""

    spec: Dict[str, Any]
    brokers: List[str]
    topic: str
    partitions: int
    read_partitions: List[int]
    size: int
    settings: Dict[str, Any]
    client_id: str
    group_id: str
    extra_config: Dict[str, Any]
    connection: Dict[str, Any]
    timeout_s: float
    #: The payload source (spec.payload), read once.
    source: Source
    #: Consumer arms: the warm-up topic (one partition, spec.warmup messages), or None.
    warmup_topic: Optional[str] = None
    #: librdkafka properties computed by kbench (src/drivers/librdkafka-config.ts), for librdkafka-based clients.
    librdkafka: Dict[str, Dict[str, Any]] = field(default_factory=dict)

    @property
    def acks(self) -> str:
        return str(self.settings["acks"])


@dataclass
class Counts:
    delivered: int = 0
    failed: int = 0
    errors: Dict[str, int] = field(default_factory=dict)

    def ok(self, n: int = 1) -> None:
        self.delivered += n

    def fail(self, name: str, n: int = 1) -> None:
        self.failed += n
        self.errors[name] = self.errors.get(name, 0) + n

    def copy(self) -> "Counts":
        return Counts(self.delivered, self.failed, dict(self.errors))

    def minus(self, base: "Counts") -> "Counts":
        errors = {k: v - base.errors.get(k, 0) for k, v in self.errors.items() if v - base.errors.get(k, 0)}
        return Counts(self.delivered - base.delivered, self.failed - base.failed, errors)


def describe_errors(errors: Dict[str, int]) -> str:
    return ", ".join(f"{k} ×{v}" for k, v in errors.items()) or "no error code"


def error_name(err: BaseException) -> str:
    return type(err).__name__


class Status:
    """What the arm is doing right now, for the watchdog's message when it has to give up."""

    phase = "starting"


class Progress:
    """`@kbench {"done": N, ...}` lines on stdout, at most every 200 ms plus a final one (src/contract/arm.ts
    ProgressLine); `more` gives the extra fields ("acked", "failed", "consumed"), called only for a line written."""

    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, done: int, force: bool = False, more: Optional[Callable[[], Dict[str, int]]] = None) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        line = {"done": done, **(more() if more else {})}
        sys.stdout.write(PROGRESS_PREFIX + json.dumps(line) + "\n")
        sys.stdout.flush()


class Meter:
    """Wall time, absolute start/end and process CPU (all threads) over the window; nothing subtracted."""

    def __init__(self) -> None:
        self.started = False

    def start(self) -> None:
        self._ru = resource.getrusage(resource.RUSAGE_SELF)
        self._start_us = time.time_ns() // 1000
        self._t0 = time.perf_counter_ns()
        self.started = True

    def stop(self) -> Dict[str, Any]:
        if not self.started:
            self.start()
        elapsed = time.perf_counter_ns() - self._t0
        end_us = time.time_ns() // 1000
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "elapsedNs": max(1, elapsed),
            "startUs": self._start_us,
            "endUs": max(end_us, self._start_us),
            "cpuUserUs": max(0.0, (ru.ru_utime - self._ru.ru_utime) * 1e6),
            "cpuSysUs": max(0.0, (ru.ru_stime - self._ru.ru_stime) * 1e6),
            "rssPeakBytes": ru.ru_maxrss * 1024,
        }


class Schedule:
    """The open-loop schedule of a paced arm (src/contract/arm.ts SCHEDULE; src/scenarios/schedule.ts is the
    TypeScript twin): message k is due at t0 + k / rate, whatever happened to the messages before it. Waiting
    is time.sleep() up to the due time (clock_nanosleep on Linux), never a spin: a message is handed over at
    the first wake-up at or after its due time, never before. Times are time.perf_counter_ns(); due_us() and
    wall_us() map them onto the wall clock payloads and consumers use (µs since the epoch)."""

    def __init__(self, rate: float) -> None:
        if not rate > 0:
            raise ValueError(f"a schedule needs a rate > 0 (got {rate})")
        self.rate = rate
        self._period_ns = 1e9 / rate
        self._t0_us = time.time_ns() // 1000
        self._t0_ns = time.perf_counter_ns()
        self._last_ns = self._t0_ns
        self.handed = 0
        self._late_sum_ns = 0
        self._late_max_ns = 0

    def due_ns(self, k: int) -> int:
        """Due time of message k (perf_counter_ns, rounded up: never before t0 + k / rate)."""
        return self._t0_ns + math.ceil(k * self._period_ns)

    def due_us(self, k: int) -> int:
        """Due time of message k on the wall clock (µs since the epoch): wall_us(due_ns(k)), never after the hand-over's."""
        return self.wall_us(self.due_ns(k))

    def wall_us(self, ns: int) -> int:
        """A perf_counter_ns reading on the wall clock (µs since the epoch)."""
        return self._t0_us + (ns - self._t0_ns) // 1000

    def until(self, k: int) -> None:
        """Returns once message k is due (at once when it already is)."""
        due = self.due_ns(k)
        left = due - time.perf_counter_ns()
        while left > 0:
            time.sleep(left / 1e9)
            left = due - time.perf_counter_ns()

    def hand_over(self) -> int:
        """Records that the next message on the schedule is handed to the client now; returns the time (ns)."""
        now = time.perf_counter_ns()
        late = now - self.due_ns(self.handed)
        self._late_sum_ns += late
        if late > self._late_max_ns:
            self._late_max_ns = late
        self.handed += 1
        self._last_ns = now
        return now

    def achieved_rate(self) -> float:
        """Messages handed over per second of schedule: handed / (last hand-over − t0 + 1 / rate)."""
        if not self.handed:
            return 0.0
        return self.handed / ((self._last_ns - self._t0_ns + self._period_ns) / 1e9)

    def lateness_note(self) -> str:
        mean = self._late_sum_ns / self.handed / 1000 if self.handed else 0
        return (f"schedule: messages handed over on average {round(mean)} µs after their due time (max {round(self._late_max_ns / 1000)} µs; "
                "time.sleep to the due time, and time spent in the client's send)")

    def fields(self) -> Dict[str, Any]:
        """The paced arm's outcome fields."""
        return {"requestedRate": self.rate, "achievedRate": self.achieved_rate()}


def time_up(spec: Dict[str, Any], window_start_ns: int) -> bool:
    """Unpaced timed producer arms (spec.durationMs): true once the duration has passed since the window opened."""
    d = spec.get("durationMs")
    return d is not None and time.perf_counter_ns() - window_start_ns >= d * 1_000_000


def timed_notes(spec: Dict[str, Any]) -> List[str]:
    d = spec.get("durationMs")
    return [] if d is None else [f"timed: sent for {d / 1000:g} s"]


def _base(spec: Dict[str, Any], measured: Dict[str, Any], config: Dict[str, Any], notes: List[str], count: Optional[int] = None) -> Dict[str, Any]:
    n = spec["messages"] if count is None else count
    return {"ok": True, "messages": n, "bytes": n * spec["messageSize"], **measured, "config": config, "notes": notes}


def _deliveries(p: Any, base: "Counts") -> Callable[[], Dict[str, int]]:
    """The progress line's "acked" and "failed" of the window, from the producer's snapshot() (when it has one)."""
    snap = getattr(p, "snapshot", None)
    if snap is None:
        return lambda: {}

    def more() -> Dict[str, int]:
        now = snap()
        return {"acked": now.delivered - base.delivered, "failed": now.failed - base.failed}
    return more


def producer_async(client: Any, ctx: Context, progress: Progress) -> Dict[str, Any]:
    """WINDOWS['producer-async']: warm-up sent and acknowledged first; the window opens just before the
    first measured send and closes when the flush waiting for the last acknowledgement returns. At a rate
    every message is sent when due on the schedule; unpaced with spec.durationMs, sending stops once the
    duration has passed (messages = the count sent)."""
    spec = ctx.spec
    first, warmup, n = spec["firstSeq"], spec["warmup"], spec["messages"]
    payloads = Payloads(ctx.size, ctx.source)
    rate = float(ctx.settings.get("rate") or 0)
    timed = spec.get("durationMs") is not None
    p = client.producer(ctx, sync=False)
    try:
        base = Counts()
        if warmup:
            Status.phase = "warm-up"
            warm = Schedule(rate) if rate else None  # the warm-up has a schedule of its own
            for i, value in enumerate(payloads.stream(first, warmup)):
                if warm:
                    warm.until(i)
                p.send(value)
            base = p.flush(ctx.timeout_s).copy()
            if base.failed:
                raise RuntimeError(f"warm-up: {base.failed} of {warmup} deliveries failed ({describe_errors(base.errors)})")
        Status.phase = "sending"
        more = _deliveries(p, base)
        meter = Meter()
        meter.start()
        t0 = time.perf_counter_ns()
        sched = Schedule(rate) if rate else None
        send = p.send
        sent = 0
        for i, value in enumerate(payloads.stream(first + warmup, n)):
            if sched:
                sched.until(i)
                sched.hand_over()
            elif timed and not i & 63 and time_up(spec, t0):
                break
            send(value)
            sent = i + 1
            if sched or not i & 1023:
                progress(sent, more=more)
        Status.phase = f"waiting for the deliveries of {sent} messages"
        total = p.flush(ctx.timeout_s).minus(base)
        measured = meter.stop()
        progress(sent, force=True, more=lambda: {"acked": total.delivered, "failed": total.failed})
        notes = list(getattr(p, "notes", [])) + ([sched.lateness_note()] if sched else []) + timed_notes(spec)
        return {**_base(spec, measured, p.config, notes, sent), **(sched.fields() if sched else {}),
                "delivered": total.delivered, "failed": total.failed, "errors": total.errors}
    finally:
        p.close()


def producer_sync(client: Any, ctx: Context, progress: Progress) -> Dict[str, Any]:
    """WINDOWS['producer-sync']: warm-up sent and acknowledged one by one first; the window opens just
    before the first measured send and closes when the last measured message is acknowledged. Latency:
    from the send, or at a rate from each message's due time (corrected) with the time from the send as
    the service time; unpaced with spec.durationMs, sending stops once the duration has passed."""
    spec = ctx.spec
    first, warmup, n = spec["firstSeq"], spec["warmup"], spec["messages"]
    payloads = Payloads(ctx.size, ctx.source)
    rate = float(ctx.settings.get("rate") or 0)
    p = client.producer(ctx, sync=True)
    try:
        Status.phase = "warm-up"
        warm = Schedule(rate) if rate else None
        for i, value in enumerate(payloads.stream(first, warmup)):
            if warm:
                warm.until(i)
            p.send_and_wait(value, ctx.timeout_s)
        Status.phase = "sending one message at a time"
        service: List[float] = []
        corrected: List[float] = []
        counts = Counts()
        meter = Meter()
        meter.start()
        t0 = time.perf_counter_ns()
        sched = Schedule(rate) if rate else None
        clock = time.perf_counter_ns
        sent = 0
        for i, value in enumerate(payloads.stream(first + warmup, n)):
            if sched:
                sched.until(i)
                s = sched.hand_over()
            elif time_up(spec, t0):
                break
            else:
                s = clock()
            sent = i + 1
            try:
                p.send_and_wait(value, ctx.timeout_s)
                end = clock()
                counts.ok()
                service.append((end - s) / 1000)
                if sched:  # corrected: from the due time, so the wait behind a slow acknowledgement is counted
                    corrected.append((end - sched.due_ns(i)) / 1000)
            except Exception as err:  # a failed delivery is counted by name, as the Node scenario does
                counts.fail(error_name(err))
            progress(sent, more=lambda: {"acked": counts.delivered, "failed": counts.failed})
        measured = meter.stop()
        progress(sent, force=True, more=lambda: {"acked": counts.delivered, "failed": counts.failed})
        notes = list(getattr(p, "notes", [])) + ([sched.lateness_note()] if sched else []) + timed_notes(spec)
        latency = {"latencySamplesUs": corrected, "serviceSamplesUs": service, **sched.fields()} if sched else {"latencySamplesUs": service}
        return {**_base(spec, measured, p.config, notes, sent),
                "delivered": counts.delivered, "failed": counts.failed, "errors": counts.errors, **latency}
    finally:
        p.close()


class Stalled(RuntimeError):
    pass


def consume_until(c: Any, on_batch: Callable[[List[bytes]], bool], want: Callable[[], int], stall_s: float,
                  progress_text: Callable[[], str], stop: Optional[threading.Event] = None) -> None:
    """Polls until on_batch returns False; fails when nothing arrives for stall_s."""
    last = time.monotonic()
    while stop is None or not stop.is_set():
        batch = c.poll(max(1, min(POLL_BATCH, want())), POLL_TIMEOUT_S)
        now = time.monotonic()
        if batch:
            last = now
            if not on_batch(batch):
                return
        elif now - last > stall_s:
            raise Stalled(f"no messages for {stall_s:g} s ({progress_text()})")


def consumer(client: Any, ctx: Context, progress: Progress) -> Dict[str, Any]:
    """WINDOWS.consumer: the client is connected, has read the warm-up topic (spec.warmupTopic,
    partition 0, exactly spec.warmup messages) to its end and (clients with .locate) has fetched the
    measured topic's metadata; the window opens just before the measured
    topic's partitions are assigned from their beginning and closes when the last measured message has
    been checksummed. consumed / consumedBytes / checksum cover the measured topic only."""
    spec = ctx.spec
    warmup, n = spec["warmup"], spec["messages"]
    if warmup and not ctx.warmup_topic:
        raise ValueError(f"a consumer arm with {warmup} warm-up messages needs spec.warmupTopic")
    stall_s = min(STALL_S, ctx.timeout_s)
    sums = Checksum()
    meter = Meter()
    drop = bool((spec.get("faults") or {}).get("dropOne"))
    state = {"warm": 0, "read": 0}

    def on_warmup(batch: List[bytes]) -> bool:
        state["warm"] += len(batch)
        return state["warm"] < warmup

    def on_batch(batch: List[bytes]) -> bool:
        nonlocal drop
        if drop:  # injected fault: one message is not accounted for
            drop = False
            sums.add_all(batch[1:])
        else:
            sums.add_all(batch)
        state["read"] += len(batch)
        progress(state["read"])
        return state["read"] < n

    Status.phase = "connecting"
    c = client.consumer(ctx)
    try:
        if warmup:
            Status.phase = f"reading the warm-up topic ({warmup} messages)"
            c.assign(ctx.warmup_topic, [0])
            consume_until(c, on_warmup, lambda: warmup - state["warm"], stall_s, lambda: f"read {state['warm']} of {warmup} warm-up messages")
        c.release()
        locate = getattr(c, "locate", None)
        if locate is not None:  # the client knows where the measured partitions are before the window opens
            Status.phase = "fetching the measured topic's metadata"
            locate(ctx.topic, ctx.read_partitions)
        Status.phase = "consuming"
        meter.start()
        c.assign(ctx.topic, ctx.read_partitions)
        if n:
            consume_until(c, on_batch, lambda: n - state["read"], stall_s, lambda: f"read {state['read']} of {n}")
        measured = meter.stop()
        progress(state["read"], force=True)
        notes = list(getattr(c, "notes", []))
        if not n:
            notes.append("no messages in this share's partitions: the window closed at once")
        got = state["read"]
        return {"ok": True, "messages": got, "bytes": got * ctx.size, **measured, "consumed": sums.count,
                "consumedBytes": sums.bytes, "checksum": sums.hex(), "warmupConsumed": state["warm"],
                "config": c.config, "notes": notes}
    finally:
        c.close()


def e2e_latency(client: Any, ctx: Context, progress: Progress) -> Dict[str, Any]:
    """Produces on the open-loop schedule of a fixed rate (Schedule) with each message's intended send time
    in its payload; a consumer thread in the same process (same clock) records, per message, intended
    send → consumed (corrected) and actual hand-over → consumed (service time), and accounts for every
    sequence number."""
    spec = ctx.spec
    if ctx.size < LATENCY_HEADER_BYTES:
        raise ValueError(f"e2e-latency needs messages of at least {LATENCY_HEADER_BYTES} bytes (size {ctx.size})")
    rate = float(ctx.settings.get("rate") or 0) or DEFAULT_E2E_RATE
    first, warmup, n = spec["firstSeq"], spec["warmup"], spec["messages"]
    total = warmup + n
    seen = bytearray(total)
    samples: List[int] = []
    service: List[int] = []
    #: Wall-clock hand-over time (µs) of each measured message, set before its send.
    sent_at = [0] * n
    st = {"received": 0, "duplicated": 0, "outside": 0, "sent": 0}
    stop = threading.Event()
    failure: List[BaseException] = []

    def consumed() -> Dict[str, int]:
        return {"consumed": max(0, st["received"] - warmup)}

    def on_batch(batch: List[bytes]) -> bool:
        now = time.time_ns() // 1000
        for payload in batch:
            idx = read_seq(payload) - first
            if idx < 0 or idx >= total:
                st["outside"] += 1
                continue
            if seen[idx]:
                st["duplicated"] += 1
                continue
            seen[idx] = 1
            st["received"] += 1
            if idx >= warmup:
                samples.append(max(1, now - read_timestamp_us(payload)))
                service.append(max(1, now - sent_at[idx - warmup]))
        progress(st["sent"], more=consumed)
        return st["received"] < total

    c = client.consumer(ctx)
    c.assign(ctx.topic, ctx.read_partitions)
    p = client.producer(ctx, sync=False)

    def consume() -> None:
        try:
            consume_until(c, on_batch, lambda: total - st["received"], min(STALL_S, ctx.timeout_s),
                          lambda: f"received {st['received']} of {total}", stop)
        except BaseException as err:  # reported in the outcome's notes, as the Node scenario does
            failure.append(err)

    # The consumer runs in its own thread (the same process, so the same clock) while this one produces.
    reader = threading.Thread(target=consume, name="kbench-e2e-consumer", daemon=True)
    try:
        reader.start()
        payloads = Payloads(ctx.size, ctx.source)
        Status.phase = "warm-up"
        warm_sched = Schedule(rate)
        for i in range(warmup):
            warm_sched.until(i)
            warm_sched.hand_over()
            p.send(payloads.make_timed(first + i, warm_sched.due_us(i)))
        warm = p.flush(ctx.timeout_s).copy()
        # Warm-up also proves the consumer is assigned and fetching before anything is measured.
        wait_until = time.monotonic() + STALL_S
        while st["received"] < warmup and time.monotonic() < wait_until and reader.is_alive():
            time.sleep(0.02)
        Status.phase = "sending at a fixed rate"
        meter = Meter()
        meter.start()
        sched = Schedule(rate)
        start = first + warmup
        for i in range(n):
            sched.until(i)
            # Built before the hand-over, stamped with its due time: the schedule, not the send, is intended.
            value = payloads.make_timed(start + i, sched.due_us(i))
            sent_at[i] = sched.wall_us(sched.hand_over())
            p.send(value)
            st["sent"] = i + 1
        Status.phase = "waiting for the deliveries and the consumer"
        sent = p.flush(ctx.timeout_s).minus(warm)
        reader.join(ctx.timeout_s)
        measured = meter.stop()
        progress(n, force=True, more=lambda: {**consumed(), "acked": sent.delivered, "failed": sent.failed})
        lost = sum(1 for i in range(warmup, total) if not seen[i])
        notes = [f"rate {rate:g} msgs/s on the open-loop schedule", "consumer in a second thread of the same process", sched.lateness_note()]
        if st["outside"]:
            notes.append(f"{st['outside']} messages with foreign sequence numbers ignored")
        if failure:
            notes.append(f"consumer stopped early: {failure[0]}")
        config = {**p.config, **{f"consumer.{k}": v for k, v in c.config.items()}}
        return {**_base(spec, measured, config, notes + list(getattr(p, "notes", []))),
                "delivered": sent.delivered, "failed": sent.failed, "errors": sent.errors,
                "consumed": st["received"], "lost": lost, "duplicated": st["duplicated"],
                "latencySamplesUs": samples, "serviceSamplesUs": service, **sched.fields()}
    finally:
        stop.set()
        reader.join(5)
        p.close()
        c.close()


SCENARIOS = {
    "producer-async": producer_async,
    "producer-sync": producer_sync,
    "consumer": consumer,
    "e2e-latency": e2e_latency,
}
