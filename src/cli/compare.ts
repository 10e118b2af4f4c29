// `kbench compare <a.json> <b.json>`: per-arm ratios B / A with the medians' confidence intervals,
// and whether each change is significant (two-sided Mann–Whitney, p < --alpha). A report, not a
// gate: exit 0 whatever changed (2 for invalid input).
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../util/errors.js';
import { ALPHA } from '../stats/significance.js';
import { loadResults } from '../report/load.js';
import { compareResults, renderCompareMarkdown, renderCompareTerminal } from '../report/compare.js';
import { useColor } from './report.js';
import type { Command } from 'commander';

interface CompareCliOptions {
  json?: boolean;
  alpha?: string;
  md?: string;
  color: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Compare two results documents arm by arm (driver × scenario × message size): ratios B / A and significance')
    .argument('<a.json>', 'the reference results (A)')
    .argument('<b.json>', 'the results to compare with A (B)')
    .option('--alpha <p>', `significance level of the Mann–Whitney tests (default ${ALPHA})`)
    .option('--json', 'print the comparison as JSON')
    .option('--md <file.md>', 'also write the comparison as Markdown')
    .option('--no-color', 'plain text output')
    .addHelpText('after', '\nExamples:\n  kbench compare before.json after.json\n  kbench compare before.json after.json --md compare.md\n  kbench compare before.json after.json --alpha 0.01')
    .action(async (fileA: string, fileB: string, o: CompareCliOptions) => {
      const alpha = parseAlpha(o.alpha);
      const a = loadResults(fileA);
      const b = loadResults(fileB);
      const result = compareResults(a, b, { alpha });
      const labels: [string, string] = [fileA, fileB];
      if (o.md) await writeFile(o.md, renderCompareMarkdown(result, { labels }));
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(renderCompareTerminal(result, { labels, color: useColor(o.color) }));
      if (o.md && !o.json) process.stdout.write(`wrote ${o.md}\n`);
    });
}

/** --alpha: a probability strictly between 0 and 1 (default ALPHA). */
export function parseAlpha(text: string | undefined): number {
  if (text === undefined) return ALPHA;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || v >= 1) throw new UsageError(`--alpha must be a number between 0 and 1 (exclusive), e.g. 0.05; got '${text}'`);
  return v;
}
