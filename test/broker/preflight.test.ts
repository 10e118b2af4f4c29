import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { findExecutable, findJava, parseJavaMajor, preflight } from '../../src/broker/preflight.js';
import { EnvironmentError } from '../../src/util/errors.js';
import { writeScript } from '../helpers/broker.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-preflight-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A directory holding a stand-in `java` that reports `version`. */
function fakeJavaDir(name: string, version: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  writeScript(dir, 'java', `echo 'openjdk version "${version}" 2024-01-16' >&2`);
  return dir;
}

const empty = path.join(tmp, 'empty');
fs.mkdirSync(empty);

describe('preflight', () => {
  test('no java and no mvn: one error naming both, how to install them, and --brokers', () => {
    assert.throws(
      () => preflight({ env: { PATH: empty }, needMaven: true }),
      (err: unknown) => {
        assert.ok(err instanceof EnvironmentError);
        assert.equal(err.exitCode, 1);
        assert.match(err.message, /Java: no 'java' found on PATH/);
        assert.match(err.message, /openjdk-17/);
        assert.match(err.message, /Maven: no 'mvn' found on PATH/);
        assert.match(err.message, /apt-get install maven/);
        assert.match(err.message, /--brokers host:port/);
        return true;
      },
    );
  });

  test('java too old', () => {
    const dir = fakeJavaDir('java11', '11.0.2');
    assert.throws(() => preflight({ env: { PATH: dir }, needMaven: false }), /is Java 11, the broker needs 17 or newer/);
  });

  test('java 17 and Maven not needed (jars cached): fine without mvn', () => {
    const dir = fakeJavaDir('java17', '17.0.15');
    const tools = preflight({ env: { PATH: dir }, needMaven: false });
    assert.equal(tools.java, path.join(dir, 'java'));
    assert.equal(tools.javaMajor, 17);
    assert.equal(tools.mvn, undefined);
  });

  test('java present but Maven needed and missing: only Maven is reported', () => {
    const dir = fakeJavaDir('java21', '21.0.1');
    assert.throws(
      () => preflight({ env: { PATH: dir }, needMaven: true }),
      (err: unknown) => err instanceof EnvironmentError && /Maven/.test(err.message) && !/Java:/.test(err.message),
    );
  });

  test('JAVA_HOME wins over PATH', () => {
    const home = path.join(tmp, 'jdk21');
    fs.mkdirSync(path.join(home, 'bin'), { recursive: true });
    writeScript(path.join(home, 'bin'), 'java', `echo 'openjdk version "21.0.3"' >&2`);
    const env = { PATH: fakeJavaDir('java11b', '11.0.2'), JAVA_HOME: home };
    assert.equal(findJava(env), path.join(home, 'bin', 'java'));
    assert.equal(preflight({ env, needMaven: false }).javaMajor, 21);
  });

  test('a JAVA_HOME without java is named in the message', () => {
    assert.throws(() => preflight({ env: { PATH: empty, JAVA_HOME: '/nonexistent/jdk' }, needMaven: false }), /JAVA_HOME \(\/nonexistent\/jdk\)/);
  });
});

test('parseJavaMajor', () => {
  assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8);
  assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
  assert.equal(parseJavaMajor('openjdk version "22-ea" 2024-03-19'), 22);
  assert.equal(parseJavaMajor('command not found'), undefined);
});

test('findExecutable skips directories and non-executables', () => {
  const dir = path.join(tmp, 'exec');
  fs.mkdirSync(path.join(dir, 'sub', 'mvn'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'mvn'), 'not executable', { mode: 0o644 });
  assert.equal(findExecutable('mvn', `${path.join(dir, 'sub')}${path.delimiter}${dir}`), undefined);
  writeScript(path.join(dir, 'sub'), 'mvn2', 'true');
  assert.equal(findExecutable('mvn2', `${dir}${path.delimiter}${path.join(dir, 'sub')}`), path.join(dir, 'sub', 'mvn2'));
});
