// Topic operations against a real broker are covered by test/integration/roundtrip.test.ts and
// test/broker/cluster.test.ts; this file holds what needs no broker.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { describeCluster, parseBrokerList, topicDirectories } from '../../src/broker/admin.js';
import { freePorts } from '../../src/broker/ports.js';
import { UsageError } from '../../src/util/errors.js';

test('parseBrokerList accepts host:port lists', () => {
  assert.deepEqual(parseBrokerList('127.0.0.1:9092'), ['127.0.0.1:9092']);
  assert.deepEqual(parseBrokerList('a.example:9092, b-2:19092,[::1]:9093'), ['a.example:9092', 'b-2:19092', '[::1]:9093']);
});

test('parseBrokerList names --brokers on bad input', () => {
  for (const bad of ['', 'localhost', 'host:0', 'host:70000', 'host:port', ',']) {
    assert.throws(() => parseBrokerList(bad), (err: unknown) => err instanceof UsageError && /--brokers/.test(err.message), bad);
  }
});

test('describeCluster fails (does not hang) when nothing listens', async () => {
  const [port] = await freePorts(1);
  await assert.rejects(describeCluster({ brokers: [`127.0.0.1:${port}`] }, { retries: 0, connectionTimeoutMs: 500 }));
});

test('topicDirectories: a topic\'s partitions and their renamed-for-deletion directories, no other topic\'s', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-admin-test-'));
  try {
    const uuid = '0123456789abcdef0123456789abcdef';
    const long = `t${'x'.repeat(248)}`; // 249 characters, Kafka's longest topic name
    const longDeleted = `${long.slice(0, 255 - `-0.${uuid}-delete`.length)}-0.${uuid}-delete`;
    const names = [
      'bench-0', 'bench-12', `bench-3.${uuid}-delete`, `bench-4.${uuid}-stray`, `bench-5.${uuid}-future`,
      'bench-1-0', `bench-1-2.${uuid}-delete`, 'bench', 'bench-x', 'benchmark-0', '__cluster_metadata-0', 'meta.properties',
      longDeleted,
    ];
    for (const n of names) fs.mkdirSync(path.join(dir, n));
    const base = (t: string): string[] => topicDirectories(dir, t).map((p) => path.basename(p)).sort();
    assert.deepEqual(base('bench'), ['bench-0', 'bench-12', `bench-3.${uuid}-delete`, `bench-4.${uuid}-stray`, `bench-5.${uuid}-future`].sort());
    assert.deepEqual(base('bench-1'), ['bench-1-0', `bench-1-2.${uuid}-delete`]);
    assert.equal(longDeleted.length, 255);
    assert.deepEqual(base(long), [longDeleted]);
    assert.deepEqual(base('nothing'), []);
    assert.deepEqual(topicDirectories(path.join(dir, 'missing'), 'bench'), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
