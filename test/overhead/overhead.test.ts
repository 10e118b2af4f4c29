// `kbench overhead` as a user runs it, on a small N: no broker (the produce path needs none, the
// delivery and consume paths run on librdkafka's mock cluster), so it runs in every environment
// that built the addon and the C tools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OverheadDocument } from '../../src/overhead/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const N = 20_000;

function kbench(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'kbench.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('kbench overhead --json: kbench.overhead/1 with a c arm on every path and every arm accounting for exactly N messages', () => {
  const r = kbench('overhead', '--messages', String(N), '--repeat', '1', '--drivers', 'c,c-copy,addon,addon-msg', '--json', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as OverheadDocument;
  assert.equal(doc.schema, 'kbench.overhead/1');
  assert.deepEqual(doc.paths, ['produce', 'delivery', 'consume']);
  for (const path of doc.paths) {
    const c = doc.results.find((x) => x.driver === 'c' && x.path === path);
    assert.ok(c && c.error === undefined, `c arm on ${path}: ${c?.error}`);
    assert.equal(c.crossingsPerMsg, 0);
    assert.equal(c.breakdown.librdkafka, c.nsPerMsg.median);
    const addon = doc.results.find((x) => x.driver === 'addon' && x.path === path);
    assert.ok(addon && addon.error === undefined, `addon arm on ${path}: ${addon?.error}`);
    assert.equal(typeof addon.crossingsPerMsg, 'number', `crossings of addon on ${path}: ${doc.warnings.join('; ')}`);
    assert.ok((addon.crossingsPerMsg as number) < 0.01, `the batch API crosses once per batch (${addon.crossingsPerMsg})`);
    for (const k of ['librdkafka', 'crossing', 'js', 'gc'] as const) assert.equal(typeof addon.breakdown[k], 'number', `${path} breakdown.${k}`);
    assert.equal(addon.broker, path === 'produce' ? 'none' : 'mock cluster');
  }
  for (const res of doc.results) {
    assert.equal(res.messageSize, 100);
    if (res.error !== undefined) continue; // no figures (null in JSON), and the reason
    for (const k of ['median', 'min', 'max'] as const) assert.equal(typeof res.nsPerMsg[k], 'number');
    assert.ok(res.runs.length >= 1);
    for (const run of res.runs) assert.equal(run.count, N, `${res.driver} ${res.path} ${run.variant}: every message accounted for`);
  }
  const msgProduce = doc.results.find((x) => x.driver === 'addon-msg' && x.path === 'produce');
  assert.ok(msgProduce?.crossingsPerMsg !== null && Math.abs((msgProduce?.crossingsPerMsg ?? 0) - 1) < 0.01, `one produce() call per message: ${msgProduce?.crossingsPerMsg}`);
  const msgDelivery = doc.results.find((x) => x.driver === 'addon-msg' && x.path === 'delivery');
  assert.match(msgDelivery?.error ?? '', /per-message delivery/, 'addon-msg has no delivery figure, and says why');
  // c-copy: the C consume loop plus one copy of every payload; on the other paths it says why it has no figure.
  const copy = doc.results.find((x) => x.driver === 'c-copy' && x.path === 'consume');
  assert.ok(copy && copy.error === undefined, `c-copy consume: ${copy?.error}`);
  assert.equal(copy.crossingsPerMsg, 0);
  assert.match(copy.api, /memcpy/);
  for (const p of ['produce', 'delivery']) {
    assert.match(doc.results.find((x) => x.driver === 'c-copy' && x.path === p)?.error ?? '', /consume reference/, `c-copy on ${p}`);
  }
});

test('kbench overhead rejects bad options with exit code 2', () => {
  for (const args of [['--paths', 'enqueue'], ['--drivers', 'kafkajs'], ['--messages', '10'], ['--repeat', '0']]) {
    const r = kbench('overhead', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(args[0] as string));
  }
});
