import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BENCHMARK_BROKER_SETTINGS,
  CONTROLLER_LISTENER,
  isClusterId,
  newClusterId,
  nodeProperties,
  renderProperties,
  type NodeConfigInput,
} from '../../src/broker/config.js';

function input(overrides: Partial<NodeConfigInput> = {}): NodeConfigInput {
  return {
    nodeId: 0,
    host: '127.0.0.1',
    listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', port: 40001 }],
    controllerPort: 40002,
    voters: [{ id: 0, host: '127.0.0.1', port: 40002 }],
    dataDir: '/run/kb/node-0/data',
    clusterSize: 1,
    kafkaMajor: 3,
    ...overrides,
  };
}

const threeVoters = [
  { id: 0, host: '127.0.0.1', port: 41000 },
  { id: 1, host: '127.0.0.1', port: 41001 },
  { id: 2, host: '127.0.0.1', port: 41002 },
];

describe('nodeProperties', () => {
  test('single node: combined broker + controller on its own ports', () => {
    const p = nodeProperties(input());
    assert.equal(p['process.roles'], 'broker,controller');
    assert.equal(p['node.id'], '0');
    assert.equal(p['controller.quorum.voters'], '0@127.0.0.1:40002');
    assert.equal(p['controller.listener.names'], CONTROLLER_LISTENER);
    assert.equal(p.listeners, 'PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002');
    // Clients must never be sent to the controller listener.
    assert.equal(p['advertised.listeners'], 'PLAINTEXT://127.0.0.1:40001');
    assert.equal(p['listener.security.protocol.map'], 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT');
    assert.equal(p['inter.broker.listener.name'], 'PLAINTEXT');
    assert.equal(p['log.dirs'], '/run/kb/node-0/data');
    assert.equal(p['auto.create.topics.enable'], 'false');
    assert.equal(p['group.initial.rebalance.delay.ms'], '0');
    assert.equal(p['offsets.topic.replication.factor'], '1');
    assert.equal(p['transaction.state.log.replication.factor'], '1');
    assert.equal(p['transaction.state.log.min.isr'], '1');
    assert.equal(p['share.coordinator.state.topic.replication.factor'], undefined, 'no Kafka 4 settings for 3.x');
  });

  test('three nodes: every node lists all voters; internal topics replicated 3 times', () => {
    const props = [0, 1, 2].map((id) =>
      nodeProperties(
        input({
          nodeId: id,
          listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', port: 42000 + id }],
          controllerPort: 41000 + id,
          voters: threeVoters,
          dataDir: `/run/kb/node-${id}/data`,
          clusterSize: 3,
        }),
      ),
    );
    for (const [id, p] of props.entries()) {
      assert.equal(p['node.id'], String(id));
      assert.equal(p['controller.quorum.voters'], '0@127.0.0.1:41000,1@127.0.0.1:41001,2@127.0.0.1:41002');
      assert.equal(p.listeners, `PLAINTEXT://127.0.0.1:${42000 + id},CONTROLLER://127.0.0.1:${41000 + id}`);
      assert.equal(p['offsets.topic.replication.factor'], '3');
      assert.equal(p['transaction.state.log.min.isr'], '2');
      assert.equal(p['default.replication.factor'], '3');
    }
    assert.equal(new Set(props.map((p) => p['log.dirs'])).size, 3, 'each node has its own data directory');
  });

  test('internal replication is capped at 3 for larger clusters', () => {
    const voters = [0, 1, 2, 3, 4].map((id) => ({ id, host: '127.0.0.1', port: 41000 + id }));
    const p = nodeProperties(input({ voters, clusterSize: 5 }));
    assert.equal(p['offsets.topic.replication.factor'], '3');
  });

  test('Kafka 4 gets a share-group state topic its cluster can host', () => {
    const p = nodeProperties(input({ kafkaMajor: 4 }));
    assert.equal(p['share.coordinator.state.topic.replication.factor'], '1');
    assert.equal(p['share.coordinator.state.topic.min.isr'], '1');
  });

  test('SASL and TLS listeners are data: protocol map, per-listener settings, inter-broker choice', () => {
    const p = nodeProperties(
      input({
        listeners: [
          { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', port: 40001 },
          {
            name: 'SASL_SCRAM',
            securityProtocol: 'SASL_PLAINTEXT',
            port: 40003,
            config: { 'scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;' },
          },
          { name: 'TLS', securityProtocol: 'SSL', port: 40004, config: { 'ssl.keystore.location': '/k/ks.p12' } },
        ],
        interBrokerListener: 'SASL_SCRAM',
        overrides: { 'sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN', 'num.io.threads': 8 },
      }),
    );
    assert.equal(p.listeners, 'PLAINTEXT://127.0.0.1:40001,SASL_SCRAM://127.0.0.1:40003,TLS://127.0.0.1:40004,CONTROLLER://127.0.0.1:40002');
    assert.equal(p['listener.security.protocol.map'], 'PLAINTEXT:PLAINTEXT,SASL_SCRAM:SASL_PLAINTEXT,TLS:SSL,CONTROLLER:PLAINTEXT');
    assert.equal(p['inter.broker.listener.name'], 'SASL_SCRAM');
    assert.equal(p['listener.name.sasl_scram.scram-sha-512.sasl.jaas.config'], 'org.apache.kafka.common.security.scram.ScramLoginModule required;');
    assert.equal(p['listener.name.tls.ssl.keystore.location'], '/k/ks.p12');
    assert.equal(p['sasl.enabled.mechanisms'], 'SCRAM-SHA-512,PLAIN');
    assert.equal(p['num.io.threads'], '8', 'overrides win over kbench defaults');
  });

  test('benchmark settings: no segment roll, retention or compaction inside an arm; deleted topics go at once', () => {
    const p = nodeProperties(input());
    assert.equal(p['log.segment.bytes'], String(1024 ** 3));
    assert.equal(p['log.retention.ms'], '-1');
    assert.equal(p['log.retention.bytes'], '-1');
    assert.equal(p['log.retention.check.interval.ms'], '2147483647');
    assert.ok(Number(p['log.retention.check.interval.ms']) * 1e6 < 2 ** 63, 'the period in nanoseconds fits a Java long');
    assert.equal(p['log.cleaner.enable'], 'false');
    // The broker-level name of file.delete.delay.ms; the topic-level name would be ignored in server.properties.
    assert.equal(p['log.segment.delete.delay.ms'], '100');
    assert.equal(p['file.delete.delay.ms'], undefined);
    assert.ok(Number(p['log.segment.delete.delay.ms']) > 0, '0 makes the delete task spin every 1 ms');
    for (const k of Object.keys(p)) assert.doesNotMatch(k, /^log\.flush\./, 'flushing stays with the OS page cache');
    for (const [k, v] of Object.entries(BENCHMARK_BROKER_SETTINGS)) assert.equal(p[k], v, k);
  });

  test('log.initial.task.delay.ms=0 only where Kafka knows it (3.8+)', () => {
    assert.equal(nodeProperties(input({ kafkaMajor: 3, kafkaMinor: 9 }))['log.initial.task.delay.ms'], '0');
    assert.equal(nodeProperties(input({ kafkaMajor: 3, kafkaMinor: 8 }))['log.initial.task.delay.ms'], '0');
    assert.equal(nodeProperties(input({ kafkaMajor: 4, kafkaMinor: 1 }))['log.initial.task.delay.ms'], '0');
    assert.equal(nodeProperties(input({ kafkaMajor: 3, kafkaMinor: 7 }))['log.initial.task.delay.ms'], undefined);
  });

  test('overrides win over the benchmark settings', () => {
    const p = nodeProperties(input({ overrides: { 'log.cleaner.enable': true, 'log.retention.ms': 60_000 } }));
    assert.equal(p['log.cleaner.enable'], 'true');
    assert.equal(p['log.retention.ms'], '60000');
  });

  test('inconsistent listener layouts are rejected', () => {
    assert.throws(() => nodeProperties(input({ listeners: [] })), /at least one client listener/);
    assert.throws(
      () => nodeProperties(input({ listeners: [{ name: 'CONTROLLER', securityProtocol: 'PLAINTEXT', port: 1 }] })),
      /reserved/,
    );
    assert.throws(
      () =>
        nodeProperties(
          input({
            listeners: [
              { name: 'A', securityProtocol: 'PLAINTEXT', port: 1 },
              { name: 'A', securityProtocol: 'SSL', port: 2 },
            ],
          }),
        ),
      /duplicate listener name A/,
    );
    assert.throws(() => nodeProperties(input({ listeners: [{ name: 'plain', securityProtocol: 'PLAINTEXT', port: 1 }] })), /upper case/);
    assert.throws(() => nodeProperties(input({ interBrokerListener: 'NOPE' })), /inter-broker listener NOPE/);
    assert.throws(() => nodeProperties(input({ nodeId: 7 })), /node 7 is not in the controller quorum/);
  });
});

describe('renderProperties', () => {
  test('one key=value per line, with a comment header', () => {
    const text = renderProperties({ 'node.id': '1', listeners: 'PLAINTEXT://127.0.0.1:1' }, 'kbench node 1');
    assert.equal(text, '# kbench node 1\nnode.id=1\nlisteners=PLAINTEXT://127.0.0.1:1\n');
  });

  test('escapes what Java .properties would misread', () => {
    const text = renderProperties({ 'a key=x': 'C:\\dir\nnext', k: '#not a comment' });
    assert.equal(text, 'a\\ key\\=x=C:\\\\dir\\nnext\nk=\\#not a comment\n');
  });
});

describe('cluster id', () => {
  test('22 characters of base64url (16 bytes), never starting with "-"', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newClusterId();
      assert.match(id, /^[A-Za-z0-9_-]{22}$/);
      assert.notEqual(id[0], '-');
      assert.equal(Buffer.from(id, 'base64url').length, 16);
      assert.ok(isClusterId(id), id);
      ids.add(id);
    }
    assert.equal(ids.size, 2000);
  });

  test('isClusterId rejects what Kafka would reject', () => {
    assert.ok(!isClusterId('too-short'));
    assert.ok(!isClusterId('-bcdefghijklmnopqrstuA'), 'leading dash');
    assert.ok(!isClusterId('abcdefghijklmnopqrstuB'), '22nd character carries only 2 bits');
    assert.ok(!isClusterId('abcdefghijklmnopqrst+A'), 'not base64url');
  });
});
