// Issue 7, fault 3: on the 3-node embedded cluster, one node is SIGKILLed and restarted while an
// idempotent acks=all producer runs; every acknowledged message must be in the topic exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactlyOnceUnderNodeFailure } from '../../src/faults/exactly-once.js';
import { withBroker } from '../helpers/broker.js';

test('a node killed and restarted during an acks=all idempotent run: nothing acknowledged is lost or duplicated', async (t) => {
  const broker = await withBroker(t, { nodes: 3, heap: '512m' });
  const r = await exactlyOnceUnderNodeFailure(broker, { topic: 'kbench-exactly-once', messages: 200_000, rate: 25_000, log: (l) => t.diagnostic(l) });
  t.diagnostic(`sent ${r.sent}, acknowledged ${r.acked}, failed ${r.failed}, read back ${r.read} distinct of ${r.topicRecords} records, lost ${r.lost}, duplicated ${r.duplicated}, failed-but-present ${r.failedButPresent}, errors ${JSON.stringify(r.errors)}`);
  assert.equal(r.sent, 200_000);
  assert.ok(r.acked > 0, 'the producer got acknowledgements');
  assert.equal(r.acked + r.failed, r.sent, 'every message has exactly one delivery report');
  assert.equal(r.lost, 0, 'no acknowledged message is missing from the topic');
  assert.equal(r.duplicated, 0, 'idempotence: no message is in the topic twice');
  assert.equal(r.topicRecords, r.read, 'every record in the topic is a distinct message of this run');
});
