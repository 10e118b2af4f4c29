// Child processes that can never outlive kbench, and what they cost.
// Every long-lived child (broker JVMs, benchmark arms, external drivers) is started through the
// kbench-exec wrapper (native/tools/kbench-exec.c): it gets SIGKILL if kbench dies, and its rusage
// (CPU user/sys, peak RSS), which Node cannot read for a child, is written to a file when it ends.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolPath } from '../paths.js';
import { findTaskset, formatCpuList } from './cpus.js';

export interface Rusage {
  userUs: number;
  sysUs: number;
  maxRssKb: number;
  wallUs: number;
  exitCode: number;
  signal: number;
}

export interface SupervisedChild {
  child: ChildProcess;
  /** Resolves when the child has exited, with its rusage when the wrapper was available. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; rusage?: Rusage }>;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the child has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `cmd args` under kbench-exec when it is built (falls back to a plain spawn, which still
 * gets the stop/timeout handling but no parent-death guarantee and no rusage).
 */
export function spawnSupervised(cmd: string, args: readonly string[], options: SpawnOptions & { cpus?: readonly number[] } = {}): SupervisedChild {
  const wrapper = toolPath('kbench-exec');
  const { cpus, ...spawnOptions } = options;
  let rusageFile: string | undefined;
  let argv: string[] = [cmd, ...args];
  if (wrapper) {
    rusageFile = path.join(os.tmpdir(), `kbench-rusage-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
    argv = [wrapper, '--rusage', rusageFile, '--', ...argv];
  }
  if (cpus?.length) {
    // The CPU affinity is inherited by the wrapper's child and every thread it starts.
    const taskset = findTaskset();
    if (!taskset) throw new Error('a CPU placement was asked for, but taskset (util-linux) is not installed');
    argv = [taskset, '-c', formatCpuList(cpus), ...argv];
  }
  const child: ChildProcess = spawn(argv[0] as string, argv.slice(1), spawnOptions);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; rusage?: Rusage }>((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      let rusage: Rusage | undefined;
      if (rusageFile) {
        try {
          rusage = JSON.parse(fs.readFileSync(rusageFile, 'utf8')) as Rusage;
          fs.rmSync(rusageFile, { force: true });
        } catch {
          rusage = undefined;
        }
      }
      resolve({ code, signal, ...(rusage ? { rusage } : {}) });
    };
    child.once('exit', finish);
    child.once('error', () => finish(127, null));
  });
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  };
  return { child, done, stop };
}

/** True when a process with this pid exists (signal 0 probe). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
