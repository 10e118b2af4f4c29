// Tables that fit the terminal. Given a width (the TTY's columns), a table is tried full, then in the
// narrower forms its view offers (shorter heads, two-line cells, columns shown elsewhere left out), then
// with its long cells cut (…) or wrapped inside their column, and at last as "head: value" lines per
// row. Without a width (files, pipes) the full table is rendered exactly as before. Prose lines wider
// than the terminal wrap at a word, under their own indentation.
import Table from 'cli-table3';
import { ansi } from './format.js';
import type { AnsiStyle } from './format.js';

export interface FitCell {
  text: string;
  style?: AnsiStyle;
}

/** How a column may give up width: cut with an ellipsis, or wrap onto more lines of its cell. */
export type Shrink = 'truncate' | 'wrap';

export interface TableSpec {
  head: string[];
  rows: { cells: FitCell[]; style?: AnsiStyle }[];
  numeric: boolean[];
  shrink?: (Shrink | undefined)[];
  /** Printed under the table when this form is the one shown (what its abbreviations mean). */
  note?: string;
}

export interface FitOptions {
  /** The terminal's width; undefined: the full table, whatever its width. */
  width?: number;
  color?: boolean;
  /** Heads in bold when colouring (default true). */
  boldHead?: boolean;
  /** cli-table3's compact style (no line between rows). */
  compact?: boolean;
  /** Options of the full rendering only (e.g. the sweep's wrapped last column). */
  fullOptions?: Partial<Table.TableConstructorOptions>;
  /** Narrower forms of the same table, tried in order when the full one does not fit. */
  variants?: TableSpec[];
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;]*m/g;

/** The width the CLI renders for: the terminal's columns when stdout is one, else undefined (files, pipes: full tables). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}

/** Printed columns of a string: ANSI sequences take none, every code point one. */
export function visibleWidth(s: string): number {
  return [...s.replace(ANSI_RE, '')].length;
}

/** The widest line of a block of text. */
export function maxLineWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map(visibleWidth));
}

/** `s` cut to `n` columns, the last one an ellipsis when anything was cut. */
export function truncate(s: string, n: number): string {
  const cps = [...s];
  if (cps.length <= n) return s;
  return n <= 1 ? '…'.slice(0, n) : `${cps.slice(0, n - 1).join('').trimEnd()}…`;
}

