// Shared test helpers around the embedded broker: one started per test file and always stopped,
// kbench CLI subprocesses, and "is anything of this run still alive?".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { startBroker, type BrokerHandle, type BrokerOptions } from '../../src/broker/index.js';
import { kafkaCacheRoot } from '../../src/broker/jars.js';
import { processesMentioning, type ProcessInfo } from '../../src/broker/procs.js';
import { projectRoot } from '../../src/paths.js';
import type { Connection, SaslMechanism } from '../../src/results/types.js';

export const kbenchBin = path.join(projectRoot, 'bin', 'kbench.js');

/**
 * Starts an embedded broker that is stopped when the test (or suite) `t` ends.
 * KBENCH_TEST_KAFKA_VERSION runs the broker tests against another Kafka (e.g. `4`).
 */
export async function withBroker(t: Pick<TestContext, 'after' | 'diagnostic'>, options: BrokerOptions = {}): Promise<BrokerHandle> {
  const kafkaVersion = process.env.KBENCH_TEST_KAFKA_VERSION;
  const broker = await startBroker({ log: (m) => t.diagnostic(m), ...(kafkaVersion ? { kafkaVersion } : {}), ...options });
  t.after(() => broker.stop());
  return broker;
}

/** Live processes (JVMs, kbench-exec wrappers) that belong to a broker run directory. */
export function processesOfRun(runDir: string): ProcessInfo[] {
  return processesMentioning(`${runDir}${path.sep}`);
}

/**
 * An isolated kbench cache (broker state, logs) that still shares the Maven-resolved jars of the real
 * cache, so tests never resolve them twice.
 */
export function isolatedCache(): { dir: string; env: NodeJS.ProcessEnv; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-test-cache-'));
  return {
    dir,
    env: { ...process.env, KBENCH_CACHE: dir, KBENCH_KAFKA_CACHE: kafkaCacheRoot() },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Interrupted at `timeoutMs`. */
  timedOut?: boolean;
}

/**
 * Runs `node bin/kbench.js ...args` to completion. With `timeoutMs`, a run still going then is
 * interrupted (SIGINT, then SIGKILL 10 s later) and resolves with `timedOut` and everything it printed,
 * so a stall fails the test with the run's own last words instead of the runner's bare timeout.
 * `interruptWhen` sends one SIGINT as soon as stderr matches it.
 */
export function runKbench(args: readonly string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; interruptWhen?: RegExp } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kbenchBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (options.timeoutMs !== undefined) {
      timers.push(setTimeout(() => {
        timedOut = true;
        child.kill('SIGINT');
        timers.push(setTimeout(() => child.kill('SIGKILL'), 10_000));
      }, options.timeoutMs));
    }
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // `interruptWhen`: one SIGINT once stderr says so (a Ctrl-C at a known point of the run).
      if (options.interruptWhen && !sent && options.interruptWhen.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr, ...(timedOut ? { timedOut } : {}) });
    });
  });
}

/** The assertion message for a run: its exit, whether it was interrupted, and its stderr's tail. */
export function describeRun(r: RunResult): string {
  const tail = r.stderr.split('\n').slice(-40).join('\n');
  return `exit ${r.code ?? r.signal}${r.timedOut ? ' (interrupted at the test\'s deadline)' : ''}\n${tail}`;
}

/** An executable shell script in `dir` (a stand-in java / mvn). */
export function writeScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A connection to one of a SASL/TLS broker's listeners as its generated user (SASL_SSL with the broker's CA). */
export function securedConnection(broker: BrokerHandle, listenerName: 'SASL_PLAINTEXT' | 'SASL_SSL', mechanism: SaslMechanism): Connection {
  const user = broker.saslUser;
  const listener = broker.listeners.find((l) => l.name === listenerName);
  if (!user || !listener) throw new Error(`the broker has no ${listenerName} listener with a SASL user`);
  return {
    brokers: listener.bootstrap.split(','),
    sasl: { mechanism, username: user.username, password: user.password },
    ...(listenerName === 'SASL_SSL' ? { ssl: { ca: broker.caFile as string } } : {}),
  };
}
