// One overhead arm in its own process: `node dist/src/overhead/child.js '<ArmSpec JSON>'`.
// Prints one line `KBENCH_OVERHEAD <json>` with the measurement and exits (not waiting for librdkafka
// to wind down: nothing after the timed part matters).
import { errorMessage } from '../util/errors.js';
import { addonEnqueue, nodeRdkafkaEnqueue, type ChildMeasurement } from './arms.js';
import { RESULT_MARKER, type ArmSpec } from './types.js';

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as ArmSpec;
  let m: ChildMeasurement;
  if (spec.path !== 'enqueue') throw new Error(`unknown overhead path '${spec.path}'`);
  switch (spec.driver) {
    case 'addon':
      m = addonEnqueue(spec);
      break;
    case 'node-rdkafka':
      m = await nodeRdkafkaEnqueue(spec);
      break;
    default:
      throw new Error(`driver '${spec.driver}' does not run in a Node child`);
  }
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(m)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`overhead arm failed: ${errorMessage(err)}\n`);
  process.exit(1);
});