/** Words packed into lines of at most `n` columns; a word longer than a line is split. */
export function wrapWords(s: string, n: number): string[] {
  const out: string[] = [];
  let line = '';
  for (let word of s.split(/ +/)) {
    while ([...word].length > n) {
      if (line) {
        out.push(line);
        line = '';
      }
      out.push([...word].slice(0, n).join(''));
      word = [...word].slice(n).join('');
    }
    if (!word) continue;
    if (!line) line = word;
    else if ([...line].length + 1 + [...word].length <= n) line += ` ${word}`;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

/**
 * Every line of `text` wider than `width` wrapped at words, continuation lines indented two more
 * than the line's own indentation. A line painted in one style keeps it on every piece.
 */
export function wrapLines(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (visibleWidth(line) <= width) return [line];
      const m = /^((?:\u001b\[[0-9;]*m)+)([^\u001b]*?)((?:\u001b\[[0-9;]*m)+)$/.exec(line);
      const [pre, body, post] = m ? [m[1] as string, m[2] as string, m[3] as string] : ['', line, ''];
      if (!m && line.includes('\u001b')) return [line];
      const indent = /^ */.exec(body)?.[0].length ?? 0;
      const more = Math.min(indent + 2, Math.floor(width / 2));
      const first = wrapWords(body.slice(indent), Math.max(1, width - indent));
      const head = first[0] as string;
      const rest = wrapWords(first.slice(1).join(' '), Math.max(1, width - more));
      const pieces = [' '.repeat(indent) + head, ...(first.length > 1 ? rest.map((r) => ' '.repeat(more) + r) : [])];
      return pieces.map((p) => `${pre}${p}${post}`);
    })
    .join('\n');
}

function paintCell(c: FitCell, rowStyle: AnsiStyle | undefined, color: boolean, text = c.text): string {
  if (!color) return text;
  const s = c.style ? ansi(c.style, text) : text;
  return rowStyle ? ansi(rowStyle, s) : s;
}

function render(spec: TableSpec, opts: FitOptions, extra: Partial<Table.TableConstructorOptions> = {}): string {
  const color = opts.color === true;
  const t = new Table({
    head: color && opts.boldHead !== false ? spec.head.map((h) => ansi('bold', h)) : spec.head,
    ...(spec.numeric.length ? { colAligns: spec.numeric.map((n) => (n ? 'right' : 'left')) } : {}),
    style: { head: [], border: [], ...(opts.compact === false ? {} : { compact: true }) },
    ...extra,
  });
  for (const r of spec.rows) t.push(r.cells.map((c) => paintCell(c, r.style, color)));
  return t.toString();
}

const cellWidth = (text: string): number => maxLineWidth(text);
const MIN_COLUMN = 6;

/** The spec with its shrinkable columns brought down so the table is at most `width` wide; undefined when it cannot be. */
function shrunk(spec: TableSpec, width: number): TableSpec | undefined {
  const n = spec.head.length;
  const natural = spec.head.map((h, i) => Math.max(cellWidth(h), ...spec.rows.map((r) => cellWidth(r.cells[i]?.text ?? ''))));
  const caps = [...natural];
  const budget = width - (3 * n + 1);
  let total = caps.reduce((s, v) => s + v, 0);
  while (total > budget) {
    let best = -1;
    for (let i = 0; i < n; i++) if (spec.shrink?.[i] && (caps[i] as number) > MIN_COLUMN && (best < 0 || (caps[i] as number) > (caps[best] as number))) best = i;
    if (best < 0) return undefined;
    caps[best] = (caps[best] as number) - 1;
    total--;
  }
  const fit = (text: string, i: number): string => {
    const cap = caps[i] as number;
    if (cellWidth(text) <= cap) return text;
    return text
      .split('\n')
      .flatMap((l) => (spec.shrink?.[i] === 'wrap' ? wrapWords(l, cap) : [truncate(l, cap)]))
      .join('\n');
  };
  return {
    ...spec,
    head: spec.head.map((h, i) => (spec.shrink?.[i] === 'wrap' ? fit(h, i) : truncate(h, caps[i] as number))),
    rows: spec.rows.map((r) => ({ ...r, cells: r.cells.map((c, i) => ({ ...c, text: fit(c.text, i) })) })),
  };
}

/** One block per row: the first cell, then "head: value" pairs packed into lines of `width`. */
export function verticalLayout(spec: TableSpec, width: number, color = false): string {
  const lines: string[] = [];
  for (const r of spec.rows) {
    const [key, ...rest] = r.cells;
    lines.push(paintCell(key ?? { text: '' }, r.style, color, truncate((key?.text ?? '').replace(/\n/g, ' '), width)));
    let line = '';
    const room = width - 2;
    rest.forEach((c, k) => {
      const value = c.text.replace(/\n/g, ' ').trim();
      if (!value) return;
      const label = (spec.head[k + 1] ?? '').replace(/\n/g, ' ');
      const plain = truncate(label ? `${label}: ${value}` : value, room);
      const painted = paintCell(c, r.style, color, plain);
      if (!line) line = painted;
      else if (visibleWidth(line) + 3 + visibleWidth(plain) <= room) line += ` · ${painted}`;
      else {
        lines.push(`  ${line}`);
        line = painted;
      }
    });
    if (line) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}

/** The table rendered to fit `opts.width` (see the file's head); the note of the form used follows it. */
export function fitTable(full: TableSpec, opts: FitOptions = {}): string {
  const width = opts.width;
  if (width === undefined) return render(full, opts, opts.fullOptions);
  const withNote = (text: string, spec: TableSpec): string => (spec.note ? `${text}\n${wrapLines(spec.note, width)}` : text);
  const forms = [full, ...(opts.variants ?? [])];
  for (const spec of forms) {
    const text = render(spec, opts);
    if (maxLineWidth(text) <= width) return withNote(text, spec);
  }
  for (const spec of [...forms].reverse()) {
    const s = shrunk(spec, width);
    if (!s) continue;
    const text = render(s, opts);
    if (maxLineWidth(text) <= width) return withNote(text, s);
  }
  return verticalLayout(full, width, opts.color === true);
}
