// npm run bench:enqueue -- [--messages N] [--sizes B] [--repeat R] [--batch M] [--drivers c,addon,node-rdkafka] [--json]
// A thin alias of `kbench overhead --paths produce` (the enqueue path alone): broker-free enqueue cost
// per message of each binding over C on the same librdkafka. The table goes to stdout (progress to
// stderr); with --json, stdout is the kbench.overhead/1 document only.
import { Command } from 'commander';
import { emitOverhead, overheadOptions, type OverheadCliOptions } from '../src/cli/overhead.js';
import { runOverhead } from '../src/overhead/index.js';
import { errorMessage } from '../src/util/errors.js';

const program = new Command('bench:enqueue')
  .description('Enqueue cost per message without a broker (kbench overhead --paths produce)')
  .option('--messages <n>', 'messages per run (default 1000000)')
  .option('--sizes <bytes>', 'message sizes')
  .option('--size <bytes>', 'message size (same as --sizes)')
  .option('--repeat <n>', 'repetitions per driver, interleaved')
  .option('--batch <n>', 'messages per addon produce() call')
  .option('--drivers <list>', 'drivers to run (default c,addon,node-rdkafka)')
  .option('--json', 'print the kbench.overhead/1 document instead of the table')
  .action(async (o: OverheadCliOptions & { size?: string }) => {
    const options = overheadOptions({ ...o, messages: o.messages ?? '1000000', sizes: o.sizes ?? o.size, drivers: o.drivers ?? 'c,addon,node-rdkafka', paths: 'produce' });
    const doc = await runOverhead({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
    await emitOverhead(doc, o);
    if (doc.results.some((r) => r.error !== undefined)) process.exitCode = 1;
  });

await program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`bench:enqueue: ${errorMessage(err)}\n`);
  process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
});
