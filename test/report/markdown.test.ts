import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/report/markdown.js';
import { FAILED_CHECK, sampleResults } from '../fixtures/results.js';
import { markdownCells, runOf } from './helpers.js';

const doc = sampleResults();
const out = renderMarkdown(doc);
const lines = out.split('\n');

/** The table right under a heading: header cells and body rows (as cells). */
function tableAfter(heading: string): { head: string[]; rows: string[][] } {
  const at = lines.indexOf(heading);
  assert.ok(at >= 0, `missing heading ${heading}`);
  const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  const block = lines.slice(start, end);
  assert.match(block[1] as string, /^\| (---:?|:?---) \|/);
  return { head: markdownCells(block[0] as string), rows: block.slice(2).map(markdownCells) };
}

test('a results table per scenario and size, same columns as the terminal', () => {
  const t = tableAfter('### producer-async · 100 B messages · median of 3 repetitions');
  assert.deepEqual(t.head, ['driver', 'msgs/s', 'MB/s (10⁶ B)', 'CPU µs/msg', 'peak RSS MiB', '× vs kafkajs', '× vs c', 'verified']);
  assert.deepEqual(
    t.rows.map((r) => r[0]),
    ['c', 'addon', 'node-rdkafka', 'confluent', 'platformatic', 'kafkajs'],
  );
  for (const r of t.rows) assert.equal(r.length, t.head.length);
  assert.equal(t.rows[0]?.[5], '10.09×');
  assert.match(t.rows[5]?.[1] as string, /⚠$/);
  for (const heading of ['### producer-async · 1 KiB messages · median of 3 repetitions', '### consumer · 1 KiB messages · median of 3 repetitions', '### e2e-latency · 1 KiB messages · median of 3 repetitions']) tableAfter(heading);
  assert.ok(tableAfter('### e2e-latency · 1 KiB messages · median of 3 repetitions').head.includes('p99.9 µs'));
});

test('the failed arm is bold in its table and listed up front', () => {
  const t = tableAfter('### producer-async · 1 KiB messages · median of 3 repetitions');
  const row = t.rows.find((r) => r[0] === '**node-rdkafka**') as string[];
  assert.match(row.at(-1) as string, /^\*\*✗ FAILED: rep 2: delivered 99,000/);
  assert.ok(out.indexOf('FAILED verification') < out.indexOf('## producer-async'));
  assert.ok(out.includes(FAILED_CHECK.replace(/_/g, '\\_')));
});

test('settings, skipped, warnings and environment sections', () => {
  const differs = lines.indexOf('Differs between arms:');
  assert.ok(differs > lines.indexOf('### Settings: producer-async'));
  const head = markdownCells(lines[differs + 2] as string);
  assert.deepEqual(head, ['setting', 'addon, c, confluent, node-rdkafka', 'kafkajs', 'platformatic']);
  assert.ok(out.includes('| sendBatch (kbench) | 1000 | 100 | 1000 |'));
  assert.ok(out.includes('Same as producer-async.'));
  assert.ok(tableAfter('## Skipped').rows.some((r) => r[0] === 'python'));
  assert.ok(out.includes('## Warnings\n\n- 2 CPU cores'));
  assert.ok(tableAfter('## Environment').rows.some((r) => r[0] === 'kafkajs' && r[2] === '2.2.4'));
});

test('strings from the document are escaped', () => {
  const evil = sampleResults();
  const run = runOf(evil, 'kafkajs', 'consumer', 1024);
  run.driver = 'bad|driver<img src=x onerror=alert(1)>';
  run.verified = false;
  run.repetitions[0]!.verification.failures = ['<script>alert(1)</script> | `code` *bold*'];
  run.config['sasl.password'] = 'hunter2';
  evil.warnings.push('<b>warn</b>');
  const text = renderMarkdown(evil);
  assert.ok(!/<script|<img|<b>/i.test(text));
  assert.ok(!text.includes('hunter2'));
  const row = text.split('\n').find((l) => l.startsWith('| **bad\\|driver')) as string;
  assert.equal(markdownCells(row).length, 8);
});

test('run options are shown redacted, in a fence the content cannot close', () => {
  const d = sampleResults();
  d.options = { note: '```\n# injected', sasl: { password: 'hunter2' } };
  const text = renderMarkdown(d);
  assert.ok(!text.includes('hunter2'));
  assert.ok(text.includes('````json'));
});
