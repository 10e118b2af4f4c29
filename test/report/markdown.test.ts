import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/report/markdown.js';
import { FAILED_CHECK, aaResults, sampleResults, withShortWindow } from '../fixtures/results.js';
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
  // Ratio of medians, and "?": 3 + 3 repetitions are too few for the Mann–Whitney test to reach p < 0.05.
  assert.equal(t.rows[0]?.[5], '10.09× ?');
  assert.equal(t.rows[5]?.[5], '1.00×');
  assert.match(t.rows[5]?.[1] as string, /^90,400 \\\[75\.9k–103k\\\] ⚠$/);
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
  const textLines = text.split('\n');
  const at = textLines.findIndex((l) => l.startsWith('| **bad\\|driver'));
  const row = textLines[at] as string;
  // As many cells as the table's head (the renamed arm was the consumer baseline, so "× vs kafkajs" is left out there).
  const headLine = textLines.slice(0, at).reverse().find((l) => l.startsWith('| driver |')) as string;
  assert.equal(markdownCells(headLine).length, 7);
  assert.equal(markdownCells(row).length, 7);
});

test('legend, CI coverage, CPU note, method line; short windows and the A/A check when present', () => {
  assert.ok(out.includes('- method: broker storage: tmpfs · placement: broker on CPU 0, arms on CPU 1'));
  assert.match(out, /_× vs: ratio of median msgs\/s · \\\* = significant \(two-sided Mann–Whitney p &#60; 0\.05/);
  assert.match(out, /_verified: ✓ = the topic read back .* ≈ count = only the client's own count/);
  assert.match(out, /_On a shared machine CPU µs\/msg is the steadier figure/);
  assert.match(out, /\(here: 75 % at n=3\)_/);
  const e2e = tableAfter('### e2e-latency · 1 KiB messages · median of 3 repetitions');
  assert.ok(!e2e.head.includes('× vs c'), 'no c arm in this table: no "× vs c" column');
  assert.equal(e2e.rows.find((r) => r[0] === 'kafkajs')?.at(-1), '≈ count');
  assert.ok(!out.includes('A/A check'));

  const d = sampleResults();
  withShortWindow(d, 'c', 'consumer', 1024, 0);
  withShortWindow(d, 'c', 'consumer', 1024, 1);
  withShortWindow(d, 'c', 'consumer', 1024, 2);
  const short = renderMarkdown(d);
  const consumer = short.split('\n');
  const title = consumer.indexOf('### consumer · 1 KiB messages · median of 3 repetitions');
  const head = markdownCells(consumer.find((l, i) => i > title && l.startsWith('| driver |')) as string);
  const cRow = markdownCells(consumer.find((l, i) => i > title && l.startsWith('| c |')) as string);
  assert.match(cRow[1] as string, / ‡$/);
  assert.equal(cRow[head.indexOf('× vs kafkajs')], '— ‡');
  assert.match(short, /_‡ c · consumer · 1 KiB: rep 1 \(4\.200 ms\), rep 2 \(4\.200 ms\), rep 3 \(4\.200 ms\)_/);

  const aa = renderMarkdown(aaResults());
  assert.ok(aa.includes('## A/A check: 1 of 23 arms differ significantly from themselves (α = 0.05, Mann–Whitney)\n\n- platformatic · consumer · 1 KiB: A 218,057 (n=4), B 259,200 (n=4), B/A 1.19×, p = 0.029\n'));
});

test('run options are shown redacted, in a fence the content cannot close', () => {
  const d = sampleResults();
  d.options = { note: '```\n# injected', sasl: { password: 'hunter2' } };
  const text = renderMarkdown(d);
  assert.ok(!text.includes('hunter2'));
  assert.ok(text.includes('````json'));
});
