// What a Node overhead arm is: the client's native binding (for the crossing counter) and one run
// of one path, timed by the Region it is handed. Counts are returned so the parent can check them.
import type { Region } from '../measure.js';
import type { ArmSpec } from '../types.js';

export interface ArmOutcome {
  count: number;
  bytes: number;
  failed: number;
  waitMs: number;
  stalls: number;
  librdkafka: string;
  api: string;
}

export interface NodeArm {
  /** The loaded native binding objects, labelled, to instrument before the client is created. */
  bindings(): { label: string; binding: object }[];
  run(spec: ArmSpec, region: Region): Promise<ArmOutcome>;
}

/** Why a driver has no figure on a path (the arm module throws it; the parent records the reason). */
export class NotApplicable extends Error {
  override readonly name = 'NotApplicable';
}
