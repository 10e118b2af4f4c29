// SASL and TLS for the embedded broker, as data for the generic listener code: which listeners a node
// gets, their per-listener settings, the SCRAM users the storage is formatted with, and a TLS keystore
// made by the JDK's keytool at start (a throw-away CA and a broker certificate valid for 127.0.0.1 and
// localhost, so clients verify the hostname). Controller and inter-broker traffic stay on a PLAINTEXT
// listener on 127.0.0.1: securing them would add nothing a benchmark on one machine could measure.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSupervised } from '../util/proc.js';
import { EnvironmentError, UsageError } from '../util/errors.js';
import type { SecurityProtocol } from './config.js';
import { findExecutable } from './preflight.js';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
/** Every mechanism the embedded broker enables, the default first. */
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['scram-sha-512', 'scram-sha-256', 'plain'];
export const DEFAULT_SASL_USERNAME = 'kbench';

export interface SaslUser {
  username: string;
  password: string;
}

/** What a client of a listener needs besides its address. */
export interface BrokerListener {
  name: string;
  securityProtocol: SecurityProtocol;
  /** host:port of this listener on every node. */
  bootstrap: string;
  /** SASL mechanisms it accepts (empty: no SASL). */
  saslMechanisms: SaslMechanism[];
  /** The unauthenticated listener the brokers (and kbench's readiness probe) use among themselves. */
  internal: boolean;
}

