// CPU placement of the broker JVMs: a CPU list as people type it (`0`, `0,1`, `0-3,6`), checked against
// this machine, and the `taskset -c LIST` prefix that pins a process (and every thread it starts) to it.
import fs from 'node:fs';
import os from 'node:os';
import { EnvironmentError, UsageError } from './errors.js';

/** Where taskset (util-linux) is looked for, in this order. */
export const TASKSET_PATHS: readonly string[] = ['/usr/bin/taskset', '/bin/taskset'];

/**
 * Parses a CPU list: comma-separated CPU numbers and inclusive ranges (`0`, `0,1`, `0-1`, `0-3,6`),
 * the syntax of taskset -c and /proc/<pid>/status Cpus_allowed_list. Returns the CPUs sorted, without
 * duplicates. Throws UsageError naming `option` for anything else, or for a CPU this machine does not
 * have (0..os.cpus().length-1; `cpuCount` overrides the count, for tests).
 */
export function parseCpuList(text: string, option = '--cpus', cpuCount = os.cpus().length): number[] {
  const raw = text.trim();
  if (raw === '') throw new UsageError(`${option} needs a CPU list such as 0, 0,1 or 0-1 (got an empty one)`);
  const cpus = new Set<number>();
  for (const part of raw.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`${option} must be CPU numbers and ranges such as 0, 0,1 or 0-1 (got '${text}': '${part.trim()}' is neither)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`${option}: the range '${part.trim()}' ends before it starts`);
    if (to >= cpuCount) throw new UsageError(`${option}: CPU ${to} does not exist; this machine has CPUs 0-${cpuCount - 1}`);
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/**
 * Checks CPU numbers given as data (BrokerOptions.cpus): a non-empty list of integers within
 * 0..os.cpus().length-1. Returns them sorted without duplicates.
 */
export function validateCpus(cpus: readonly number[], option = 'cpus', cpuCount = os.cpus().length): number[] {
  if (!Array.isArray(cpus) || cpus.length === 0) throw new UsageError(`${option} must list at least one CPU`);
  for (const c of cpus) {
    if (!Number.isInteger(c) || c < 0 || c >= cpuCount) {
      throw new UsageError(`${option}: ${String(c)} is not a CPU of this machine (integers 0-${cpuCount - 1})`);
    }
  }
  return [...new Set(cpus)].sort((a, b) => a - b);
}

/** The shortest CPU list text for sorted CPUs: [0,1,2,5] → '0-2,5'. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** The taskset binary, or undefined when none is installed. */
export function findTaskset(candidates: readonly string[] = TASKSET_PATHS): string | undefined {
  for (const p of candidates) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The command prefix that runs a program on `cpus` (throws EnvironmentError when taskset is missing). */
export function cpuAffinityPrefix(cpus: readonly number[], candidates: readonly string[] = TASKSET_PATHS): { command: string; args: string[] } {
  const taskset = findTaskset(candidates);
  if (!taskset) {
    throw new EnvironmentError(
      `CPU placement (cpus ${formatCpuList(cpus)}) needs taskset, which is not installed (looked for ${candidates.join(', ')}; ` +
        'it is in util-linux: apt-get install util-linux), or start the broker without cpus',
    );
  }
  return { command: taskset, args: ['-c', formatCpuList(cpus)] };
}

/**
 * A process's (or one of its threads') allowed CPUs as Linux reports them (Cpus_allowed_list of
 * /proc/<pid>[/task/<tid>]/status), e.g. '0' or '0-1', or undefined when it is gone.
 */
export function cpusAllowed(pid: number | 'self', tid?: number): string | undefined {
  try {
    const file = tid === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${tid}/status`;
    const m = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(fs.readFileSync(file, 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}
