// Runs kbench as a real subprocess tagged with a unique environment marker, so a test can find (and
// kill) exactly the processes of that run — its broker JVM, its arms — and prove none is left.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';

export const MARK_VAR = 'KBENCH_TEST_MARK';

export function newMark(): string {
  return crypto.randomBytes(8).toString('hex');
}

/** Live processes (zombies excluded) whose environment carries the marker. */
export function markedProcesses(mark: string): { pid: number; cmdline: string }[] {
  const needle = `${MARK_VAR}=${mark}`;
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!env.split('\0').includes(needle)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      out.push({ pid: Number(entry), cmdline: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

export async function waitUntilNoMarked(mark: string, timeoutMs: number): Promise<{ pid: number; cmdline: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = markedProcesses(mark);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface MarkedRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function runKbench(args: string[], mark: string, env: NodeJS.ProcessEnv = {}): MarkedRun {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'kbench.js'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env, [MARK_VAR]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves once `pred(stderr)` holds, rejects after `timeoutMs`. */
export async function waitForOutput(run: MarkedRun, pred: (text: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred(run.stderr())) {
    if (Date.now() > deadline) throw new Error(`expected output did not appear; stderr so far:\n${run.stderr()}`);
    if (run.child.exitCode !== null) throw new Error(`kbench exited (${run.child.exitCode}) first; stderr:\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
