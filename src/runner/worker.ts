// A piscina worker thread: runs one share of an arm with its own client instance.
import { loadNodeDriver, progressWriter, failedOutcome } from './arm-common.js';
import { runScenario } from '../scenarios/index.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';

export default async function runPart({ spec, part }: { spec: ArmSpec; part: number }): Promise<ScenarioOutcome> {
  try {
    const driver = await loadNodeDriver(spec.driver);
    return await runScenario(driver, { spec, progress: progressWriter(part) });
  } catch (err) {
    return failedOutcome(err);
  }
}
