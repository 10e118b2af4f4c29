// npm run bench:enqueue -- [--messages N] [--size B] [--repeat R] [--batch M] [--drivers c,addon,node-rdkafka] [--json]
// Broker-free enqueue cost per message: C (native/cbench/enqueue.c) vs kbench's addon (batch API) vs
// node-rdkafka (produce() per message), on the same librdkafka. The table goes to stdout (progress to
// stderr); with --json, stdout is the kbench.overhead/1 document only.
import { Command, InvalidArgumentError } from 'commander';
import { OVERHEAD_DRIVERS, renderOverheadTable, runOverhead, type OverheadDriver } from '../src/overhead/index.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function drivers(value: string): OverheadDriver[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const d of list) {
    if (!(OVERHEAD_DRIVERS as readonly string[]).includes(d)) throw new InvalidArgumentError(`unknown driver '${d}' (${OVERHEAD_DRIVERS.join(', ')})`);
  }
  return list as OverheadDriver[];
}

const program = new Command('bench:enqueue')
  .description('Enqueue cost per message without a broker: C vs the kbench addon vs node-rdkafka, on the same librdkafka')
  .option('--messages <n>', 'messages per run', positiveInt, 1_000_000)
  .option('--size <bytes>', 'message size', positiveInt, 100)
  .option('--repeat <n>', 'repetitions per driver, interleaved', positiveInt, 5)
  .option('--batch <n>', 'messages per addon produce() call', positiveInt, 10_000)
  .option('--drivers <list>', 'drivers to run', drivers, [...OVERHEAD_DRIVERS])
  .option('--json', 'print the kbench.overhead/1 document instead of the table')
  .action(async (opts: { messages: number; size: number; repeat: number; batch: number; drivers: OverheadDriver[]; json?: boolean }) => {
    const doc = await runOverhead({
      path: 'enqueue',
      drivers: opts.drivers,
      messages: opts.messages,
      size: opts.size,
      repeat: opts.repeat,
      batch: opts.batch,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${renderOverheadTable(doc)}\n`);
    if (doc.results.some((r) => r.error !== undefined)) process.exitCode = 1;
  });

await program.parseAsync(process.argv);
