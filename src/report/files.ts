// Writing the file views (`--html`, `--md`) of a document; shared by `kbench run` and `kbench report`.
import { writeFile } from 'node:fs/promises';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ReportOptions } from './model.js';
import type { ResultsDocument } from '../results/types.js';
import { hdrLog, type LoggedHistogram } from '../stats/latency.js';

export interface ReportFiles {
  html?: string;
  md?: string;
  /** HdrHistogram log of every repetition's latency (and service-time) histogram. */
  hdrLog?: string;
}

/**
 * The document's histograms as an HdrHistogram log: one interval per repetition and kind, tagged
 * `driver/scenario/sizeB/rN/corrected|service` (corrected = from the intended send time at a rate;
 * unpaced arms have only their measured latency, tagged `latency`). Repetitions are laid end to end
 * from the run's start, each as long as its window (the log format needs intervals, not real times).
 */
export function documentHdrLog(doc: ResultsDocument): string {
  const entries: LoggedHistogram[] = [];
  let at = Date.parse(doc.env.startedAt) || 0;
  for (const run of doc.runs) {
    for (const rep of run.repetitions) {
      const endMs = at + Math.max(1, rep.elapsedNs / 1e6);
      const tag = `${run.driver}/${run.scenario}/${run.messageSize}B/r${rep.repetition}`;
      if (rep.latencyHistogram) entries.push({ tag: `${tag}/${rep.serviceHistogram ? 'corrected' : 'latency'}`, startMs: at, endMs, histogram: rep.latencyHistogram });
      if (rep.serviceHistogram) entries.push({ tag: `${tag}/service`, startMs: at, endMs, histogram: rep.serviceHistogram });
      at = endMs;
    }
  }
  return hdrLog(entries, `kbench ${doc.env.kbench} latency histograms, run started ${doc.env.startedAt}`);
}

/** Renders and writes the requested views; returns the paths written, in order (HTML, Markdown). */
export async function writeReports(doc: ResultsDocument, files: ReportFiles, opts: ReportOptions = {}): Promise<string[]> {
  const written: string[] = [];
  if (files.html) {
    await writeFile(files.html, await renderHtml(doc, opts));
    written.push(files.html);
  }
  if (files.md) {
    await writeFile(files.md, renderMarkdown(doc, opts));
    written.push(files.md);
  }
  if (files.hdrLog) {
    await writeFile(files.hdrLog, documentHdrLog(doc));
    written.push(files.hdrLog);
  }
  return written;
}
