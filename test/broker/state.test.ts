import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  brokerStatePath,
  claimBrokerState,
  liveBrokerState,
  readBrokerState,
  removeBrokerState,
  writeBrokerState,
  type BrokerState,
} from '../../src/broker/state.js';

const saved = process.env.KBENCH_CACHE;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-state-'));
before(() => (process.env.KBENCH_CACHE = dir));
after(() => {
  if (saved === undefined) delete process.env.KBENCH_CACHE;
  else process.env.KBENCH_CACHE = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

function state(pid: number): BrokerState {
  return {
    format: 'kbench.broker-state/1',
    status: 'starting',
    pid,
    kafkaVersion: '3.9.2',
    nodeCount: 1,
    heap: '1g',
    startedAt: new Date().toISOString(),
    logFile: '/dev/null',
  };
}

test('the record lives in <KBENCH_CACHE>/broker/state.json', () => {
  assert.equal(brokerStatePath(), path.join(dir, 'broker', 'state.json'));
});

test('claiming is exclusive while the owner lives', () => {
  assert.equal(claimBrokerState(state(process.pid)), undefined, 'first claim wins');
  const other = claimBrokerState(state(process.pid + 1));
  assert.equal(other?.pid, process.pid, 'second claim gets the live record back');
  writeBrokerState({ ...state(process.pid), status: 'ready', bootstrap: '127.0.0.1:1' });
  assert.equal(liveBrokerState()?.bootstrap, '127.0.0.1:1');
  removeBrokerState(process.pid + 1);
  assert.ok(readBrokerState(), 'only the owner removes the record');
  removeBrokerState(process.pid);
  assert.equal(readBrokerState(), undefined);
});

test('a record whose supervisor died is treated as absent and replaced', () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  assert.equal(claimBrokerState(state(dead)), undefined);
  assert.equal(liveBrokerState(), undefined, 'stale record ignored');
  assert.equal(fs.existsSync(brokerStatePath()), false, 'and removed');
  assert.equal(claimBrokerState(state(dead)), undefined);
  assert.equal(claimBrokerState(state(process.pid)), undefined, 'a live process takes over a dead one');
  assert.equal(readBrokerState()?.pid, process.pid);
  removeBrokerState(process.pid);
});
