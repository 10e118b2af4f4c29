// The embedded cluster against real JVMs: a three-node cluster with replicated topics and node faults,
// start-up failures, and every way the process that owns a broker can end (stop, exit, signal, SIGKILL).
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import { logExcerpt } from '../../src/broker/cluster.js';
import { createTopic, deleteTopicAndWait, describeCluster, kafkajsClient, startBroker, topicDirectories, topicEndOffsetsTotal, withAdmin } from '../../src/broker/index.js';
import { freePorts } from '../../src/broker/ports.js';
import { processRunning, waitForExit, waitForNoProcesses } from '../../src/broker/procs.js';
import { removeAbandonedStorage } from '../../src/broker/storage.js';
import { EnvironmentError, UsageError } from '../../src/util/errors.js';
import { processesOfRun, withBroker } from '../helpers/broker.js';
import { projectRoot } from '../../src/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-cluster-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function produce(conn: { brokers: string[] }, topic: string, count: number): Promise<void> {
  const producer = kafkajsClient(conn, 'kbench-test').producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}` })) });
  } finally {
    await producer.disconnect();
  }
}

describe('three-node cluster', () => {
  test('replication factor 3: three replicas in sync; a killed node restarts and rejoins', async (t) => {
    const broker = await withBroker(t, { nodes: 3, heap: '512m', runRoot: tmp });
    const runDir = broker.runDir;
    t.after(async () => {
      await broker.stop();
      assert.deepEqual(processesOfRun(runDir), [], 'no JVM of the cluster remains');
      assert.equal(fs.existsSync(runDir), false, 'run directory removed');
    });

    assert.equal(broker.nodes.length, 3);
    assert.equal(broker.bootstrap.split(',').length, 3);
    assert.deepEqual(broker.nodes.map((n) => n.id), [0, 1, 2]);
    assert.equal(new Set(broker.nodes.map((n) => n.port)).size, 3);
    for (const n of broker.nodes) {
      assert.ok(n.running && n.pid !== undefined && processRunning(n.pid), `node ${n.id} JVM runs`);
      assert.match(fs.readFileSync(path.join(n.dir, 'server.properties'), 'utf8'), /controller\.quorum\.voters=0@127\.0\.0\.1:\d+,1@127\.0\.0\.1:\d+,2@127\.0\.0\.1:\d+/);
    }
    const info = await describeCluster(broker.connection);
    assert.deepEqual(info.brokers.map((b) => b.nodeId), [0, 1, 2]);
    assert.equal(info.clusterId, broker.clusterId);

    await createTopic(broker.connection, { topic: 'rf3', partitions: 3, replication: 3, configs: { 'min.insync.replicas': '2' } });
    const meta = await withAdmin(broker.connection, (admin) => admin.fetchTopicMetadata({ topics: ['rf3'] }));
    const partitions = meta.topics[0]!.partitions;
    assert.equal(partitions.length, 3);
    for (const p of partitions) {
      assert.deepEqual([...p.replicas].sort(), [0, 1, 2], `partition ${p.partitionId} replicas`);
      assert.deepEqual([...p.isr].sort(), [0, 1, 2], `partition ${p.partitionId} ISR`);
    }
    await produce(broker.connection, 'rf3', 300);
    assert.equal(await topicEndOffsetsTotal(broker.connection, 'rf3'), 300);

    // Fault handles: SIGKILL a node, bring it back, and the cluster takes acks=all writes again.
    const victim = broker.nodes[2]!;
    const oldPid = victim.pid!;
    await broker.killNode(2);
    assert.equal(victim.running, false);
    assert.equal(await waitForExit(oldPid, 5000), true, 'the killed JVM is gone');
    await broker.restartNode(2);
    assert.ok(victim.running);
    assert.notEqual(victim.pid, oldPid);
    assert.deepEqual((await describeCluster({ brokers: [`127.0.0.1:${victim.port}`] })).brokers.map((b) => b.nodeId), [0, 1, 2]);
    await produce(broker.connection, 'rf3', 200);
    assert.equal(await topicEndOffsetsTotal(broker.connection, 'rf3'), 500);

    // A finished deletion: every node has removed its replicas' directories.
    assert.equal(broker.dataDirs.length, 3);
    for (const d of broker.dataDirs) assert.equal(topicDirectories(d, 'rf3').length, 3, `three replicas in ${d}`);
    const deletion = await deleteTopicAndWait(broker.connection, 'rf3', { dataDirs: broker.dataDirs });
    assert.equal(deletion.existed, true);
    for (const d of broker.dataDirs) assert.deepEqual(topicDirectories(d, 'rf3'), [], `nothing of rf3 left in ${d}`);
  });
});

describe('start-up failures leave nothing behind', () => {
  test('bad options are usage errors naming the option, before anything is created', async () => {
    const root = path.join(tmp, 'bad-options');
    await assert.rejects(startBroker({ nodes: 0, runRoot: root }), (e: unknown) => e instanceof UsageError && /--nodes/.test(e.message));
    await assert.rejects(startBroker({ heap: 'lots', runRoot: root }), (e: unknown) => e instanceof UsageError && /--heap/.test(e.message));
    await assert.rejects(startBroker({ kafkaVersion: '2.8', runRoot: root }), (e: unknown) => e instanceof UsageError && /--kafka-version/.test(e.message));
    assert.equal(fs.existsSync(root), false);
  });

  test('an unusable run directory is an EnvironmentError naming it', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const root = path.join(file, 'runs');
    await assert.rejects(startBroker({ runRoot: root }), (e: unknown) => {
      assert.ok(e instanceof EnvironmentError);
      assert.ok(e.message.includes(root), e.message);
      return true;
    });
  });

  test('a broker that dies during start-up is reported with the error from its server.log', async () => {
    const root = path.join(tmp, 'early-exit');
    // Valid for the storage format, fatal when the broker starts.
    const serverProperties = { 'authorizer.class.name': 'no.such.Authorizer' };
    await assert.rejects(startBroker({ runRoot: root, heap: '512m', serverProperties }), (e: unknown) => {
      assert.ok(e instanceof EnvironmentError);
      assert.match(e.message, /Kafka node 0 exited during start-up \(exit code 1\)/);
      assert.match(e.message, /server\.log ---\n.*ERROR.*\njava\.lang\.ClassNotFoundException: no\.such\.Authorizer/);
      return true;
    });
    assert.equal(await waitForNoProcesses(`${root}${path.sep}`, 5000), true);
    assert.deepEqual(fs.readdirSync(root), [], 'run directory removed');
  });

  test('ports taken before Kafka binds them: retried with new ports, at most 3 attempts', async (t) => {
    const root = path.join(tmp, 'taken-ports');
    // Pin the listeners to ports this test holds, so every attempt hits "Address already in use".
    const held = await Promise.all([0, 1].map(() => new Promise<net.Server>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })));
    t.after(() => held.forEach((s) => s.close()));
    const [a, b] = held.map((s) => (s.address() as net.AddressInfo).port);
    const messages: string[] = [];
    const serverProperties = { listeners: `PLAINTEXT://127.0.0.1:${a},CONTROLLER://127.0.0.1:${b}` };
    await assert.rejects(startBroker({ runRoot: root, heap: '512m', serverProperties, log: (m) => messages.push(m) }), (e: unknown) => {
      assert.ok(e instanceof EnvironmentError);
      assert.match(e.message, /Address already in use/);
      return true;
    });
    assert.equal(messages.filter((m) => /retrying with new ports/.test(m)).length, 2);
    assert.equal(await waitForNoProcesses(`${root}${path.sep}`, 5000), true);
    assert.deepEqual(fs.readdirSync(root), []);
  });

  test('a broker that never answers: start-up times out with its log, and is stopped', async () => {
    const root = path.join(tmp, 'never-ready');
    // The JVM runs fine but listens elsewhere than where kbench probes.
    const [p1, p2] = await freePorts(2);
    const serverProperties = { listeners: `PLAINTEXT://127.0.0.1:${p1},CONTROLLER://127.0.0.1:${p2}`, 'advertised.listeners': `PLAINTEXT://127.0.0.1:${p1}` };
    await assert.rejects(startBroker({ runRoot: root, heap: '512m', serverProperties, startTimeoutMs: 3000 }), (e: unknown) => {
      assert.ok(e instanceof EnvironmentError);
      assert.match(e.message, /^Kafka did not become ready within 3 s \(last probe: node 0: .*\)/);
      assert.match(e.message, /server\.log ---\n\[/);
      return true;
    });
    assert.equal(await waitForNoProcesses(`${root}${path.sep}`, 5000), true);
    assert.deepEqual(fs.readdirSync(root), []);
  });

  test('a JVM that cannot start is reported with its own output', async () => {
    const root = path.join(tmp, 'bad-jvm');
    await assert.rejects(startBroker({ runRoot: root, jvmArgs: ['-XX:+NoSuchFlag'] }), /exited during start-up[\s\S]*jvm\.out ---\nUnrecognized VM option 'NoSuchFlag'/);
    assert.deepEqual(fs.readdirSync(root), []);
  });
});

