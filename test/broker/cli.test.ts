// `kbench broker ...` as a person runs it: real subprocesses of bin/kbench.js, an isolated cache (state,
// logs) that shares the already-resolved jars, and a check that no JVM is left behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { describeCluster } from '../../src/broker/admin.js';
import { cpusAllowed, findTaskset } from '../../src/util/cpus.js';
import { tmpfsProblem } from '../../src/broker/storage.js';
import { processesMentioning, processRunning, waitForExit, waitForNoProcesses } from '../../src/broker/procs.js';
import type { BrokerState } from '../../src/broker/state.js';
import { isolatedCache, processesOfRun, runKbench } from '../helpers/broker.js';

const cache = isolatedCache();
after(() => cache.cleanup());
const runRoot = path.join(cache.dir, 'runs');
const statePath = path.join(cache.dir, 'broker', 'state.json');
const emptyBin = path.join(cache.dir, 'empty-bin');
fs.mkdirSync(emptyBin, { recursive: true });

function readState(): BrokerState | undefined {
  return fs.existsSync(statePath) ? (JSON.parse(fs.readFileSync(statePath, 'utf8')) as BrokerState) : undefined;
}

/** Whatever happens in a test, no supervisor or JVM of this cache survives it. */
function cleanupAfter(t: TestContext): void {
  t.after(async () => {
    const s = readState();
    if (s && processRunning(s.pid)) await runKbench(['broker', 'stop'], cache.env);
    assert.equal(await waitForNoProcesses(`${runRoot}${path.sep}`, 15_000), true, 'no JVM of this test remains');
  });
}

