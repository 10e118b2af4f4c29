// Runs one scenario with one driver inside an arm's process: the driver's own implementation where
// it has one (e.g. addon-loop hands the whole loop to C++), else the generic scenario code.
import type { DriverContext, NodeDriver } from '../drivers/types.js';
import type { ScenarioId } from '../results/types.js';
import { consumer } from './consumer.js';
import { e2eLatency } from './e2e-latency.js';
import { failover } from './failover.js';
import { producerAsync, producerSync } from './producer.js';
import type { ArmSpec, ScenarioOutcome, ScenarioRun } from './types.js';

type Generic = (driver: NodeDriver, ctx: DriverContext, run: ScenarioRun) => Promise<ScenarioOutcome>;

export const GENERIC_SCENARIOS: Record<ScenarioId, Generic> = {
  'producer-sync': producerSync,
  'producer-async': producerAsync,
  consumer,
  'e2e-latency': e2eLatency,
  failover,
};

/** The driver's view of the spec: the spec's own fields, the partitions to read, and what is measured. */
export function contextFor(spec: ArmSpec): DriverContext {
  const { connection, topic, partitions, messageSize, settings, clientId, groupId, extraConfig } = spec;
  return {
    connection, topic, partitions, messageSize, settings, clientId, groupId, extraConfig,
    readPartitions: spec.readPartitions ?? Array.from({ length: spec.partitions }, (_, i) => i),
    purpose: spec.scenario === 'e2e-latency' ? 'latency' : 'throughput',
  };
}

export async function runScenario(driver: NodeDriver, run: ScenarioRun): Promise<ScenarioOutcome> {
  const ctx = contextFor(run.spec);
  if (run.spec.faults?.throwIn === 'scenario') throw new Error('injected fault: the driver threw');
  if (run.spec.faults?.crash) process.kill(process.pid, 'SIGKILL'); // injected fault: the arm's process dies
  if (run.spec.faults?.warn) {
    // injected fault: the client emits a process warning, as kafkajs does on Node 24 (TimeoutNegativeWarning)
    for (let i = 0; i < 2; i++) process.emitWarning(`injected fault: a client warning\nsecond line ${i}`, 'KbenchInjectedWarning');
  }
  const own = driver.overrides?.[run.spec.scenario];
  if (own) {
    const out = await own(ctx, run);
    out.notes = [`${run.spec.scenario} implemented by the ${driver.id} driver itself`, ...out.notes];
    return out;
  }
  return GENERIC_SCENARIOS[run.spec.scenario](driver, ctx, run);
}
