// Topic operations against a real broker are covered by test/integration/roundtrip.test.ts and
// test/broker/cluster.test.ts; this file holds what needs no broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCluster, parseBrokerList } from '../../src/broker/admin.js';
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
