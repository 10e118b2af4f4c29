// `kbench drivers`: every driver with its availability, client version, runtime and the librdkafka
// it really loads (each described from its own process), or why it cannot run here.
import Table from 'cli-table3';
import type { Command } from 'commander';
import { DRIVERS, type DriverEntry } from '../drivers/registry.js';
import type { DriverDescription } from '../drivers/types.js';
import { describeDriver } from '../runner/arm.js';

export async function describeAll(entries: readonly DriverEntry[] = DRIVERS, parallel = 2): Promise<DriverDescription[]> {
  const out: DriverDescription[] = new Array(entries.length);
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++;
      out[i] = await describeDriver(entries[i] as DriverEntry);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, entries.length) }, work));
  return out;
}

export function renderDrivers(ds: readonly DriverDescription[]): string {
  const t = new Table({ head: ['driver', 'state', 'client', 'version', 'runtime', 'librdkafka', 'scenarios', 'threads'], style: { head: [], border: [] } });
  for (const d of ds) {
    t.push([d.id, d.available ? 'available' : 'UNAVAILABLE', d.client, d.version, d.runtime, d.librdkafka ?? '–', d.scenarios.join(' '), d.workerThreads ? 'yes' : 'processes']);
  }
  const lines = [t.toString()];
  for (const d of ds) {
    if (!d.available) lines.push(`  ${d.id}: unavailable — ${d.reason ?? 'no reason given'}`);
  }
  for (const d of ds) for (const n of d.notes) lines.push(`  ${d.id}: ${n}`);
  return lines.join('\n');
}

export function registerDrivers(program: Command): void {
  program
    .command('drivers')
    .description('List every client kbench can run, with versions, librdkafka, and why one is unavailable')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const ds = await describeAll();
      process.stdout.write(o.json ? JSON.stringify({ drivers: ds }, null, 2) + '\n' : renderDrivers(ds) + '\n');
    });
}
