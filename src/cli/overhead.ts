// `kbench overhead`: per-message cost of every librdkafka-based client over C on the same librdkafka,
// on the produce, delivery and consume paths, without a real broker, with its measured
// decomposition and crossings per message. Options become OverheadOptions; the views render the document.
import fs from 'node:fs';
import type { Command } from 'commander';
import { OVERHEAD_DEFAULTS, OVERHEAD_DRIVERS, OVERHEAD_PATHS, renderOverheadHtml, renderOverheadTable, runOverhead } from '../overhead/index.js';
import type { OverheadDocument, OverheadOptions } from '../overhead/index.js';
import { parseChoices, parseIntOption, parseSizes } from './parse.js';

export interface OverheadCliOptions {
  messages?: string;
  sizes?: string;
  repeat?: string;
  drivers?: string;
  paths?: string;
  batch?: string;
  decompose?: boolean;
  crossings?: boolean;
  json?: boolean;
  out?: string;
  report?: string;
  quiet?: boolean;
}

/** Options → OverheadOptions (throws UsageError naming the option). */
export function overheadOptions(o: OverheadCliOptions): OverheadOptions {
  return {
    messages: o.messages ? parseIntOption(o.messages, '--messages', 1000, 10_000_000) : OVERHEAD_DEFAULTS.messages,
    sizes: o.sizes ? parseSizes(o.sizes) : [...OVERHEAD_DEFAULTS.sizes],
    repeat: o.repeat ? parseIntOption(o.repeat, '--repeat', 1, 100) : OVERHEAD_DEFAULTS.repeat,
    drivers: o.drivers ? parseChoices(o.drivers, '--drivers', OVERHEAD_DRIVERS) : [...OVERHEAD_DRIVERS],
    paths: o.paths ? parseChoices(o.paths, '--paths', OVERHEAD_PATHS) : [...OVERHEAD_PATHS],
    batch: o.batch ? parseIntOption(o.batch, '--batch', 1, 1_000_000) : OVERHEAD_DEFAULTS.batch,
    decompose: o.decompose !== false,
    crossings: o.crossings !== false,
  };
}

/** Writes --out / --report and prints the table (or, with --json, the document). */
export async function emitOverhead(doc: OverheadDocument, o: Pick<OverheadCliOptions, 'json' | 'out' | 'report' | 'quiet'>): Promise<void> {
  if (o.out) fs.writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`);
  if (o.report) fs.writeFileSync(o.report, await renderOverheadHtml(doc));
  process.stdout.write(o.json ? `${JSON.stringify(doc, null, 2)}\n` : renderOverheadTable(doc));
  const files = [o.out && `results: ${o.out}`, o.report && `report: ${o.report}`].filter(Boolean);
  if (files.length && !o.quiet) process.stderr.write(`${files.join('  ')}\n`);
}

export function registerOverhead(program: Command): void {
  program
    .command('overhead')
    .description('Per-message cost of each librdkafka-based client over C on the same librdkafka: produce, delivery and consume paths, no real broker, decomposed and with crossings per message')
    .option('--messages <n>', `messages per arm (default ${OVERHEAD_DEFAULTS.messages.toLocaleString('en-US')})`)
    .option('--sizes <list>', `message sizes in bytes (default ${OVERHEAD_DEFAULTS.sizes.join(',')})`)
    .option('--repeat <n>', `repetitions per arm, interleaved across drivers (default ${OVERHEAD_DEFAULTS.repeat})`)
    .option('--drivers <list>', `drivers (default all: ${OVERHEAD_DRIVERS.join(', ')})`)
    .option('--paths <list>', `paths (default all: ${OVERHEAD_PATHS.join(', ')})`)
    .option('--batch <n>', `messages per call of the batch APIs (addon, crab, node-rdkafka consume(n); default ${OVERHEAD_DEFAULTS.batch})`)
    .option('--no-decompose', 'skip the direct-binding variants (no crossing / client-JS split)')
    .option('--no-crossings', 'skip the instrumented runs that count crossings per message')
    .option('--json', 'print the kbench.overhead/1 document instead of the table')
    .option('--out <file.json>', 'write the kbench.overhead/1 document')
    .option('--report <file.html>', 'write a self-contained HTML report (stacked bars of the decomposition)')
    .option('--quiet', 'no progress lines')
    .action(async (o: OverheadCliOptions) => {
      const options = overheadOptions(o);
      const doc = await runOverhead({ ...options, log: o.quiet ? undefined : (line) => process.stderr.write(`${line}\n`) });
      await emitOverhead(doc, o);
      const failed = doc.results.filter((r) => r.error !== undefined && !r.notes.some((n) => n.startsWith('not applicable')));
      if (failed.length) {
        process.stderr.write(`\nkbench overhead: ${failed.length} arm(s) FAILED:\n${failed.map((r) => `  ✗ ${r.driver} ${r.path} ${r.messageSize} B: ${r.error}`).join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
