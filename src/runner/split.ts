// Splits one arm into N shares (worker threads or processes): messages, warm-up, sequence ranges and,
// for consumers, disjoint partition sets of the measured topic with exactly the number of messages
// each must read (every share reads the whole warm-up topic first: its own warm-up). A paced arm's
// rate is split evenly: the shares together send at the arm's rate.
import type { ArmSpec } from '../contract/arm.js';

function shares(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total % n ? 1 : 0));
}

/**
 * `partitionCounts[p]` = messages in partition p (consumer arms only): each part reads the
 * partitions p with p % n == part, and must read exactly their sum.
 */
export function splitSpec(spec: ArmSpec, n: number, partitionCounts?: readonly number[]): ArmSpec[] {
  if (n <= 1) return [spec];
  const isConsumer = spec.scenario === 'consumer';
  if (isConsumer) {
    if (!partitionCounts) throw new Error('splitting a consumer arm needs the message count of every partition');
    if (spec.partitions < n) throw new Error(`a consumer arm split across ${n} workers needs at least ${n} partitions (topic has ${spec.partitions})`);
  }
  const msgShares = shares(spec.messages, n);
  const warmShares = shares(spec.warmup, n);
  const consumerParts = isConsumer && partitionCounts ? consumerShares(n, partitionCounts) : undefined;
  let seq = spec.firstSeq;
  return Array.from({ length: n }, (_, k) => {
    const part: ArmSpec = { ...spec, armId: `${spec.armId}.${k + 1}`, clientId: `${spec.clientId}-${k + 1}`, threads: 1 };
    if (consumerParts) {
      const c = consumerParts[k] as { partitions: number[]; messages: number };
      part.readPartitions = c.partitions;
      part.messages = c.messages;
      part.groupId = `${spec.groupId}-${k + 1}`;
    } else {
      part.messages = msgShares[k] as number;
      part.warmup = warmShares[k] as number;
      part.firstSeq = seq;
      seq += part.messages + part.warmup;
      // A paced arm's rate is the arm's: each share keeps its part of it.
      if (spec.settings.rate > 0) part.settings = { ...spec.settings, rate: spec.settings.rate / n };
    }
    return part;
  });
}

/** Part k reads partitions p ≡ k (mod n) of the measured topic: exactly what they hold. */
export function consumerShares(n: number, partitionCounts: readonly number[]): { partitions: number[]; messages: number }[] {
  return Array.from({ length: n }, (_, k) => {
    const partitions = partitionCounts.map((_, p) => p).filter((p) => p % n === k);
    return { partitions, messages: partitions.reduce((s, p) => s + (partitionCounts[p] ?? 0), 0) };
  });
}
