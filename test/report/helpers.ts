// Shared helpers for the view tests: reading rows back out of rendered tables.
import type { ResultsDocument, RunRecord } from '../../src/results/types.js';

/** The cells of every cli-table3 row (│-separated) in `text`, trimmed. */
export function terminalRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

/** The lines of one titled block of terminal output (from its title to the next blank line). */
export function terminalBlock(text: string, title: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) throw new Error(`no block titled ${title}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The rows of the first table after the line starting with `title` (header row first). */
export function terminalTable(text: string, title: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) throw new Error(`no table titled ${title}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('└'));
  return terminalRows(lines.slice(start, end).join('\n'));
}

/** Cells of a Markdown table row, split on unescaped pipes. */
export function markdownCells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

export function runOf(doc: ResultsDocument, driver: string, scenario: string, messageSize: number): RunRecord {
  const r = doc.runs.find((x) => x.driver === driver && x.scenario === scenario && x.messageSize === messageSize);
  if (!r) throw new Error(`no run ${driver}/${scenario}/${messageSize}`);
  return r;
}

const VOID = new Set(['meta', 'br', 'img', 'input', 'link', 'hr', 'col', 'source', 'wbr', 'area', 'base', 'embed', 'param', 'track']);

/**
 * A small well-formedness check: every opened tag is closed in order (void elements and `/>` aside).
 * Returns the problems found (empty when balanced).
 */
export function unbalancedTags(html: string): string[] {
  const body = html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>]*>/i, '');
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, close, rawName, , selfClose] = m;
    const name = (rawName as string).toLowerCase();
    if (close) {
      const top = stack.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}> at ${m.index}`);
    } else if (!selfClose && !VOID.has(name)) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}
