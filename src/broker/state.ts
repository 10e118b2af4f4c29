// The record of the broker that `kbench broker start` left running: <cache>/broker/state.json, owned by
// the background supervisor (`kbench broker serve`). Creating it with O_EXCL is also the lock that keeps
// two `broker start` from starting two brokers.
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import { processRunning } from './procs.js';
import type { BrokerListener, SaslMechanism } from './security.js';
import type { BrokerStorage } from './storage.js';

export interface BrokerStateNode {
  id: number;
  host: string;
  port: number;
  pid: number | undefined;
}

export interface BrokerState {
  format: 'kbench.broker-state/1';
  status: 'starting' | 'ready';
  /** The supervisor process, which owns the JVMs (they die with it). */
  pid: number;
  kafkaVersion: string;
  nodeCount: number;
  heap: string;
  startedAt: string;
  logFile: string;
  bootstrap?: string;
  clusterId?: string;
  runDir?: string;
  startupMs?: number;
  nodes?: BrokerStateNode[];
  /** Every client listener (a broker started with --sasl / --tls has several). */
  listeners?: BrokerListener[];
  /** The SASL user; its password is only in `credentialsFile` (0600). */
  sasl?: { username: string; mechanisms: SaslMechanism[]; credentialsFile: string };
  /** The CA certificate (PEM) of a broker started with --tls. */
  caFile?: string;
  /** Where the data directories are (--storage): tmpfs or disk, and why disk. */
  storage?: BrokerStorage;
  /** The CPUs the broker JVMs are pinned to (--cpus); absent: no placement. */
  cpus?: number[];
  /** Every node's data directory, by node id. */
  dataDirs?: string[];
}

/** <cache>/broker/credentials.json: what a client of the running broker needs, password included (0600). */
export interface BrokerCredentials {
  format: 'kbench.broker-credentials/1';
  username: string;
  password: string;
  mechanisms: SaslMechanism[];
  bootstrap: string;
  securityProtocol: string;
  caFile?: string;
}

export function brokerStateDir(): string {
  return path.join(cacheDir(), 'broker');
}

export function brokerStatePath(): string {
  return path.join(brokerStateDir(), 'state.json');
}

export function supervisorLogPath(): string {
  return path.join(brokerStateDir(), 'serve.log');
}

export function brokerCredentialsPath(): string {
  return path.join(brokerStateDir(), 'credentials.json');
}

/** Writes the credentials file 0600 (atomically: it never exists with a wider mode). */
export function writeBrokerCredentials(c: BrokerCredentials): string {
  const file = brokerCredentialsPath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
  return file;
}

export function removeBrokerCredentials(): void {
  fs.rmSync(brokerCredentialsPath(), { force: true });
}

export function readBrokerState(): BrokerState | undefined {
  try {
    return JSON.parse(fs.readFileSync(brokerStatePath(), 'utf8')) as BrokerState;
  } catch {
    return undefined;
  }
}

/** The record when its supervisor is alive; a record left by a dead supervisor is removed. */
export function liveBrokerState(): BrokerState | undefined {
  const s = readBrokerState();
  if (!s) return undefined;
  if (processRunning(s.pid)) return s;
  removeBrokerState(s.pid);
  // A dead supervisor's password is of no use to anyone: do not leave it lying around.
  if (s.sasl) removeBrokerCredentials();
  return undefined;
}

/**
 * Creates the record for `state.pid` unless a live supervisor already has one.
 * Returns the existing live record when there is one (and writes nothing).
 */
export function claimBrokerState(state: BrokerState): BrokerState | undefined {
  fs.mkdirSync(brokerStateDir(), { recursive: true });
  for (let i = 0; i < 2; i++) {
    try {
      fs.writeFileSync(brokerStatePath(), `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const existing = liveBrokerState();
      if (existing) return existing;
    }
  }
  throw new Error(`cannot claim ${brokerStatePath()}`);
}

/** Replaces the record atomically (only its owner calls this). */
export function writeBrokerState(state: BrokerState): void {
  const tmp = `${brokerStatePath()}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, brokerStatePath());
}

/** Removes the record if it belongs to supervisor `pid`. */
export function removeBrokerState(pid: number): void {
  const s = readBrokerState();
  if (s && s.pid === pid) fs.rmSync(brokerStatePath(), { force: true });
}
