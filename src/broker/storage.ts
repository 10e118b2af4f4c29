// Where the brokers keep their logs (log.dirs). On tmpfs (/dev/shm) a benchmark measures the client and
// the broker, not the disk: no device queue, no writeback stalls, and a deleted topic's files are gone
// with one unlink each. The directory lives outside the run directory (which stays on disk, with the
// logs a person reads), so it is created, recorded and removed here, crash paths included.
import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentError, UsageError, errorMessage } from '../util/errors.js';
import { processRunning, processesMentioning } from './procs.js';

export type StorageRequest = 'tmpfs' | 'disk' | 'auto';
export const STORAGE_REQUESTS: readonly StorageRequest[] = ['tmpfs', 'disk', 'auto'];
export const DEFAULT_STORAGE: StorageRequest = 'auto';

/** Where tmpfs data directories are made. */
export const TMPFS_ROOT = '/dev/shm';
/**
 * Free space tmpfs needs before kbench puts broker data there: 2 GiB. Retention is off for benchmarks
 * (see BENCHMARK_BROKER_SETTINGS), so an arm's data stays in memory until its topic is deleted; less
 * room than this would fail a larger arm with ENOSPC (the log directory goes offline) instead of
 * measuring it.
 */
export const TMPFS_MIN_FREE_BYTES = 2 * 1024 ** 3;
/** statfs f_type of tmpfs (TMPFS_MAGIC in linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
export const STORAGE_DIR_PREFIX = 'kbench-broker-data-';
const OWNER_FILE = 'owner.json';

/** Where a cluster's data directories are, as the handle and the results report it. */
export interface BrokerStorage {
  kind: 'tmpfs' | 'disk';
  /** The directory holding every node's data directory (`<path>/node-<id>` on tmpfs, the run directory on disk). */
  path: string;
  /** Why this is disk: 'auto' fell back (the tmpfs problem), or disk was asked for. */
  reason?: string;
}

/** Validates `--storage` / BrokerOptions.storage. */
export function parseStorage(input: string | undefined, option = '--storage'): StorageRequest {
  const v = (input ?? DEFAULT_STORAGE).trim().toLowerCase();
  if ((STORAGE_REQUESTS as readonly string[]).includes(v)) return v as StorageRequest;
  throw new UsageError(`${option} must be ${STORAGE_REQUESTS.join(', ')} (got '${input}')`);
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Why `root` cannot hold broker data, or undefined when it can (exists, is a tmpfs, has `minFreeBytes` free). */
export function tmpfsProblem(root: string = TMPFS_ROOT, minFreeBytes: number = TMPFS_MIN_FREE_BYTES): string | undefined {
  let st: fs.StatsFs;
  try {
    st = fs.statfsSync(root);
  } catch (err) {
    return `${root} is not usable (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`;
  }
  if (st.type !== TMPFS_MAGIC) return `${root} is not a tmpfs (filesystem type 0x${st.type.toString(16)})`;
  const free = st.bavail * st.bsize;
  if (free < minFreeBytes) return `${root} has ${gib(free)} free, less than the ${gib(minFreeBytes)} kbench requires for broker data`;
  return undefined;
}

export interface StorageOptions {
  /** Default TMPFS_ROOT; tests point it elsewhere. */
  tmpfsRoot?: string;
  minFreeBytes?: number;
  /** Written to the owner record: a kept directory is never removed as abandoned. */
  keep: boolean;
  /** The run directory the data belongs to (recorded, so cleanup can tell whether its JVMs still run). */
  runDir: string;
}

/**
 * Decides and creates the data location: a fresh `<tmpfs>/kbench-broker-data-XXXXXX` for tmpfs, the
 * run directory for disk. 'auto' takes tmpfs when it is usable, else disk with the reason; 'tmpfs'
 * that is not usable is an EnvironmentError.
 */
export function createStorage(request: StorageRequest, opts: StorageOptions): BrokerStorage {
  if (request === 'disk') return { kind: 'disk', path: opts.runDir, reason: 'disk storage was asked for' };
  const root = opts.tmpfsRoot ?? TMPFS_ROOT;
  let problem = tmpfsProblem(root, opts.minFreeBytes ?? TMPFS_MIN_FREE_BYTES);
  if (problem === undefined) {
    try {
      const dir = fs.mkdtempSync(path.join(root, STORAGE_DIR_PREFIX));
      fs.writeFileSync(
        path.join(dir, OWNER_FILE),
        `${JSON.stringify({ pid: process.pid, keep: opts.keep, runDir: opts.runDir, createdAt: new Date().toISOString() })}\n`,
      );
      return { kind: 'tmpfs', path: dir };
    } catch (err) {
      problem = `cannot create a directory in ${root}: ${errorMessage(err)}`;
    }
  }
  if (request === 'tmpfs') throw new EnvironmentError(`tmpfs storage was asked for, but ${problem}; use storage 'auto' or 'disk'`);
  return { kind: 'disk', path: opts.runDir, reason: `tmpfs unavailable: ${problem}` };
}

/** Node `id`'s data directory (log.dirs) in `storage`. */
export function nodeDataDir(storage: BrokerStorage, nodeDir: string, id: number): string {
  return storage.kind === 'tmpfs' ? path.join(storage.path, `node-${id}`) : path.join(nodeDir, 'data');
}

/** Removes a tmpfs data location (disk data goes with the run directory). Best effort, synchronous. */
export function removeStorage(storage: BrokerStorage): void {
  if (storage.kind !== 'tmpfs') return;
  try {
    fs.rmSync(storage.path, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // a dying JVM may still hold a file; abandoned-directory cleanup gets it next time
  }
}

/**
 * Removes tmpfs data directories whose owner process is gone (a kbench that was SIGKILLed: its JVMs
 * died with it, its files in memory did not), unless they were to be kept. Best effort.
 */
export function removeAbandonedStorage(root: string = TMPFS_ROOT): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(root).filter((e) => e.startsWith(STORAGE_DIR_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(root, e);
    try {
      const owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as { pid?: unknown; keep?: unknown; runDir?: unknown };
      if (owner.keep === true || typeof owner.pid !== 'number' || processRunning(owner.pid)) continue;
      if (typeof owner.runDir === 'string' && processesMentioning(`${owner.runDir}${path.sep}`).length > 0) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or half-written: leave it
    }
  }
}
