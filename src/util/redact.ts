// Secrets never leave kbench: configs, connections and messages are redacted before they are
// written to results, reports, logs or progress output.

// The one definition of a secret-looking key, used by the runner (results), the views (reports) and
// the command line (--client-config refuses them). It is the union of the three patterns those used
// to keep separately, so that nothing redacted or refused before is let through now:
//   results (here):        pass(word)? secret token jaas ssl.key private api[._-]?key credential
//   views (report/format): password secret token sasl.jaas ssl.key api[._-]?key
//   command line (cli/secrets): password secret jaas token .pem (at the end of the key)
// e.g. sasl.password, ssl.key.password, ssl.key.pem, ssl.keystore.password, sasl.jaas.config,
// sasl.oauthbearer.token, client.secret, api.key / apiKey / api-key, private.key, credentials, ssl.certificate.pem.
const SECRET_KEY = /pass(word)?|secret|token|jaas|ssl\.key|private|api[._-]?key|credential|\.pem$/i;
export const REDACTED = '***';

/** Whether a config / options key may hold a secret: its value is redacted wherever kbench writes it, and refused on the command line. */
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

/** A copy of `obj` (deeply) with every occurrence of the secrets in its strings replaced by ***. */
export function scrubDeep<T>(obj: T, secrets: readonly string[]): T {
  if (secrets.every((s) => !s)) return obj;
  if (typeof obj === 'string') return scrub(obj, secrets) as T;
  if (Array.isArray(obj)) return obj.map((v) => scrubDeep(v, secrets)) as T;
  if (obj && typeof obj === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out[scrub(k, secrets)] = scrubDeep(v, secrets);
    return out as T;
  }
  return obj;
}

// The secrets this process holds (SASL passwords), so that any text it prints can be scrubbed of them
// without every caller knowing which they are.
const known = new Set<string>();

/** Remembers a secret of this process; scrubKnown() then removes it from any text. */
export function registerSecret(secret: string | undefined): void {
  if (secret) known.add(secret);
}

/** `text` without any secret registered in this process. */
export function scrubKnown(text: string): string {
  return known.size === 0 ? text : scrub(text, [...known]);
}

export function knownSecrets(): string[] {
  return [...known];
}
