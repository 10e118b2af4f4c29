// Option parsers: each turns a string into a value or throws a UsageError naming the option.
import { UsageError } from '../util/errors.js';

export function parseIntOption(value: string, option: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = value.trim().replace(/_/g, '');
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(v);
  const n = m ? Number(m[1]) * ({ k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2] as 'k'] ?? 1) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, got '${value}'`);
  }
  return n;
}

export function parseNumberOption(value: string, option: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`${option} must be a number ≥ ${min}, got '${value}'`);
  return n;
}

export function parseList(value: string, option: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${option} needs at least one value`);
  return [...new Set(items)];
}

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${choices.join(', ')}; got '${value}'`);
  return value as T;
}

export function parseChoices<T extends string>(value: string, option: string, choices: readonly T[]): T[] {
  return parseList(value, option).map((v) => parseChoice(v, option, choices));
}

/** Sizes such as 10,100,1024 or 1k (= 1024 bytes: message sizes are binary, as in the studies). */
export function parseSizes(value: string, option = '--sizes'): number[] {
  return parseList(value, option).map((s) => {
    const m = /^(\d+)\s*([kK][bB]?|[bB])?$/.exec(s);
    const n = m ? Number(m[1]) * (m[2] && /k/i.test(m[2]) ? 1024 : 1) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 16 * 1024 * 1024) throw new UsageError(`${option}: '${s}' is not a message size in bytes (1 B – 16 MiB)`);
    return n;
  });
}

/** key=value pairs (repeatable option). */
export function parseKeyValue(value: string, option: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`${option} takes key=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
}

/** A duration such as 30s, 2m, 500ms, 1.5h or 20 (seconds) → milliseconds (> 0, at most a day). */
export function parseDuration(value: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(value.trim());
  const unit = m?.[2] ?? 's';
  const ms = m ? Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[unit] ?? NaN) : NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > 86_400_000) throw new UsageError(`${option} must be a duration such as 30s, 2m or 500ms (up to 24 h), got '${value}'`);
  return Math.round(ms);
}

/** `kbench scale|profile --node`: one runtime (a matrix of runtimes is `kbench run --node 22,24`). */
export function oneRuntime(value: string | undefined): void {
  if (value !== undefined && value.includes(',')) throw new UsageError(`--node ${value}: one runtime here (compare runtimes with kbench run --node ${value})`);
}
