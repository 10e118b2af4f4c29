// Formatting, escaping and redaction shared by every view. Numbers use a fixed locale so a saved
// document renders byte-for-byte the same on every machine.

import { styleText } from 'node:util';
import { REDACTED, isSecretKey } from '../util/redact.js';

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

/**
 * Three significant digits with an SI suffix from 1,000 up, for the ends of an interval:
 * 1234567 → "1.23M", 75936 → "75.9k", 9990 → "9.99k", 24.1 → "24.1".
 */
export function fmtCompact(v: number | undefined): string {
  if (!isNum(v)) return DASH;
  const tiers = [
    [1, ''],
    [1e3, 'k'],
    [1e6, 'M'],
    [1e9, 'G'],
  ] as const;
  let t = 0;
  while (t + 1 < tiers.length && Math.abs(v) >= (tiers[t + 1] as readonly [number, string])[0]) t++;
  if (t === 0) return fmtSig(v);
  let scaled = Number((v / (tiers[t] as readonly [number, string])[0]).toPrecision(3));
  // 999.6k rounds to 1000k: one tier up ("1.00M").
  if (Math.abs(scaled) >= 1000 && t + 1 < tiers.length) {
    t++;
    scaled = Number((v / (tiers[t] as readonly [number, string])[0]).toPrecision(3));
  }
  return `${fmtSig(scaled)}${(tiers[t] as readonly [number, string])[1]}`;
}

/** An interval as "[75.9k–103k]" (empty when absent). */
export function fmtInterval(ci: { low: number; high: number } | undefined, fmt: (v: number) => string = fmtCompact): string {
  if (!ci || !isNum(ci.low) || !isNum(ci.high)) return '';
  return `[${fmt(ci.low)}–${fmt(ci.high)}]`;
}

/** A probability: "0.029", "0.10", "< 0.001". */
export function fmtP(p: number | undefined): string {
  if (!isNum(p)) return DASH;
  if (p < 0.001) return '< 0.001';
  return p < 0.1 ? p.toFixed(3) : p.toFixed(2);
}

/** A fraction as a percentage without needless decimals: 0.75 → "75 %", 0.9375 → "93.75 %". */
export function fmtPct(f: number): string {
  return `${Number((f * 100).toFixed(2))} %`;
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

// Keys that may carry secrets: one definition, src/util/redact.ts. The runner redacts before writing;
// views redact again so that a hand-edited or foreign document never puts a password on screen.
export { REDACTED, isSecretKey };

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
