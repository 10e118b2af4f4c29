// The arm contract (ArmSpec, ScenarioOutcome) lives in src/contract/arm.ts; this is what scenario
// code inside a Node arm's process is handed.
import type { ArmSpec, ProgressLine, ScenarioOutcome } from '../contract/arm.js';

/** Counts beside `done` on a progress line; `final` writes the line whatever the throttle says (the last one). */
export type ProgressCounts = Omit<ProgressLine, 'done' | 'part'>;

export type { ArmSpec, ScenarioOutcome } from '../contract/arm.js';

/** Handed to scenario code inside the arm's process. */
export interface ScenarioRun {
  spec: ArmSpec;
  /** Reports measured messages done so far, and what else the scenario counts (throttled by the caller; PROGRESS lines in src/contract/arm.ts). */
  progress(done: number, more?: ProgressCounts): void;
  /**
   * Set by the scenario: what it knows so far (counts). If the arm is interrupted (SIGTERM, e.g.
   * because the broker died), the process writes this as a failed outcome before exiting.
   */
  live?: () => Partial<ScenarioOutcome>;
}
