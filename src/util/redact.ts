// Secrets never leave kbench: configs, connections and messages are redacted before they are
// written to results, reports, logs or progress output.

const SECRET_KEY = /pass(word)?|secret|token|jaas|ssl\.key|private|api[._-]?key|credential/i;
export const REDACTED = '***';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy of `obj` (deeply) with values under secret-looking keys replaced by ***. */
export function redact<T>(obj: T): T {
  if (Array.isArray(obj)) return obj.map((v) => redact(v)) as T;
  if (obj && typeof obj === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out[k] = isSecretKey(k) && v !== undefined && v !== '' ? REDACTED : redact(v);
    return out as T;
  }
  return obj;
}

/** Replaces every occurrence of the given secrets in free text (error messages, logs). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join(REDACTED);
  return out;
}
