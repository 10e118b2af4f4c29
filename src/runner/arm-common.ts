// What the arm process (child.ts) and its worker threads (worker.ts) share.
import { driverEntry } from '../drivers/registry.js';
import type { NodeDriver } from '../drivers/types.js';
import type { ScenarioOutcome } from '../scenarios/types.js';
import { errorMessage } from '../util/errors.js';

export { DESCRIBE_PREFIX, PROGRESS_PREFIX } from '../contract/arm.js';
import { PROGRESS_PREFIX, type ProgressLine } from '../contract/arm.js';
import type { ProgressCounts } from '../scenarios/types.js';

export async function loadNodeDriver(id: string): Promise<NodeDriver> {
  const entry = driverEntry(id);
  if (!entry) throw new Error(`unknown driver '${id}'`);
  const d = await entry.load();
  if (d.kind !== 'node') throw new Error(`driver '${id}' is not a Node driver`);
  return d;
}

/** Progress lines on stdout, at most every 200 ms (the scenario writes a last one with `final`). */
export function progressWriter(part?: number): (done: number, more?: ProgressCounts) => void {
  let last = 0;
  return (done, more) => {
    const now = Date.now();
    if (now - last < 200 && !more?.final && !more?.fault) return;
    last = now;
    const line: ProgressLine = { done };
    if (more?.acked !== undefined) line.acked = more.acked;
    if (more?.failed !== undefined) line.failed = more.failed;
    if (more?.consumed !== undefined) line.consumed = more.consumed;
    if (more?.final) line.final = true;
    if (more?.fault) line.fault = true;
    if (part !== undefined) line.part = part;
    process.stdout.write(`${PROGRESS_PREFIX}${JSON.stringify(line)}\n`);
  };
}

export function failedOutcome(err: unknown): ScenarioOutcome {
  const now = Date.now() * 1000;
  return { ok: false, error: errorMessage(err), messages: 0, bytes: 0, elapsedNs: 0, startUs: now, endUs: now, config: {}, notes: [] };
}