test('logExcerpt starts at the first error and drops the KafkaConfig dump', () => {
  const lines = [
    '[2026-01-01 00:00:00,000] INFO KafkaConfig values: ',
    '\tadvertised.listeners = PLAINTEXT://127.0.0.1:1',
    ' (kafka.server.KafkaConfig)',
    '[2026-01-01 00:00:01,000] INFO starting',
    '[2026-01-01 00:00:02,000] ERROR Encountered fatal fault (x.Y)',
    'java.lang.IllegalStateException: boom',
    '\tat a.b.C.d(C.java:1)',
  ];
  assert.equal(logExcerpt(lines), lines.slice(4).join('\n'));
  assert.equal(logExcerpt(lines.slice(0, 4)), [lines[0], lines[3]].join('\n'));
});

/** Runs test/helpers/broker-child.ts and waits for the JSON line it prints once its broker is ready. */
async function brokerChild(mode: 'wait' | 'forget'): Promise<{
  child: ChildProcessByStdio<null, Readable, Readable>;
  started: { runDir: string; pids: number[] };
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const script = path.join(projectRoot, 'dist', 'test', 'helpers', 'broker-child.js');
  const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exit.then((r) => reject(new Error(`broker child exited early (${r.code ?? r.signal}): ${stderr}`)));
  });
  return { child, started: JSON.parse(line) as { runDir: string; pids: number[] }, exit };
}