describe('kbench broker: arguments', () => {
  test('--help shows every option', async () => {
    const start = await runKbench(['broker', 'start', '--help'], cache.env);
    assert.equal(start.code, 0);
    for (const opt of ['--nodes <n>', '--kafka-version <version>', '--heap <size>', '--run-root <dir>', '--keep', '--json', '--storage <kind>', '--cpus <list>']) {
      assert.ok(start.stdout.includes(opt), `start --help mentions ${opt}`);
    }
    const broker = await runKbench(['broker', '--help'], cache.env);
    for (const cmd of ['start', 'status', 'stop', 'fetch']) assert.match(broker.stdout, new RegExp(`^  ${cmd}\\b`, 'm'));
    assert.doesNotMatch(broker.stdout, /serve/, 'the internal supervisor command stays hidden');
    const status = await runKbench(['broker', 'status', '--help'], cache.env);
    assert.ok(status.stdout.includes('--json'));
    const fetch = await runKbench(['broker', 'fetch', '--help'], cache.env);
    assert.ok(fetch.stdout.includes('--kafka-version <version>'));
  });

  for (const [args, option] of [
    [['--nodes', '0'], '--nodes'],
    [['--heap', 'lots'], '--heap'],
    [['--kafka-version', '2.8'], '--kafka-version'],
    [['--storage', 'ram'], '--storage'],
    [['--cpus', 'x'], '--cpus'],
    [['--cpus', '0-'], '--cpus'],
    [['--cpus', String(os.cpus().length)], '--cpus'],
  ] as const) {
    test(`broker start ${args.join(' ')}: usage error (exit 2) naming ${option}, nothing started`, async () => {
      const r = await runKbench(['broker', 'start', ...args, '--run-root', runRoot], cache.env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^kbench: ${option}`));
      assert.equal(readState(), undefined);
      assert.deepEqual(processesMentioning(`${runRoot}${path.sep}`), []);
    });
  }

  test('broker fetch without Java and Maven: one clear error (exit 1)', async () => {
    const env: NodeJS.ProcessEnv = { ...cache.env, PATH: emptyBin, KBENCH_KAFKA_CACHE: path.join(cache.dir, 'no-jars') };
    delete env.JAVA_HOME;
    const r = await runKbench(['broker', 'fetch'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Java: no 'java' found on PATH/);
    assert.match(r.stderr, /Maven: no 'mvn' found on PATH/);
    assert.match(r.stderr, /--brokers host:port/);
    assert.equal(fs.existsSync(path.join(cache.dir, 'no-jars')), false, 'nothing written');
  });

  test('broker start without Java: the supervisor reports it, nothing keeps running', async () => {
    const env: NodeJS.ProcessEnv = { ...cache.env, PATH: emptyBin };
    delete env.JAVA_HOME;
    const r = await runKbench(['broker', 'start', '--run-root', runRoot], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Java: no 'java' found on PATH/);
    assert.doesNotMatch(r.stderr, /Maven:/, 'the jars are cached, so Maven is not needed');
    assert.equal(readState(), undefined, 'no broker record left');
    assert.deepEqual(processesMentioning(`${runRoot}${path.sep}`), []);
    assert.deepEqual(processesMentioning(`broker serve --nodes 1 --kafka-version 3.9.2 --heap 1g --run-root ${runRoot}`), []);
  });
});

describe('kbench broker: lifecycle', () => {
  test('start, start again, status, status --json, stop, status', async (t) => {
    cleanupAfter(t);
    const started = await runKbench(['broker', 'start', '--heap', '512m', '--run-root', runRoot], cache.env);
    assert.equal(started.code, 0, started.stderr);
    const bootstrap = /^bootstrap: (\S+)$/m.exec(started.stdout)?.[1];
    assert.ok(bootstrap, started.stdout);
    assert.match(started.stdout, /^Kafka 3\.9\.2 ready in \d+\.\d s$/m);
    const state = readState();
    assert.equal(state?.status, 'ready');
    assert.equal(state?.bootstrap, bootstrap);
    assert.ok(processRunning(state.pid), 'the supervisor runs after start returned');
    const runDir = state.runDir!;
    assert.ok(processesOfRun(runDir).length > 0, 'its JVM runs');
    assert.deepEqual((await describeCluster({ brokers: [bootstrap] })).brokers.map((b) => b.nodeId), [0]);

    const again = await runKbench(['broker', 'start', '--run-root', runRoot], cache.env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already running at 127\.0\.0\.1:\d+.*kbench broker stop/);
    assert.equal(readState()?.pid, state.pid, 'the running broker is untouched');

    const status = await runKbench(['broker', 'status'], cache.env);
    assert.equal(status.code, 0, status.stdout);
    assert.ok(status.stdout.includes(`bootstrap   ${bootstrap}`));
    assert.match(status.stdout, /node 0 .* up$/m);

    const json = await runKbench(['broker', 'status', '--json'], cache.env);
    const parsed = JSON.parse(json.stdout) as { running: boolean; bootstrap: string; kafkaVersion: string; cluster: { brokers: unknown[] } };
    assert.equal(parsed.running, true);
    assert.equal(parsed.bootstrap, bootstrap);
    assert.equal(parsed.kafkaVersion, '3.9.2');
    assert.equal(parsed.cluster.brokers.length, 1);

    const stopped = await runKbench(['broker', 'stop'], cache.env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /^stopped Kafka 3\.9\.2 at 127\.0\.0\.1:\d+/);
    assert.equal(processRunning(state.pid), false, 'supervisor gone');
    assert.deepEqual(processesOfRun(runDir), [], 'no JVM remains');
    assert.equal(fs.existsSync(runDir), false, 'run directory removed');
    assert.equal(readState(), undefined, 'record removed');

    const after = await runKbench(['broker', 'status'], cache.env);
    assert.equal(after.code, 1);
    assert.equal(after.stdout, 'not running\n');
    const stopAgain = await runKbench(['broker', 'stop'], cache.env);
    assert.equal(stopAgain.code, 0);
    assert.equal(stopAgain.stdout, 'not running\n');
  });

  test('--storage tmpfs --cpus 0: recorded, shown by status, applied to the JVM, removed by stop', { skip: (tmpfsProblem() !== undefined || !findTaskset()) && 'needs a usable /dev/shm and taskset' }, async (t) => {
    cleanupAfter(t);
    const started = await runKbench(['broker', 'start', '--heap', '512m', '--run-root', runRoot, '--storage', 'tmpfs', '--cpus', '0'], cache.env);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^data: tmpfs \/dev\/shm\/kbench-broker-data-\S+$/m);
    assert.match(started.stdout, /^broker CPUs: 0$/m);
    const state = readState()!;
    assert.equal(state.storage?.kind, 'tmpfs');
    assert.deepEqual(state.cpus, [0]);
    assert.deepEqual(state.dataDirs, [path.join(state.storage!.path, 'node-0')]);
    assert.equal(cpusAllowed(state.nodes![0]!.pid!), '0');
    const status = await runKbench(['broker', 'status'], cache.env);
    assert.equal(status.code, 0, status.stdout);
    assert.ok(status.stdout.includes(`  storage     tmpfs ${state.storage!.path}\n`), status.stdout);
    assert.ok(status.stdout.includes('  cpus        0\n'), status.stdout);
    const json = JSON.parse((await runKbench(['broker', 'status', '--json'], cache.env)).stdout) as BrokerState;
    assert.deepEqual(json.storage, state.storage);
    assert.deepEqual(json.cpus, [0]);
    const stopped = await runKbench(['broker', 'stop'], cache.env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(fs.existsSync(state.storage!.path), false, 'tmpfs data removed');
  });

  test('SIGKILL of the supervisor: its JVM dies too, and status reports not running', async (t) => {
    cleanupAfter(t);
    const started = await runKbench(['broker', 'start', '--heap', '512m', '--run-root', runRoot], cache.env);
    assert.equal(started.code, 0, started.stderr);
    const state = readState()!;
    assert.ok(processesOfRun(state.runDir!).length > 0);
    process.kill(state.pid, 'SIGKILL');
    assert.equal(await waitForExit(state.pid, 5000), true);
    assert.equal(await waitForNoProcesses(`${state.runDir!}${path.sep}`, 15_000), true, 'the JVM died with its supervisor');
    const status = await runKbench(['broker', 'status'], cache.env);
    assert.equal(status.code, 1);
    assert.equal(status.stdout, 'not running\n');
    assert.equal(readState(), undefined, 'the stale record was removed');
  });
});
