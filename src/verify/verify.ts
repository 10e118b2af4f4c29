// Decides whether an arm is valid: every message accounted for. Producer arms must report
// delivered == N with no failure, and the topic must hold exactly what was sent; consumer arms
// must read exactly what was written, with the same checksum; e2e arms must see every sequence
// number once. Anything else fails the arm, loudly.
import type { ScenarioId, Verification } from '../results/types.js';
import type { ScenarioOutcome } from '../scenarios/types.js';
import { describeErrors } from '../scenarios/measure.js';

export interface Expectation {
  scenario: ScenarioId;
  messages: number;
  warmup: number;
  messageSize: number;
  /** Consumer arms: the checksum of everything in the topic (warm-up included). */
  checksum?: string;
  /** Producer arms: messages in the topic after the arm (sum of high watermarks), when it could be read. */
  topicMessages?: number;
}

export function verifyOutcome(o: ScenarioOutcome, e: Expectation): Verification {
  const checks: string[] = [];
  const failures: string[] = [];
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
      break;
    }
    case 'consumer': {
      if (!o.ok) break;
      expect(o.consumed === total, `read ${total} messages (warm-up included)`, String(o.consumed));
      expect(o.consumedBytes === total * e.messageSize, `read ${total * e.messageSize} payload bytes`, String(o.consumedBytes));
      if (o.checksum !== undefined) {
        expect(o.checksum === e.checksum, `checksum ${e.checksum}`, String(o.checksum));
      } else if (o.checksumUnavailable) {
        checks.push(`no payload checksum: ${o.checksumUnavailable}`);
      } else {
        failures.push('the driver reported no checksum');
      }
      break;
    }
    case 'e2e-latency': {
      if (!o.ok) break;
      expect(o.delivered === e.messages, `delivered == ${e.messages}`, String(o.delivered));
      expect((o.failed ?? 0) === 0, 'failed == 0', String(o.failed));
      expect(o.consumed === total, `received ${total} distinct messages`, String(o.consumed));
      expect(o.lost === 0, 'lost == 0', String(o.lost));
      expect(o.duplicated === 0, 'duplicated == 0', String(o.duplicated));
      break;
    }
  }
  return { verified: failures.length === 0, checks, failures };
}
