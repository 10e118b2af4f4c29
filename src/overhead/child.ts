// One overhead arm in its own process: `node --expose-gc dist/src/overhead/child.js '<ArmSpec JSON>'`.
// Prints one line `KBENCH_OVERHEAD <json>` (a ChildMeasurement) and exits, without waiting for
// librdkafka to wind down: nothing after the measured part matters. Exits 3 with the reason on
// stdout when the driver has no figure on this path (NotApplicable).
import { errorMessage } from '../util/errors.js';
import { CrossingCounter, instrumentBinding } from './crossings.js';
import { Region } from './measure.js';
import { NotApplicable, type NodeArm } from './arms/types.js';
import { NOT_APPLICABLE_EXIT, RESULT_MARKER, type ArmSpec, type ChildMeasurement, type OverheadDriver } from './types.js';

async function loadArm(driver: OverheadDriver): Promise<NodeArm> {
  switch (driver) {
    case 'addon':
      return (await import('./arms/addon.js')).addonArm;
    case 'addon-msg':
      return (await import('./arms/addon.js')).addonMsgArm;
    case 'node-rdkafka':
      return (await import('./arms/rdkafka.js')).nodeRdkafkaArm;
    case 'confluent':
      return (await import('./arms/rdkafka.js')).confluentArm;
    case 'crab':
      return (await import('./arms/crab.js')).crabArm;
    case 'c':
    case 'c-copy':
      throw new Error(`driver '${driver}' is a C program (kbench-overhead), not a Node arm`);
  }
}

function emit(line: string, code: number): void {
  process.stdout.write(`${line}\n`, () => process.exit(code));
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as ArmSpec;
  const arm = await loadArm(spec.driver);
  let counter: CrossingCounter | undefined;
  if (spec.countCrossings) {
    counter = new CrossingCounter();
    // Before the client is created, so every object it makes uses the counting members.
    for (const { label, binding } of arm.bindings()) {
      if (instrumentBinding(binding, label, counter) === 0) throw new Error(`found nothing to instrument in ${label}'s native binding`);
    }
  }
  const region = new Region(counter);
  const out = await arm.run(spec, region);
  const r = await region.result();
  const m: ChildMeasurement = { ...out, ...r, ...(counter ? { crossings: counter.snapshot() } : {}) };
  emit(`${RESULT_MARKER}${JSON.stringify(m)}`, 0);
}

main().catch((err: unknown) => {
  if (err instanceof NotApplicable) return emit(`${RESULT_MARKER}${JSON.stringify({ notApplicable: err.message })}`, NOT_APPLICABLE_EXIT);
  process.stderr.write(`overhead arm failed: ${errorMessage(err)}\n`);
  process.exit(1);
});
