// Finding the broker's JVMs in the process table (Linux /proc): the JVM is a grandchild of kbench
// (kbench → kbench-exec → java), and "is anything of this run still alive?" is answered by looking for
// processes whose command line names the run directory.
import fs from 'node:fs';

/** Direct children of `pid` (empty when it has none or is gone). */
export function childPids(pid: number): number[] {
  try {
    const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

/** Live processes (not zombies) whose command line contains `needle`, excluding this process. */
export function processesMentioning(needle: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!cmdline.includes(needle)) continue;
      // A zombie has exited already; only its parent's wait() is missing.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      found.push({ pid, cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Resolves true once no process mentions `needle`, false after `timeoutMs`. */
export async function waitForNoProcesses(needle: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (processesMentioning(needle).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * True while `pid` runs. Unlike a signal-0 probe, a zombie counts as gone: a detached supervisor that
 * exited is reparented to init and may stay a zombie for a moment.
 */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (not Linux): the signal probe is all we have.
    return fs.existsSync('/proc/self') ? false : true;
  }
}

/** Resolves true once `pid` has ended, false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
