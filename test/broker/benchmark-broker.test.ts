// The broker as benchmarks run it: data on tmpfs, JVMs pinned to CPUs, and topic deletion that is
// finished (files gone from every node) before the next arm starts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import { createTopic, deleteTopicAndWait, kafkajsClient, startBroker, topicDirectories, withAdmin, type KafkaConnection } from '../../src/broker/index.js';
import { cpusAllowed, findTaskset } from '../../src/util/cpus.js';
import { TMPFS_ROOT, tmpfsProblem } from '../../src/broker/storage.js';
import { EnvironmentError, UsageError } from '../../src/util/errors.js';
import { processesOfRun, withBroker } from '../helpers/broker.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-bench-broker-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const shmUsable = tmpfsProblem() === undefined;

async function produce(conn: KafkaConnection, topic: string, count: number): Promise<void> {
  const producer = kafkajsClient(conn, 'kbench-test').producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `m${i}` })) });
  } finally {
    await producer.disconnect();
  }
}

/** Creates a 3-partition topic with data, deletes it with deleteTopicAndWait, and checks nothing of it remains. */
async function deleteFinishes(conn: KafkaConnection, dataDirs: readonly string[], topic: string): Promise<number> {
  await createTopic(conn, { topic, partitions: 3, replication: 1 });
  await produce(conn, topic, 300);
  assert.equal(dataDirs.flatMap((d) => topicDirectories(d, topic)).length, 3, 'three partition directories before the deletion');
  const r = await deleteTopicAndWait(conn, topic, { dataDirs, timeoutMs: 30_000 });
  assert.equal(r.existed, true);
  assert.deepEqual(dataDirs.flatMap((d) => topicDirectories(d, topic)), [], 'no directory of the topic remains');
  for (const d of dataDirs) assert.deepEqual(fs.readdirSync(d).filter((e) => e.startsWith(topic)), [], `nothing named ${topic}* in ${d}`);
  assert.equal((await withAdmin(conn, (a) => a.listTopics())).includes(topic), false);
  return r.elapsedMs;
}

describe('benchmark broker', () => {
  test('tmpfs data, JVM pinned to CPU 0, deleteTopicAndWait leaves no directory', { skip: (!shmUsable || !findTaskset()) && 'needs a usable /dev/shm and taskset' }, async (t) => {
    const broker = await withBroker(t, { heap: '512m', runRoot: tmp, storage: 'tmpfs', cpus: [0] });
    const node = broker.nodes[0]!;
    const pid = node.pid!;

    // CPU placement: the JVM itself (taskset exec'd into it) and every one of its threads.
    assert.deepEqual(broker.cpus, [0]);
    assert.equal(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 'java');
    assert.equal(cpusAllowed(pid), '0');
    const threads = fs.readdirSync(`/proc/${pid}/task`);
    assert.ok(threads.length > 10);
    for (const tid of threads) assert.equal(cpusAllowed(pid, Number(tid)) ?? '0', '0', `thread ${tid}`);
    assert.ok(broker.jvmFlags.includes('-XX:+AlwaysPreTouch'));
    assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /-Xms512m\0-Xmx512m\0-XX:\+AlwaysPreTouch\0/);

    // Storage: log.dirs on tmpfs, linked from the run directory.
    assert.equal(broker.storage.kind, 'tmpfs');
    assert.equal(path.dirname(broker.storage.path), TMPFS_ROOT);
    assert.deepEqual(broker.dataDirs, [path.join(broker.storage.path, 'node-0')]);
    assert.equal(node.dataDir, broker.dataDirs[0]);
    assert.ok(fs.existsSync(path.join(node.dataDir, 'meta.properties')), 'the storage was formatted there');
    assert.equal(fs.readlinkSync(path.join(node.dir, 'data')), node.dataDir);
    const props = fs.readFileSync(path.join(node.dir, 'server.properties'), 'utf8');
    assert.ok(props.includes(`log.dirs=${node.dataDir}\n`));
    assert.match(props, /^log\.segment\.delete\.delay\.ms=100$/m);
    assert.match(props, /^log\.cleaner\.enable=false$/m);

    const ms = await deleteFinishes(broker.connection, broker.dataDirs, 'bench-del');
    t.diagnostic(`deleteTopicAndWait on tmpfs: ${ms.toFixed(0)} ms`);
    const again = await deleteTopicAndWait(broker.connection, 'bench-del', { dataDirs: broker.dataDirs });
    assert.equal(again.existed, false, 'deleting a topic that is gone is not an error');

    const { runDir } = broker;
    const storageDir = broker.storage.path;
    await broker.stop();
    assert.deepEqual(processesOfRun(runDir), []);
    assert.equal(fs.existsSync(runDir), false, 'run directory removed');
    assert.equal(fs.existsSync(storageDir), false, 'tmpfs data directory removed');
  });

  test('auto without a usable tmpfs: disk in the run directory, with the reason', async (t) => {
    const notTmpfs = path.join(tmp, 'not-tmpfs');
    fs.mkdirSync(notTmpfs);
    const broker = await withBroker(t, { heap: '512m', runRoot: tmp, storage: 'auto', tmpfsRoot: notTmpfs });
    assert.equal(broker.storage.kind, 'disk');
    assert.equal(broker.storage.path, broker.runDir);
    assert.match(broker.storage.reason ?? '', /^tmpfs unavailable: .*not-tmpfs is not a tmpfs/);
    assert.equal(broker.cpus, undefined);
    assert.deepEqual(broker.dataDirs, [path.join(broker.runDir, 'node-0', 'data')]);
    const ms = await deleteFinishes(broker.connection, broker.dataDirs, 'bench-del-disk');
    t.diagnostic(`deleteTopicAndWait on disk: ${ms.toFixed(0)} ms`);
    assert.deepEqual(fs.readdirSync(notTmpfs), [], 'nothing was made in the rejected tmpfs root');
  });

  test('bad storage / cpus: usage errors before anything is created; tmpfs asked for but unusable: an EnvironmentError', async () => {
    const root = path.join(tmp, 'bad');
    await assert.rejects(startBroker({ runRoot: root, storage: 'ram' as never }), (e: unknown) => e instanceof UsageError && /^storage must be tmpfs, disk, auto/.test(e.message));
    await assert.rejects(startBroker({ runRoot: root, cpus: [] }), (e: unknown) => e instanceof UsageError && /cpus must list at least one CPU/.test(e.message));
    await assert.rejects(startBroker({ runRoot: root, cpus: [os.cpus().length] }), (e: unknown) => e instanceof UsageError && /is not a CPU of this machine/.test(e.message));
    await assert.rejects(startBroker({ runRoot: root, cpus: [0.5] }), UsageError);
    assert.equal(fs.existsSync(root), false);
    const notTmpfs = path.join(tmp, 'not-tmpfs-2');
    fs.mkdirSync(notTmpfs);
    await assert.rejects(startBroker({ runRoot: root, storage: 'tmpfs', tmpfsRoot: notTmpfs }), (e: unknown) => {
      assert.ok(e instanceof EnvironmentError);
      assert.match(e.message, /^tmpfs storage was asked for, but .*not-tmpfs-2 is not a tmpfs/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(root), [], 'run directory removed');
  });
});
