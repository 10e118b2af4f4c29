// Formatting, escaping and redaction shared by every view. Numbers use a fixed locale so a saved
// document renders byte-for-byte the same on every machine.

import { styleText } from 'node:util';

/** ANSI styling, applied unconditionally: whether to colour is the caller's decision (TTY, NO_COLOR, --no-color). */
export type AnsiStyle = Parameters<typeof styleText>[0];
export function ansi(style: AnsiStyle, text: string): string {
  // styleText would otherwise check process.stdout itself and drop colour for a string we may not print there.
  return styleText(style, text, { validateStream: false });
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Missing figures render as this everywhere (never "NaN"). */
export const DASH = '—';

export function isNum(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

/** 1234567 → "1,234,567". */
export function fmtInt(v: number | undefined): string {
  return isNum(v) ? intFmt.format(Math.round(v)) : DASH;
}

/** Three significant digits, grouped thousands: 0.0123, 1.23, 12.3, 123, 1,234. */
export function fmtSig(v: number | undefined, digits = 3): string {
  if (!isNum(v)) return DASH;
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 10 ** (digits - 1)) return intFmt.format(Math.round(v));
  const decimals = Math.min(6, digits - 1 - Math.floor(Math.log10(abs)));
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(v);
}

/** A ratio as "2.35×" (blank when either side is missing). */
export function fmtRatio(v: number | undefined): string {
  if (!isNum(v)) return '';
  return `${v >= 100 ? fmtInt(v) : v.toFixed(2)}×`;
}

/** Coefficient of variation as "±4%". */
export function fmtCv(cv: number | undefined): string {
  if (!isNum(cv)) return '';
  return `±${(cv * 100).toFixed(cv < 0.1 ? 1 : 0)}%`;
}

export function fmtMiB(bytes: number | undefined): string {
  return isNum(bytes) ? (bytes / 1048576).toFixed(1) : DASH;
}

/** Message size: "100 B", "1 KiB" when a whole number of KiB, else bytes. */
export function fmtSize(bytes: number): string {
  if (bytes >= 1024 && bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** A config / settings value as shown in tables. */
export function fmtValue(v: unknown): string {
  if (v === undefined) return DASH;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text for a GitHub Markdown table cell: HTML-significant characters become entities (GitHub renders
 * inline HTML), inline-Markdown punctuation is backslash-escaped, pipes cannot end the cell, newlines become spaces.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

// Keys that may carry secrets. The runner redacts before writing; views redact again so that a
// hand-edited or foreign document never puts a password on screen.
const SECRET_KEY = /password|secret|token|sasl\.jaas|ssl\.key|api[._-]?key/i;
export const REDACTED = '***';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactConfig<T extends string | number | boolean>(config: Readonly<Record<string, T>>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = isSecretKey(k) ? REDACTED : v;
  return out;
}

/** Deep variant for free-form objects (the run's `options`). */
export function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactDeep(v);
    return out;
  }
  return value;
}