/** The listener a client of `--sasl` / `--tls` connects to: SASL_SSL, SASL_PLAINTEXT, SSL or PLAINTEXT. */
export function mainProtocol(sasl: boolean, tls: boolean): SecurityProtocol {
  return sasl ? (tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : tls ? 'SSL' : 'PLAINTEXT';
}

/**
 * The client listeners of a secured node, the main one first (it is what `bootstrap` points at), and
 * PLAINTEXT last for the brokers themselves. Listener names are the protocol names.
 */
export function securedListenerProtocols(sasl: boolean, tls: boolean): SecurityProtocol[] {
  const out: SecurityProtocol[] = [mainProtocol(sasl, tls)];
  for (const p of ['SASL_PLAINTEXT', 'SSL'] as const) {
    if (!out.includes(p) && (p === 'SSL' ? tls : sasl)) out.push(p);
  }
  out.push('PLAINTEXT');
  return out;
}

// Characters that survive every place the credentials are written: the StorageTool's --add-scram
// syntax (`[name=…,password=…]`, split at ',' and '='), a quoted JAAS option, and JSON/properties files.
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;
const PASSWORD = /^[A-Za-z0-9._~!#$%&()*+/:;<>?@^{|}-]{1,256}$/;
export const PASSWORD_CHARS = 'letters, digits and . _ - ~ ! # $ % & ( ) * + / : ; < > ? @ ^ { | }';

/** Checks credentials the embedded broker will be configured with; the error never shows the password. */
export function validateBrokerUser(user: SaslUser, source = 'the SASL credentials'): void {
  if (!USERNAME.test(user.username)) {
    throw new UsageError(`${source}: the username for the embedded broker may only contain letters, digits, '.', '_' and '-' (1-64 characters)`);
  }
  if (!PASSWORD.test(user.password)) {
    throw new UsageError(`${source}: the password for the embedded broker must be 1-256 characters of ${PASSWORD_CHARS} (it is written into the broker's SCRAM and JAAS settings)`);
  }
}

/** A new random password (24 characters of base64url: 144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** `user` completed with the default username and a generated password where they are missing. */
export function brokerUser(user: Partial<SaslUser> = {}): SaslUser {
  const out = { username: user.username || DEFAULT_SASL_USERNAME, password: user.password || generatePassword() };
  validateBrokerUser(out);
  return out;
}

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

/** Per-listener settings of a SASL listener: one JAAS entry per mechanism (PLAIN holds the user's password). */
export function saslListenerConfig(user: SaslUser): Record<string, string> {
  return {
    'sasl.enabled.mechanisms': SASL_MECHANISMS.map((m) => m.toUpperCase()).join(','),
    'plain.sasl.jaas.config': `${PLAIN_MODULE} required user_${user.username}="${user.password}";`,
    'scram-sha-512.sasl.jaas.config': `${SCRAM_MODULE} required;`,
    'scram-sha-256.sasl.jaas.config': `${SCRAM_MODULE} required;`,
  };
}

/** StorageTool arguments that create the SCRAM credentials of `user` in the metadata log (Kafka ≥ 3.5). */
export function scramFormatArgs(user: SaslUser): string[] {
  return SASL_MECHANISMS.filter((m) => m !== 'plain').flatMap((m) => ['--add-scram', `${m.toUpperCase()}=[name=${user.username},password=${user.password}]`]);
}

/**
 * A Java launcher argument file (`java @file`): keeps arguments such as passwords out of the process
 * list. Each argument is quoted; the file is created 0600.
 */
export function writeJavaArgFile(file: string, args: readonly string[]): void {
  const quote = (a: string): string => `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  fs.writeFileSync(file, `${args.map(quote).join('\n')}\n`, { mode: 0o600 });
}

export interface BrokerTls {
  /** PKCS12 keystore with the broker's key and certificate chain. */
  keystore: string;
  storePassword: string;
  /** The CA certificate (PEM) clients trust. */
  caFile: string;
}

/** keytool of the JDK that runs `java` (a JRE has it too), else the one on PATH. */
export function findKeytool(java: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const beside = path.join(path.dirname(fs.realpathSync(java)), 'keytool');
    fs.accessSync(beside, fs.constants.X_OK);
    return beside;
  } catch {
    return findExecutable('keytool', env.PATH);
  }
}

/** Broker certificate settings, global (every SSL / SASL_SSL listener uses them). */
export function tlsServerProperties(tls: BrokerTls): Record<string, string> {
  return {
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': tls.keystore,
    'ssl.keystore.password': tls.storePassword,
    'ssl.key.password': tls.storePassword,
  };
}

const CERT_DAYS = '30';

/**
 * Makes a CA and a broker certificate signed by it (SAN IP:127.0.0.1, DNS:localhost) in `dir` with
 * keytool: seven short JVM runs, about 3 s. The store password goes through the environment
 * (`-storepass:env`), never the command line.
 */
export async function generateBrokerTls(dir: string, java: string, env: NodeJS.ProcessEnv = process.env): Promise<BrokerTls> {
  const keytool = findKeytool(java, env);
  if (!keytool) throw new EnvironmentError(`--tls needs the JDK's keytool, which was found neither beside ${java} nor on PATH`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const storePassword = randomBytes(18).toString('base64url');
  const ca = path.join(dir, 'ca.p12');
  const keystore = path.join(dir, 'broker.p12');
  const csr = path.join(dir, 'broker.csr');
  const signed = path.join(dir, 'broker-signed.pem');
  const caFile = path.join(dir, 'ca.pem');
  const pass = ['-storepass:env', 'KBENCH_KEYSTORE_PASSWORD'];
  const ec = ['-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', CERT_DAYS, '-storetype', 'PKCS12'];
  const steps: string[][] = [
    ['-genkeypair', '-alias', 'ca', ...ec, '-dname', 'CN=kbench embedded broker CA', '-ext', 'bc:c', '-keystore', ca, ...pass],
    ['-exportcert', '-alias', 'ca', '-rfc', '-file', caFile, '-keystore', ca, ...pass],
    ['-genkeypair', '-alias', 'broker', ...ec, '-dname', 'CN=localhost', '-keystore', keystore, ...pass],
    ['-certreq', '-alias', 'broker', '-file', csr, '-keystore', keystore, ...pass],
    ['-gencert', '-alias', 'ca', '-infile', csr, '-outfile', signed, '-rfc', '-validity', CERT_DAYS, '-ext', 'SAN=IP:127.0.0.1,DNS:localhost',
      '-ext', 'KU=digitalSignature,keyAgreement', '-ext', 'EKU=serverAuth', '-keystore', ca, ...pass],
    ['-importcert', '-alias', 'ca', '-file', caFile, '-noprompt', '-keystore', keystore, ...pass],
    ['-importcert', '-alias', 'broker', '-file', signed, '-noprompt', '-keystore', keystore, ...pass],
  ];
  for (const args of steps) {
    // A short-lived tool: the C1 compiler only starts it faster.
    const p = spawnSupervised(keytool, ['-J-XX:TieredStopAtLevel=1', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
      env: { ...env, KBENCH_KEYSTORE_PASSWORD: storePassword },
    });
    let output = '';
    p.child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    p.child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const r = await p.done;
    if (r.code !== 0) throw new EnvironmentError(`keytool ${args[0]} failed (exit code ${r.code ?? r.signal}) making the broker's TLS certificate:\n${output.trim()}`);
  }
  for (const f of [ca, keystore, csr, signed]) fs.chmodSync(f, 0o600);
  return { keystore, storePassword, caFile };
}
