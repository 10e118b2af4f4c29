// The arm contract (ArmSpec, ScenarioOutcome) lives in src/contract/arm.ts; this is what scenario
// code inside a Node arm's process is handed.
import type { ArmSpec, ScenarioOutcome } from '../contract/arm.js';

export type { ArmSpec, ScenarioOutcome } from '../contract/arm.js';

/** Handed to scenario code inside the arm's process. */
export interface ScenarioRun {
  spec: ArmSpec;
  /** Reports measured messages done so far (throttled by the caller). */
  progress(done: number): void;
  /**
   * Set by the scenario: what it knows so far (counts). If the arm is interrupted (SIGTERM, e.g.
   * because the broker died), the process writes this as a failed outcome before exiting.
   */
  live?: () => Partial<ScenarioOutcome>;
}
