// What every driver needs to know about SASL and TLS: kbench's Connection (a CA *file*, a mechanism in
// lower case) turned into what a client takes, which mechanisms a client has, and why an arm cannot run
// when it lacks one (skipped with that reason instead of failing on the first connection).
import fs from 'node:fs';
import type { Connection, SaslMechanism } from '../results/types.js';
import type { DriverDescription } from './types.js';

export const ALL_SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** What a client can do: SASL mechanisms and TLS. */
export interface DriverSecurity {
  sasl: SaslMechanism[];
  tls: boolean;
  /** Why something is missing, for `kbench drivers` and the skip reason. */
  note?: string;
}

export const FULL_SECURITY: DriverSecurity = { sasl: [...ALL_SASL_MECHANISMS], tls: true };

export function usesTls(conn: Connection): boolean {
  return conn.ssl !== undefined && conn.ssl !== false;
}

/** The TLS options of a connection, or undefined without TLS. */
export function tlsOptions(conn: Connection): { caFile?: string; rejectUnauthorized: boolean } | undefined {
  if (!usesTls(conn)) return undefined;
  const o = typeof conn.ssl === 'object' ? conn.ssl : {};
  return { ...(o.ca ? { caFile: o.ca } : {}), rejectUnauthorized: o.rejectUnauthorized ?? true };
}

/** The PEM text of the connection's CA file (for clients that take certificates, not paths). */
export function readCaPem(conn: Connection): string | undefined {
  const t = tlsOptions(conn);
  if (!t?.caFile) return undefined;
  try {
    return fs.readFileSync(t.caFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the TLS CA file ${t.caFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Node's tls.connect() options of a connection (for kafkajs and @platformatic/kafka), or undefined without TLS. */
export function nodeTlsOptions(conn: Connection): { ca?: string[]; rejectUnauthorized: boolean } | undefined {
  const t = tlsOptions(conn);
  if (!t) return undefined;
  const ca = readCaPem(conn);
  return { ...(ca ? { ca: [ca] } : {}), rejectUnauthorized: t.rejectUnauthorized };
}

/** e.g. "SASL_SSL SCRAM-SHA-512", "SSL", "PLAINTEXT": how the clients connect. */
export function securityLabel(conn: Connection): string {
  const tls = usesTls(conn);
  if (conn.sasl) return `${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'} ${conn.sasl.mechanism.toUpperCase()}`;
  return tls ? 'SSL' : 'PLAINTEXT';
}

/** One line for `kbench drivers`. */
export function securityNote(s: DriverSecurity): string {
  const sasl = s.sasl.length ? `SASL ${s.sasl.map((m) => m.toUpperCase()).join(', ')}` : 'no SASL';
  return `security: ${sasl}; ${s.tls ? 'TLS' : 'no TLS'}${s.note ? ` (${s.note})` : ''}`;
}

/** Why a driver cannot connect the way `conn` asks, or undefined when it can (or does not say). */
export function securityUnsupportedReason(d: Pick<DriverDescription, 'id' | 'security'>, conn: Connection): string | undefined {
  const s = d.security;
  if (!s) return undefined;
  if (conn.sasl && !s.sasl.includes(conn.sasl.mechanism)) {
    const has = s.sasl.length ? `it has ${s.sasl.map((m) => m.toUpperCase()).join(', ')}` : 'it has no SASL at all';
    return `${d.id} cannot authenticate with SASL ${conn.sasl.mechanism.toUpperCase()} (${has}${s.note ? `; ${s.note}` : ''})`;
  }
  if (usesTls(conn) && !s.tls) return `${d.id} cannot connect over TLS${s.note ? ` (${s.note})` : ''}`;
  return undefined;
}
