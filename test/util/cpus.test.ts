import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cpuAffinityPrefix, cpusAllowed, formatCpuList, parseCpuList, validateCpus } from '../../src/util/cpus.js';
import { EnvironmentError, UsageError } from '../../src/util/errors.js';

test('parseCpuList: numbers, ranges, lists; sorted without duplicates', () => {
  assert.deepEqual(parseCpuList('0', '--cpus', 4), [0]);
  assert.deepEqual(parseCpuList('0,1', '--cpus', 4), [0, 1]);
  assert.deepEqual(parseCpuList('0-1', '--cpus', 4), [0, 1]);
  assert.deepEqual(parseCpuList(' 3, 0-1 ,1 ', '--cpus', 4), [0, 1, 3]);
  assert.deepEqual(parseCpuList('2-2', '--cpus', 4), [2]);
});

test('parseCpuList: bad input is a usage error naming the option', () => {
  for (const bad of ['', ' ', 'a', '0,', ',0', '1-', '-1', '0-1-2', '1.5', '0;1', '2-1', '4', '0-4', '99999999999']) {
    assert.throws(() => parseCpuList(bad, '--cpus', 4), (e: unknown) => e instanceof UsageError && /^--cpus/.test(e.message), `'${bad}'`);
  }
  assert.throws(() => parseCpuList('4', '--cpus', 4), /CPU 4 does not exist; this machine has CPUs 0-3/);
  assert.throws(() => parseCpuList('2-1', '--cpus', 4), /ends before it starts/);
  assert.throws(() => parseCpuList('x', '--broker-cpus', 4), (e: unknown) => e instanceof UsageError && e.message.startsWith('--broker-cpus must'));
});

test('parseCpuList checks against this machine by default', () => {
  const n = os.cpus().length;
  assert.deepEqual(parseCpuList(`0-${n - 1}`), Array.from({ length: n }, (_, i) => i));
  assert.throws(() => parseCpuList(String(n)), UsageError);
});

test('validateCpus: a non-empty list of this machine\'s CPU numbers', () => {
  assert.deepEqual(validateCpus([1, 0, 1], 'cpus', 2), [0, 1]);
  for (const bad of [[], [2], [-1], [0.5], [Number.NaN]]) {
    assert.throws(() => validateCpus(bad, 'cpus', 2), (e: unknown) => e instanceof UsageError && /^cpus/.test(e.message), JSON.stringify(bad));
  }
});

test('formatCpuList: the shortest taskset list', () => {
  assert.equal(formatCpuList([0]), '0');
  assert.equal(formatCpuList([1, 0]), '0-1');
  assert.equal(formatCpuList([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
  for (const text of ['0', '0-3', '0,2', '1-2,5']) assert.equal(formatCpuList(parseCpuList(text, '--cpus', 8)), text);
});

test('cpuAffinityPrefix: taskset -c LIST, or a clear error without taskset', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-cpus-test-'));
  try {
    const fake = path.join(dir, 'taskset');
    fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(cpuAffinityPrefix([0, 1], [path.join(dir, 'none'), fake]), { command: fake, args: ['-c', '0-1'] });
    assert.throws(() => cpuAffinityPrefix([0], [path.join(dir, 'none')]), (e: unknown) => e instanceof EnvironmentError && /needs taskset/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cpusAllowed reads Cpus_allowed_list', { skip: !fs.existsSync('/proc/self/status') }, () => {
  assert.match(cpusAllowed('self') ?? '', /^\d+([-,]\d+)*$/);
  assert.equal(cpusAllowed(2 ** 30), undefined);
});
