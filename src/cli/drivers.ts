// `kbench drivers`: every driver with its availability, client version, runtime and the librdkafka
// it really loads (each described from its own process), or why it cannot run here.
import { fitTable, terminalWidth, wrapLines } from '../report/fit.js';
import type { TableSpec } from '../report/fit.js';
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

const SHORT_SCENARIO: Record<string, string> = { 'producer-sync': 'sync', 'producer-async': 'async', consumer: 'cons', 'e2e-latency': 'e2e' };

/** The drivers table; `width`: the terminal's, the table made to fit it (undefined: full, for files and pipes). */
export function renderDrivers(ds: readonly DriverDescription[], opts: { width?: number } = {}): string {
  const head = ['driver', 'state', 'client', 'version', 'runtime', 'librdkafka', 'scenarios', 'threads'];
  const row = (d: DriverDescription, short: boolean): string[] => [
    d.id,
    d.available ? (short ? 'ok' : 'available') : 'UNAVAILABLE',
    d.client,
    d.version,
    d.runtime,
    d.librdkafka ?? '–',
    d.scenarios.map((x) => (short ? (SHORT_SCENARIO[x] ?? x) : x)).join(' '),
    d.workerThreads ? 'yes' : short ? 'procs' : 'processes',
  ];
  const spec = (short: boolean): TableSpec => ({
    head: short ? ['driver', 'state', 'client', 'version', 'runtime', 'librdkafka', 'scenarios', 'threads'] : head,
    numeric: [],
    shrink: [undefined, undefined, 'truncate', 'truncate', 'truncate', 'truncate', 'wrap', undefined],
    rows: ds.map((d) => ({ cells: row(d, short).map((text) => ({ text })) })),
    ...(short ? { note: 'scenarios: sync = producer-sync, async = producer-async, cons = consumer, e2e = e2e-latency · threads: procs = one process per worker' } : {}),
  });
  const lines = [fitTable(spec(false), { width: opts.width, compact: false, variants: [spec(true)] })];
  for (const d of ds) {
    if (!d.available) lines.push(`  ${d.id}: unavailable — ${d.reason ?? 'no reason given'}`);
  }
  for (const d of ds) for (const n of d.notes) lines.push(`  ${d.id}: ${n}`);
  return wrapLines(lines.join('\n'), opts.width);
}

export function registerDrivers(program: Command): void {
  program
    .command('drivers')
    .description('List every client kbench can run, with versions, librdkafka, and why one is unavailable')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const ds = await describeAll();
      process.stdout.write(o.json ? JSON.stringify({ drivers: ds }, null, 2) + '\n' : renderDrivers(ds, { width: terminalWidth() }) + '\n');
    });
}
