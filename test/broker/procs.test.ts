import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { childPids, processesMentioning, processRunning, waitForExit, waitForNoProcesses } from '../../src/broker/procs.js';

test('processesMentioning finds a process by a word of its command line, until it ends', async () => {
  const marker = `kbench-marker-${randomUUID()}`;
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', marker], { stdio: 'ignore' });
  try {
    await new Promise((r) => child.once('spawn', r));
    const found = processesMentioning(marker);
    assert.deepEqual(found.map((p) => p.pid), [child.pid]);
    assert.ok(found[0]!.cmdline.includes(marker));
    assert.ok(processRunning(child.pid!));
    assert.ok(childPids(process.pid).includes(child.pid!));
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(await waitForNoProcesses(marker, 5000), true);
  assert.equal(await waitForExit(child.pid!, 5000), true);
});

test('processRunning is false for a process that has ended', () => {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid!;
  assert.equal(processRunning(pid), false);
});

test('waitForNoProcesses gives up after its timeout', async () => {
  const marker = `kbench-marker-${randomUUID()}`;
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', marker], { stdio: 'ignore' });
  try {
    await new Promise((r) => child.once('spawn', r));
    assert.equal(await waitForNoProcesses(marker, 300), false);
  } finally {
    child.kill('SIGKILL');
  }
});
