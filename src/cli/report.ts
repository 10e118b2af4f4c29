// `kbench report <results.json>`: re-renders a saved results document (terminal table, HTML, Markdown).
import { loadResults } from '../report/load.js';
import { renderTerminal } from '../report/terminal.js';
import { writeReports } from '../report/files.js';
import type { Command } from 'commander';
import { terminalWidth } from '../report/fit.js';

interface ReportCliOptions {
  html?: string;
  md?: string;
  baseline?: string;
  color: boolean;
}

/** Colour only for a terminal, and never against NO_COLOR (https://no-color.org). */
export function useColor(flag: boolean): boolean {
  return flag && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Re-render a saved results document: the terminal table, or an HTML / Markdown report')
    .argument('<results.json>', 'a results document written by `kbench run --out`')
    .option('--html <file.html>', 'write a self-contained HTML report with SVG charts')
    .option('--md <file.md>', 'write a Markdown report')
    .option('--baseline <driver>', 'driver the "× vs" column divides by (default: the run\'s baseline, else kafkajs)')
    .option('--no-color', 'plain text output')
    .addHelpText('after', '\nExamples:\n  kbench report results.json\n  kbench report results.json --html report.html --md report.md')
    .action(async (file: string, o: ReportCliOptions) => {
      const doc = loadResults(file);
      const opts = o.baseline ? { baseline: o.baseline } : {};
      if (!o.html && !o.md) {
        process.stdout.write(renderTerminal(doc, { ...opts, color: useColor(o.color), width: terminalWidth() }));
        return;
      }
      for (const written of await writeReports(doc, { html: o.html, md: o.md }, opts)) process.stdout.write(`wrote ${written}\n`);
    });
}
