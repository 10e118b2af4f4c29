// Decides whether an arm is valid: every message accounted for, and says how it was checked
// (Verification.method). Producer arms must report delivered == N with no failure, and kbench reads
// the topic back itself: it must hold exactly what was sent, with the checksum of the payloads the
// arm was told to send (read-back); consumer arms must read exactly the measured topic, with the
// same checksum, after reading their warm-up topic (checksum); e2e arms must see every sequence
// number once (sequence). Programs that cannot send or checksum kbench payloads are checked by
// count only (count-only), which views show apart from ✓. Anything else fails the arm, loudly.
import type { ScenarioOutcome } from '../contract/arm.js';
import type { FailoverResult, ScenarioId, Verification } from '../results/types.js';
import { describeErrors } from '../scenarios/measure.js';

export interface Expectation {
  scenario: ScenarioId;
  messages: number;
  warmup: number;
  messageSize: number;
  /** Consumer arms: the checksum of the measured topic. */
  checksum?: string;
  /** Producer arms: messages in the topic after the arm (sum of high watermarks), when it could be read. */
  topicMessages?: number;
  /** Producer arms: what kbench read back from the topic (count, bytes, checksum). */
  readBack?: { consumed: number; bytes: number; checksum?: string; error?: string };
  /** Producer arms: the checksum the read-back must match (warm-up included). */
  readBackChecksum?: string;
  /** Producer arms of programs that send their own payloads: why only the count can be compared. */
  ownPayloads?: string;
  /** Failover arms: the fault and every message's fate, and the read-back it rests on. */
  failover?: { result: FailoverResult; topicRecords: number; readRecords: number; readError?: string };
}

export function verifyOutcome(o: ScenarioOutcome, e: Expectation): Verification {
  const checks: string[] = [];
  const failures: string[] = [];
  let method: Verification['method'];
  const expect = (ok: boolean, what: string, got: string): void => {
    (ok ? checks : failures).push(ok ? what : `${what}: got ${got}`);
  };
  if (!o.ok) failures.push(`arm failed: ${o.error ?? 'unknown error'}`);
  const total = e.messages + e.warmup;
  if (o.ok) {
    // Figures are only valid over the whole measured part: a consumer whose warm-up swallowed
    // everything, or a zero-length interval, measured nothing.
    expect(o.messages === e.messages, `measured ${e.messages} messages`, String(o.messages));
    expect(o.elapsedNs > 0, 'measured interval > 0', `${o.elapsedNs} ns`);
  }

  switch (e.scenario) {
    case 'producer-sync':
    case 'producer-async': {
      if (!o.ok) break;
      expect(o.delivered === e.messages, `delivered == ${e.messages}`, String(o.delivered));
      expect((o.failed ?? 0) === 0, 'failed == 0', `${o.failed} (${describeErrors(o.errors ?? {})})`);
      if (e.topicMessages !== undefined) expect(e.topicMessages === total, `topic holds ${total} messages (warm-up included)`, String(e.topicMessages));
      else failures.push('the topic end offsets could not be read to cross-check the deliveries');
      if (e.topicMessages !== total) break;
      const rb = e.readBack;
      if (!rb) {
        failures.push('the topic was not read back');
        break;
      }
      if (rb.error) failures.push(`reading the topic back failed: ${rb.error}`);
      expect(rb.consumed === total, `read back ${total} messages`, String(rb.consumed));
      expect(rb.bytes === total * e.messageSize, `read back ${total * e.messageSize} payload bytes`, String(rb.bytes));
      if (e.ownPayloads) {
        checks.push(`payloads not compared: ${e.ownPayloads}`);
        method = 'count-only';
      } else {
        expect(rb.checksum !== undefined && rb.checksum === e.readBackChecksum, `read-back checksum ${e.readBackChecksum}`, String(rb.checksum));
        method = 'read-back';
      }
      break;
    }
    case 'consumer': {
      if (!o.ok) break;
      expect(o.consumed === e.messages, `read ${e.messages} measured messages`, String(o.consumed));
      expect(o.consumedBytes === e.messages * e.messageSize, `read ${e.messages * e.messageSize} payload bytes`, String(o.consumedBytes));
      if (e.warmup > 0) expect(o.warmupConsumed === e.warmup, `read the ${e.warmup} warm-up messages first`, String(o.warmupConsumed));
      if (o.checksum !== undefined) {
        expect(o.checksum === e.checksum, `checksum ${e.checksum}`, String(o.checksum));
        method = 'checksum';
      } else if (o.checksumUnavailable) {
        checks.push(`no payload checksum: ${o.checksumUnavailable}`);
        method = 'count-only';
      } else {
        failures.push('the driver reported no checksum');
      }
      break;
    }
    case 'failover': {
      // A client that loses acknowledged messages is a finding, not an invalid arm: verified means
      // the fault happened as planned and every record in the topic was read back and accounted for.
      if (!o.ok) break;
      const f = e.failover;
      if (!f) {
        failures.push('the topic was not read back (no delivery ledger from the arm, or the run was interrupted)');
        break;
      }
      if (f.result.fault.error) failures.push(`fault: ${f.result.fault.error}`);
      else checks.push(`fault: ${f.result.fault.mode} of node ${f.result.fault.node} after ${f.result.fault.atMessage} messages`);
      if (f.readError) failures.push(`reading the topic back failed: ${f.readError}`);
      expect(f.readRecords === f.topicRecords, `read back all ${f.topicRecords} records of the topic`, String(f.readRecords));
      expect(f.result.foreignRecords === 0, 'every record is one of this arm\'s messages', `${f.result.foreignRecords} foreign records`);
      method = 'read-back';
      break;
    }
    case 'e2e-latency': {
      if (!o.ok) break;
      expect(o.delivered === e.messages, `delivered == ${e.messages}`, String(o.delivered));
      expect((o.failed ?? 0) === 0, 'failed == 0', String(o.failed));
      expect(o.consumed === total, `received ${total} distinct messages`, String(o.consumed));
      expect(o.lost === 0, 'lost == 0', String(o.lost));
      expect(o.duplicated === 0, 'duplicated == 0', String(o.duplicated));
      method = 'sequence';
      break;
    }
  }
  return { verified: failures.length === 0, ...(method ? { method } : {}), checks, failures };
}
