// consumer — one connected client reads two topics in sequence: the arm's warm-up topic (partition 0,
// exactly `warmup` messages), then the measured topic (its partitions of it, exactly `messages`). The
// window (WINDOWS in src/contract/arm.ts) opens just before the measured topic is assigned — for
// clients that can only subscribe, when the group join handing them its partitions completes — so
// nothing of it can have been prefetched during the warm-up; it closes when the last measured
// message has been received and checksummed. Every payload goes into the order-independent checksum
// inside the window (nothing is subtracted), which the parent compares with what was written.
import type { ConsumerPort, ConsumeTarget, DriverContext, InBatch, NodeDriver } from '../drivers/types.js';
import { errorMessage } from '../util/errors.js';
import { Checksum, readSeq } from '../verify/payload.js';
import { Meter } from './measure.js';
import type { ScenarioOutcome, ScenarioRun } from './types.js';

/** How long a consumer may receive nothing before the arm fails (it would otherwise hang). */
export const STALL_MS = 30_000;

/**
 * Runs consumer.consume(target) until onBatch says stop, failing when nothing arrives for `stallMs`.
 * Resolves normally on completion; rejects with a message saying how far it got.
 */
export async function consumeUntil(
  c: ConsumerPort,
  target: ConsumeTarget,
  onBatch: (b: InBatch) => boolean,
  stallMs: number,
  progressText: () => string,
  onAssigned?: () => void,
): Promise<void> {
  let last = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (Date.now() - last > stallMs) reject(new Error(`no messages for ${stallMs / 1000} s (${progressText()})`));
    }, 500);
  });
  try {
    await Promise.race([
      c.consume(
        target,
        (b) => {
          last = Date.now();
          return onBatch(b);
        },
        onAssigned,
      ),
      stalled,
    ]);
  } finally {
    clearInterval(timer);
  }
}

/** How each kind of client had the measured topic handed to it, for the outcome's notes. */
export function windowNote(mode: ConsumerPort['assignment']): string {
  return mode === 'assign'
    ? 'window: opened right before assign() of the measured partitions (manual assignment)'
    : 'window: opened when the consumer group join handing out the measured partitions completed (the client can only subscribe)';
}

/**
 * How long a client that assigns partitions itself may take to fetch a target's metadata before it
 * assigns them (and the window opens), as the c driver (native/cbench/arm.c) allows.
 */
export const METADATA_TIMEOUT_MS = 10_000;

/** The note of a driver whose consumer fetches each target's metadata before it is assigned. */
export const METADATA_NOTE =
  "consumer: the topic's metadata is fetched on the same client right before its partitions are assigned (outside the window), so the assignment does not wait for their leaders (librdkafka retries the offset lookup of a partition without a known leader after 500 ms)";

/**
 * Fetches `target`'s metadata through `fetch` (a client's metadata call, bounded by `timeoutMs`) and
 * checks that every partition to read is in it; rejects with an error naming the topic otherwise.
 * `fetch` resolves with the topic's partition ids (undefined or empty: the client did not know it).
 */
export async function fetchTargetMetadata(target: ConsumeTarget, fetch: (timeoutMs: number) => Promise<readonly number[] | undefined>, timeoutMs = METADATA_TIMEOUT_MS): Promise<void> {
  let known: readonly number[] | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    // Bounded here as well: a client whose own timeout is not honoured cannot hang the arm.
    known = await Promise.race([
      fetch(timeoutMs),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 1000);
      }),
    ]);
  } catch (err) {
    throw new Error(`metadata of topic ${target.topic} (fetched before its partitions are assigned): ${errorMessage(err)}`);
  } finally {
    clearTimeout(timer);
  }
  const parts = known ?? [];
  if (parts.length === 0) throw new Error(`metadata of topic ${target.topic}: the broker reported no partitions (does the topic exist?)`);
  const missing = target.partitions.filter((p) => !parts.includes(p));
  if (missing.length > 0) throw new Error(`metadata of topic ${target.topic}: no partition ${missing.join(', ')} (it has ${parts.length})`);
}

export const noWarmupTopic = (warmup: number): Error => new Error(`a consumer arm with ${warmup} warm-up messages needs its warm-up topic (spec.warmupTopic)`);

/**
 * The outcome of a worker's share whose partitions hold nothing (the split gives each part exactly
 * what its partitions hold): there is nothing to read or to wait for, warm-up included.
 */
export function nothingToRead(): ScenarioOutcome {
  const now = Date.now() * 1000;
  return { ok: true, messages: 0, bytes: 0, elapsedNs: 0, startUs: now, endUs: now, consumed: 0, consumedBytes: 0, checksum: new Checksum().hex(), warmupConsumed: 0, config: {}, notes: ['its partitions hold no messages: nothing to read'] };
}

export async function consumer(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const sum = new Checksum();
  const meter = new Meter();
  if (spec.messages === 0) return nothingToRead();
  const stallMs = Math.min(STALL_MS, spec.timeoutMs);
  let warm = 0;
  let measured = 0;
  let dropped = !spec.faults?.dropOne;
  let late = false;
  // kbench's failover read-back: how often each sequence number is in the topic.
  const seen = spec.seqCounts !== undefined ? new Uint8Array(spec.seqCounts) : undefined;
  let foreign = 0;
  const c = await driver.createConsumer(ctx);
  run.live = () => ({ messages: measured, consumed: sum.count, warmupConsumed: warm });
  try {
    // Checked once the client exists, so that a client refusing its configuration says so first.
    if (spec.warmup > 0 && !spec.warmupTopic) throw noWarmupTopic(spec.warmup);
    if (spec.warmup > 0) {
      await consumeUntil(
        c,
        { topic: spec.warmupTopic as string, partitions: [0] },
        (batch) => {
          warm += batch.count;
          return warm < spec.warmup;
        },
        stallMs,
        () => `warm-up: read ${warm} of ${spec.warmup}`,
      );
    }
    await consumeUntil(
      c,
      { topic: spec.topic, partitions: ctx.readPartitions },
      (batch) => {
        if (!meter.started) {
          // The driver did not say when the measured topic was assigned: the arm fails below.
          late = true;
          meter.start();
        }
        for (let i = 0; i < batch.count; i++) {
          if (!dropped) {
            dropped = true; // injected fault: this message is not accounted for
            continue;
          }
          const v = batch.payload(i);
          sum.add(v);
          if (seen) {
            const seq = readSeq(v, 0, Math.min(8, v.length));
            if (seq >= 0 && seq < seen.length) seen[seq] = Math.min(255, (seen[seq] as number) + 1);
            else foreign++;
          }
        }
        measured += batch.count;
        run.progress(measured);
        return measured < spec.messages;
      },
      stallMs,
      () => `read ${measured} of ${spec.messages}${spec.warmup > 0 ? ` after ${warm} warm-up messages` : ''}`,
      () => {
        if (!meter.started) meter.start();
      },
    );
    const m = meter.stop();
    if (late) throw new Error(`the ${driver.id} driver delivered measured messages without reporting the assignment first (onAssigned): the window cannot be placed`);
    return {
      ok: true,
      messages: measured,
      bytes: measured * spec.messageSize,
      ...m,
      consumed: sum.count,
      consumedBytes: sum.bytes,
      checksum: sum.hex(),
      warmupConsumed: warm,
      ...(seen ? { seqCounts: Buffer.from(seen).toString('base64'), foreignRecords: foreign } : {}),
      config: c.config,
      notes: [windowNote(c.assignment)],
    };
  } finally {
    await c.close();
  }
}
