// `kbench drivers`: every driver with its availability, client version, runtime and the librdkafka
// it really loads (each described from its own process), or why it cannot run here.
import { fitTable, terminalWidth, wrapLines } from '../report/fit.js';
import type { TableSpec } from '../report/fit.js';
import type { Command } from 'commander';
import { DRIVERS, driverEntry, driverKeyProblem, type DriverEntry } from '../drivers/registry.js';
import { expandRuntimes, parseNodeList } from '../drivers/variant.js';
import { UsageError } from '../util/errors.js';
import { parseChoice, parseList } from './parse.js';
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
    .option('--drivers <list>', 'describe these keys instead of every driver, e.g. confluent@1.6.0,kafkajs:node24 (installs what they need)')
    .option('--node <list>', 'describe every Node driver on each of these runtimes, e.g. 22,24')
    .option('--librdkafka <mode>', 'bundled: the librdkafka-based bindings as their packages ship them (kbench run’s default); shared: on kbench’s own build (default here: shared, what npm install built)')
    .action(async (o: { json?: boolean; drivers?: string; node?: string; librdkafka?: string }) => {
      const mode = o.librdkafka !== undefined ? parseChoice(o.librdkafka, '--librdkafka', ['bundled', 'shared'] as const) : 'shared';
      let keys = o.drivers !== undefined ? parseList(o.drivers, '--drivers') : DRIVERS.map((d) => d.id);
      const problems = keys.map(driverKeyProblem).filter((p): p is string => Boolean(p));
      if (problems.length) throw new UsageError(`--drivers: ${problems.join('; ')}`);
      if (o.node !== undefined) keys = expandRuntimes(keys, parseNodeList(o.node), (b) => driverEntry(b)?.kind === 'node');
      const entries = keys.map((k) => ({ ...(driverEntry(k) as DriverEntry), librdkafka: mode }));
      const ds = await describeAll(entries);
      process.stdout.write(o.json ? JSON.stringify({ drivers: ds }, null, 2) + '\n' : renderDrivers(ds, { width: terminalWidth() }) + '\n');
    });
}
