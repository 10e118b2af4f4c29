// A piscina worker thread: runs one share of an arm with its own client instance.
import { loadNodeDriver, progressWriter, failedOutcome } from './arm-common.js';
import { runScenario } from '../scenarios/index.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import { captureWarnings } from './warnings.js';

// A worker thread has a process object of its own: its client's warnings are noted here, per share.
const warnings = captureWarnings();

export default async function runPart({ spec, part }: { spec: ArmSpec; part: number }): Promise<ScenarioOutcome> {
  let outcome: ScenarioOutcome;
  try {
    const driver = await loadNodeDriver(spec.driver);
    outcome = await runScenario(driver, { spec, progress: progressWriter(part) });
  } catch (err) {
    outcome = failedOutcome(err);
  }
  return { ...outcome, notes: [...(outcome.notes ?? []), ...warnings.notes()] };
}
