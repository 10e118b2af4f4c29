// SASL credentials for `kbench run` and `kbench broker start`: never from a command-line option (it
// would show in `ps`), but from the environment (KBENCH_SASL_USERNAME / KBENCH_SASL_PASSWORD) or a
// secrets file (--secrets-file: JSON or key=value lines, 0600 recommended). Errors name the file or
// variable, never the value.
import fs from 'node:fs';
import { UsageError } from '../util/errors.js';
import { isSecretKey, registerSecret } from '../util/redact.js';

export const ENV_USERNAME = 'KBENCH_SASL_USERNAME';
export const ENV_PASSWORD = 'KBENCH_SASL_PASSWORD';

export interface SecretsFile {
  username?: string;
  password?: string;
  /** e.g. "the file is readable by other users" */
  warnings: string[];
}

const USERNAME_KEYS = ['username', 'sasl.username', 'sasl_username', 'user'];
const PASSWORD_KEYS = ['password', 'sasl.password', 'sasl_password'];

function pick(map: Readonly<Record<string, unknown>>, keys: readonly string[], file: string, what: string): string | undefined {
  for (const k of keys) {
    const v = map[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new UsageError(`--secrets-file ${file}: '${k}' must be a non-empty string (the ${what})`);
    return v;
  }
  return undefined;
}

/** Parses a secrets file: a JSON object ({"username", "password"}, or under "sasl"), or key=value lines (sasl.password=…). */
export function parseSecretsText(text: string, file: string): { username?: string; password?: string } {
  let map: Record<string, unknown> = {};
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      // The parser's message could quote the file, password included.
      throw new UsageError(`--secrets-file ${file}: not valid JSON`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`--secrets-file ${file}: expected a JSON object`);
    const o = json as Record<string, unknown>;
    const sasl = o.sasl && typeof o.sasl === 'object' ? (o.sasl as Record<string, unknown>) : {};
    map = { ...sasl, ...o };
  } else {
    for (const [i, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
      const eq = line.search(/[=:]/);
      if (eq <= 0) throw new UsageError(`--secrets-file ${file}: line ${i + 1} is not key=value`);
      map[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  const username = pick(map, USERNAME_KEYS, file, 'SASL username');
  const password = pick(map, PASSWORD_KEYS, file, 'SASL password');
  if (password === undefined) throw new UsageError(`--secrets-file ${file}: no password in it (expected one of ${PASSWORD_KEYS.join(', ')})`);
  return { ...(username !== undefined ? { username } : {}), password };
}

/** Reads --secrets-file; warns when other users can read it. */
export function readSecretsFile(file: string): SecretsFile {
  let text: string;
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--secrets-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const warnings = (mode & 0o077) !== 0 ? [`--secrets-file ${file} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); chmod 600 it`] : [];
  return { ...parseSecretsText(text, file), warnings };
}

export interface SaslCredentialSources {
  /** --sasl-username */
  username?: string;
  /** --secrets-file */
  secretsFile?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedCredentials {
  username?: string;
  password?: string;
  /** Where the password came from, for messages ("KBENCH_SASL_PASSWORD", "--secrets-file f"). */
  passwordSource?: string;
  warnings: string[];
}

/**
 * The SASL username and password from the options, the secrets file and the environment (in that
 * order for the username; the secrets file before the environment for the password). Either may be
 * missing: the caller decides whether that is an error. The password is registered for scrubbing.
 */
export function resolveCredentials(src: SaslCredentialSources): ResolvedCredentials {
  const env = src.env ?? process.env;
  const file = src.secretsFile ? readSecretsFile(src.secretsFile) : undefined;
  const username = src.username || file?.username || env[ENV_USERNAME] || undefined;
  let password: string | undefined;
  let passwordSource: string | undefined;
  if (file?.password) {
    password = file.password;
    passwordSource = `--secrets-file ${src.secretsFile}`;
  } else if (env[ENV_PASSWORD]) {
    password = env[ENV_PASSWORD];
    passwordSource = ENV_PASSWORD;
  }
  registerSecret(password);
  return {
    ...(username ? { username } : {}),
    ...(password ? { password, passwordSource: passwordSource as string } : {}),
    warnings: file?.warnings ?? [],
  };
}

/**
 * --client-config keys that may hold secrets (isSecretKey, the one rule): refused, because the command
 * line is visible to every user. A `*.location` key holds the path of a file, not the secret itself
 * (ssl.key.location for mutual TLS): it is redacted in what kbench writes, but may be given.
 */
export function secretClientConfigKeys(config: Readonly<Record<string, string>>): string[] {
  return Object.keys(config).filter((k) => isSecretKey(k) && !k.endsWith('.location'));
}
