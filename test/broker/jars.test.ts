import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { cachedKafkaJars, classifyMavenFailure, kafkaHome, resolveKafkaJars } from '../../src/broker/jars.js';
import { findExecutable } from '../../src/broker/preflight.js';
import { parseKafkaVersion } from '../../src/broker/versions.js';
import { EnvironmentError, UsageError } from '../../src/util/errors.js';
import { writeScript } from '../helpers/broker.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-jars-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
// A version nobody else uses, in a private cache: these tests never touch the real jars.
const info = parseKafkaVersion('3.8.1');
let n = 0;

/** A private jar cache and a stand-in mvn that "resolves" two jars (counting its runs). */
function setup(mvnBody?: string): { env: NodeJS.ProcessEnv; mvn: string; runs(): number; root: string } {
  const root = path.join(tmp, `case-${++n}`);
  fs.mkdirSync(root);
  const count = path.join(root, 'mvn-runs');
  const body =
    mvnBody ??
    `for a in "$@"; do case "$a" in -Dkafka.version=*) v="\${a#-Dkafka.version=}";; -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done
echo run >> '${count}'
sleep 0.3
touch "$out/kafka_2.13-$v.jar" "$out/kafka-clients-$v.jar"`;
  const mvn = writeScript(root, 'mvn', body);
  return {
    root,
    mvn,
    env: { ...process.env, KBENCH_KAFKA_CACHE: path.join(root, 'cache') },
    runs: () => (fs.existsSync(count) ? fs.readFileSync(count, 'utf8').trim().split('\n').length : 0),
  };
}

function leftovers(cacheRoot: string): string[] {
  return fs.existsSync(cacheRoot) ? fs.readdirSync(cacheRoot).filter((e) => e.startsWith('.')) : [];
}

describe('resolveKafkaJars', () => {
  test('resolves once into <cache>/kafka-<version>/libs, then reuses it', async () => {
    const s = setup();
    const first = await resolveKafkaJars(info, { mvn: s.mvn, env: s.env });
    assert.equal(first.cached, false);
    assert.equal(first.home, kafkaHome(info.version, s.env));
    assert.equal(first.libsDir, path.join(s.root, 'cache', 'kafka-3.8.1', 'libs'));
    assert.equal(first.classpath, path.join(first.libsDir, '*'));
    assert.deepEqual(fs.readdirSync(first.libsDir).sort(), ['kafka-clients-3.8.1.jar', 'kafka_2.13-3.8.1.jar']);
    const second = await resolveKafkaJars(info, { mvn: s.mvn, env: s.env });
    assert.equal(second.cached, true);
    assert.equal(second.jarCount, 2);
    assert.equal(s.runs(), 1, 'Maven ran once');
    assert.deepEqual(leftovers(path.join(s.root, 'cache')), []);
  });

  test('two concurrent resolutions both succeed and leave one complete directory', async () => {
    const s = setup();
    const [a, b] = await Promise.all([
      resolveKafkaJars(info, { mvn: s.mvn, env: s.env }),
      resolveKafkaJars(info, { mvn: s.mvn, env: s.env }),
    ]);
    assert.equal(a.libsDir, b.libsDir);
    assert.ok(cachedKafkaJars(info, s.env));
    assert.deepEqual(fs.readdirSync(path.join(s.root, 'cache')), ['kafka-3.8.1']);
  });

  test('a cache made from another pom is resolved again and swapped in', async () => {
    const s = setup();
    const first = await resolveKafkaJars(info, { mvn: s.mvn, env: s.env });
    const marker = path.join(first.home, 'kbench-resolved.json');
    fs.writeFileSync(marker, JSON.stringify({ ...JSON.parse(fs.readFileSync(marker, 'utf8')), pomSha256: 'old' }));
    assert.equal(cachedKafkaJars(info, s.env), undefined);
    const again = await resolveKafkaJars(info, { mvn: s.mvn, env: s.env });
    assert.equal(again.cached, false);
    assert.equal(s.runs(), 2);
    assert.ok(cachedKafkaJars(info, s.env));
    assert.deepEqual(leftovers(path.join(s.root, 'cache')), []);
  });

  test('temporary directories of dead resolutions are cleaned up', async () => {
    const s = setup();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const cache = path.join(s.root, 'cache');
    fs.mkdirSync(path.join(cache, `.kafka-3.8.1.tmp-${dead}-abc`, 'libs'), { recursive: true });
    await resolveKafkaJars(info, { mvn: s.mvn, env: s.env });
    assert.deepEqual(leftovers(cache), []);
  });

  test('Maven failing to reach Central: EnvironmentError, nothing left in the cache', async () => {
    const s = setup(
      `echo "[ERROR] Plugin org.apache.maven.plugins:maven-dependency-plugin:3.8.1 could not be resolved: Could not transfer artifact ... from/to central (https://repo.maven.apache.org/maven2): Unknown host repo.maven.apache.org"; exit 1`,
    );
    await assert.rejects(resolveKafkaJars(info, { mvn: s.mvn, env: s.env }), (err: unknown) => {
      assert.ok(err instanceof EnvironmentError);
      assert.match(err.message, /could not download the Kafka 3\.8\.1 jars from Maven Central/);
      assert.match(err.message, /Unknown host/);
      assert.match(err.message, /--brokers host:port/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(path.join(s.root, 'cache')), []);
  });

  test('real Maven with Central unreachable (proxy to a closed port, empty local repository)', { skip: !findExecutable('mvn', process.env.PATH) && 'mvn not installed' }, async () => {
    const s = setup();
    const env = {
      ...s.env,
      MAVEN_OPTS: `-Dmaven.repo.local=${path.join(s.root, 'm2')} -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=9 -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=9`,
    };
    const mvn = findExecutable('mvn', process.env.PATH)!;
    await assert.rejects(resolveKafkaJars(info, { mvn, env }), (err: unknown) => {
      assert.ok(err instanceof EnvironmentError, String(err));
      assert.match(err.message, /Maven Central/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(path.join(s.root, 'cache')), []);
  });
});

describe('classifyMavenFailure', () => {
  test('a version that is not on Central is a usage error naming --kafka-version', () => {
    const out =
      '[ERROR] Failed to execute goal on project kbench-broker: Could not resolve dependencies for project dev.kbench:kbench-broker:pom:1: ' +
      'The following artifacts could not be resolved: org.apache.kafka:kafka_2.13:jar:3.9.7: Could not find artifact ' +
      'org.apache.kafka:kafka_2.13:jar:3.9.7 in central (https://repo.maven.apache.org/maven2) -> [Help 1]';
    const err = classifyMavenFailure('3.9.7', out, 1);
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /^--kafka-version 3\.9\.7: Kafka 3\.9\.7 is not on Maven Central/);
  });

  test('network failures point at the network and at --brokers', () => {
    for (const cause of ['Connect to 127.0.0.1:9 [/127.0.0.1] failed: Connection refused', 'Network is unreachable', 'Read timed out']) {
      const err = classifyMavenFailure('3.9.2', `\x1b[0m[ERROR] Could not transfer artifact x from/to central: ${cause}`, 1);
      assert.ok(err instanceof EnvironmentError);
      assert.match(err.message, /Maven Central/);
      assert.ok(err.message.includes(cause));
      assert.ok(!err.message.includes('\x1b'), 'colour codes stripped');
    }
  });

  test('anything else keeps Maven\'s own words', () => {
    const err = classifyMavenFailure('3.9.2', '[ERROR] The goal you specified requires a project to execute\n', 1);
    assert.ok(err instanceof EnvironmentError);
    assert.match(err.message, /exit code 1.*requires a project/s);
  });
});
