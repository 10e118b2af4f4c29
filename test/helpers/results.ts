// Assertions over a results document shared by the driver integration tests.
import assert from 'node:assert/strict';
import type { ResultsDocument, RunRecord } from '../../src/results/types.js';

export function record(doc: ResultsDocument, driver: string, scenario: string): RunRecord {
  const r = doc.runs.find((x) => x.driver === driver && x.scenario === scenario);
  assert.ok(r, `${driver} ${scenario} ran (skipped: ${JSON.stringify(doc.skipped)})`);
  return r;
}

/** Every repetition verified, and its counts are exactly the arm's messages (warm-up included where read). */
export function assertVerified(r: RunRecord): void {
  const what = `${r.driver} ${r.scenario}`;
  assert.equal(r.verified, true, `${what}: ${JSON.stringify(r.repetitions.map((x) => x.error ?? x.verification.failures))}`);
  for (const rep of r.repetitions) {
    assert.equal(rep.ok, true, what);
    if (r.scenario === 'producer-sync' || r.scenario === 'producer-async') {
      // A timed unpaced arm's count is what it sent in its duration (the record's messages is the cap).
      const timed = r.durationMs !== undefined && !(r.settings.rate > 0);
      if (timed) assert.ok(rep.messages > 0 && rep.messages <= r.messages, `${what}: a timed arm's count within its cap`);
      assert.equal(rep.delivered, timed ? rep.messages : r.messages, `${what}: delivered`);
      assert.equal(rep.failed, 0, `${what}: failed`);
      assert.equal(rep.verification.method, 'read-back', `${what}: the topic read back by kbench`);
    }
    // A consumer's count is the measured topic's (its warm-up topic is read first); e2e counts every sequence number.
    if (r.scenario === 'consumer') {
      assert.equal(rep.consumed, r.messages, `${what}: consumed`);
      assert.equal(rep.verification.method, 'checksum', `${what}: checksummed`);
    }
    if (r.scenario === 'e2e-latency') assert.equal(rep.consumed, r.messages + r.warmup, `${what}: consumed`);
    if (r.scenario === 'e2e-latency') {
      assert.equal(rep.delivered, r.messages, `${what}: delivered`);
      assert.ok(rep.latencyUs, `${what}: latency percentiles`);
    }
  }
}