/** The tmpfs data location of a run (the target of node-0/data), or undefined when its data is on disk. */
function tmpfsStorageOf(runDir: string): string | undefined {
  const link = path.join(runDir, 'node-0', 'data');
  return fs.lstatSync(link).isSymbolicLink() ? path.dirname(fs.readlinkSync(link)) : undefined;
}

describe('the JVMs never outlive the process that started them', () => {
  test('SIGKILL of the owner: the JVM dies with it (kbench-exec parent-death signal)', async (t) => {
    const { child, started, exit } = await brokerChild('wait');
    t.after(() => fs.rmSync(started.runDir, { recursive: true, force: true }));
    assert.ok(started.pids.every((pid) => processRunning(pid)));
    const storage = tmpfsStorageOf(started.runDir);
    child.kill('SIGKILL');
    await exit;
    assert.equal(await waitForNoProcesses(`${started.runDir}${path.sep}`, 15_000), true, 'no process of the run remains');
    if (storage) {
      // Its tmpfs data outlives it (memory!) only until the next start cleans up after dead owners.
      assert.ok(fs.existsSync(storage));
      removeAbandonedStorage(path.dirname(storage));
      assert.equal(fs.existsSync(storage), false, 'abandoned tmpfs data removed');
    }
  });

  test('SIGTERM: brokers stopped, run directory removed, exit code 143', async () => {
    const { child, started, exit } = await brokerChild('wait');
    const storage = tmpfsStorageOf(started.runDir);
    child.kill('SIGTERM');
    assert.deepEqual(await exit, { code: 143, signal: null });
    assert.deepEqual(processesOfRun(started.runDir), []);
    assert.equal(fs.existsSync(started.runDir), false);
    if (storage) assert.equal(fs.existsSync(storage), false, 'tmpfs data removed');
  });

  test('SIGINT: exit code 130', async () => {
    const { child, started, exit } = await brokerChild('wait');
    child.kill('SIGINT');
    assert.deepEqual(await exit, { code: 130, signal: null });
    assert.deepEqual(processesOfRun(started.runDir), []);
  });

  test('a script that forgets stop() still ends, and takes its broker down', async () => {
    const { started, exit } = await brokerChild('forget');
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.deepEqual(processesOfRun(started.runDir), []);
    assert.equal(fs.existsSync(started.runDir), false);
  });
});
