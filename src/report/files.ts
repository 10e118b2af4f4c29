// Writing the file views (`--html`, `--md`) of a document; shared by `kbench run` and `kbench report`.
import { writeFile } from 'node:fs/promises';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ReportOptions } from './model.js';
import type { ResultsDocument } from '../results/types.js';

export interface ReportFiles {
  html?: string;
  md?: string;
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
  return written;
}
