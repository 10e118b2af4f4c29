// `kbench profile` as a user runs it: one arm of kafkajs on the embedded broker under V8's profiler;
// the .cpuprofile it writes must parse and hold frames of the kafkajs package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runKbench, withBroker } from '../helpers/broker.js';
import { readCpuProfile } from '../../src/profile/cpuprofile.js';

test('kbench profile --driver kafkajs writes a .cpuprofile with kafkajs frames and prints categorized top functions', async (t) => {
  const broker = await withBroker(t);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-profile-test-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  const r = await runKbench(['profile', '--driver', 'kafkajs', '--scenario', 'producer-async', '--messages', '5000', '--broker-warmup', '0', '--brokers', broker.bootstrap, '--out', out, '--quiet'], { ...process.env, NO_COLOR: '1' });
  assert.equal(r.code, 0, r.stderr);
  const files = fs.readdirSync(out).filter((f) => f.endsWith('.cpuprofile'));
  assert.ok(files.length >= 1, `no .cpuprofile in ${out}`);
  const p = readCpuProfile(path.join(out, files[0] as string));
  assert.ok(p.nodes.length > 0 && p.samples.length > 0);
  assert.ok(p.nodes.some((n) => n.callFrame.url.includes('/node_modules/kafkajs/')), 'frames of the kafkajs package');
  assert.match(r.stdout, /verified ✓/);
  assert.match(r.stdout, /client library JS/);
  assert.match(r.stdout, /top 25 functions by self time/);
});

test('kbench profile refuses a driver that is not a Node driver (exit 2)', async () => {
  const r = await runKbench(['profile', '--driver', 'c'], process.env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Node drivers/);
});
