import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_KAFKA_VERSION, parseHeap, parseKafkaVersion, parseNodes } from '../../src/broker/versions.js';
import { UsageError } from '../../src/util/errors.js';

function usageError(option: string): (err: unknown) => boolean {
  return (err) => err instanceof UsageError && err.exitCode === 2 && err.message.includes(option);
}

describe('parseKafkaVersion', () => {
  test('defaults to the pinned 3.9 line, logging through reload4j', () => {
    assert.deepEqual(parseKafkaVersion(undefined), { version: DEFAULT_KAFKA_VERSION, major: 3, minor: 9, loggingProfile: 'log4j1' });
    assert.match(DEFAULT_KAFKA_VERSION, /^3\.9\.\d+$/);
  });

  test('aliases and full versions; Kafka 4 logs through log4j2', () => {
    assert.equal(parseKafkaVersion('4').version, parseKafkaVersion('4.1').version);
    assert.equal(parseKafkaVersion('4').loggingProfile, 'log4j2');
    assert.equal(parseKafkaVersion('3').version, DEFAULT_KAFKA_VERSION);
    assert.deepEqual(parseKafkaVersion('3.8.1'), { version: '3.8.1', major: 3, minor: 8, loggingProfile: 'log4j1' });
    assert.deepEqual(parseKafkaVersion(' 4.0.2 '), { version: '4.0.2', major: 4, minor: 0, loggingProfile: 'log4j2' });
  });

  test('unsupported or malformed versions are usage errors naming --kafka-version', () => {
    for (const bad of ['2.8', '2.8.2', '3.6.2', '5.0.0', 'latest', '3.8', '4.1.x', '']) {
      assert.throws(() => parseKafkaVersion(bad), usageError('--kafka-version'), bad);
    }
    assert.throws(() => parseKafkaVersion('2.8'), /not supported.*--brokers host:port/, 'points old-version users at --brokers');
    assert.throws(() => parseKafkaVersion('3.8'), /full Kafka version/, 'a minor without an alias needs its patch');
  });
});

describe('parseNodes', () => {
  test('whole numbers from 1 to 9', () => {
    assert.equal(parseNodes(undefined), 1);
    assert.equal(parseNodes('3'), 3);
    assert.equal(parseNodes(9), 9);
  });
  test('anything else names --nodes', () => {
    for (const bad of ['0', '10', '-1', '2.5', 'three', '', '1e1']) {
      assert.throws(() => parseNodes(bad), usageError('--nodes'), bad);
    }
  });
});

describe('parseHeap', () => {
  test('JVM sizes in m or g, normalised', () => {
    assert.equal(parseHeap(undefined), '1g');
    assert.equal(parseHeap('512m'), '512m');
    assert.equal(parseHeap('2G'), '2g');
  });
  test('anything else names --heap', () => {
    for (const bad of ['lots', '512', '1t', '64k', '100m', '128g', '1.5g', '']) {
      assert.throws(() => parseHeap(bad), usageError('--heap'), bad);
    }
  });
});
