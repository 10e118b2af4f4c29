import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTerminal } from '../../src/report/terminal.js';
import { SPREAD_MARK } from '../../src/report/model.js';
import { FAILED_ARM, FAILED_CHECK, sampleResults } from '../fixtures/results.js';
import { runOf, terminalTable } from './helpers.js';

const doc = sampleResults();
const out = renderTerminal(doc);

function rowsOf(title: string): Map<string, string[]> {
  const rows = terminalTable(out, title);
  const map = new Map<string, string[]>(rows.slice(1).map((r) => [r[0] as string, r]));
  map.set('__head__', rows[0] as string[]);
  return map;
}

test('one table per scenario and message size, in canonical order', () => {
  const titles = out.split('\n').filter((l) => / messages · median of /.test(l));
  assert.deepEqual(titles, [
    'producer-async · 100 B messages · median of 3 repetitions',
    'producer-async · 1 KiB messages · median of 3 repetitions',
    'consumer · 1 KiB messages · median of 3 repetitions',
    'e2e-latency · 1 KiB messages · median of 3 repetitions',
  ]);
});

test('rows are sorted by median msgs/s, descending', () => {
  const rows = rowsOf('producer-async · 100 B');
  const drivers = [...rows.keys()].filter((k) => k !== '__head__');
  assert.deepEqual(drivers, ['c', 'addon', 'node-rdkafka', 'confluent', 'platformatic', 'kafkajs']);
});

test('"× vs kafkajs" and "× vs c" are ratios of the medians', () => {
  const rows = rowsOf('producer-async · 100 B');
  const head = rows.get('__head__') as string[];
  const iBase = head.indexOf('× vs kafkajs');
  const iC = head.indexOf('× vs c');
  assert.ok(iBase > 0 && iC > 0, head.join(','));
  for (const driver of ['c', 'addon', 'platformatic', 'kafkajs']) {
    const m = runOf(doc, driver, 'producer-async', 100).summary.msgsPerSec.median;
    const base = runOf(doc, 'kafkajs', 'producer-async', 100).summary.msgsPerSec.median;
    const c = runOf(doc, 'c', 'producer-async', 100).summary.msgsPerSec.median;
    const row = rows.get(driver) as string[];
    assert.equal(row[iBase], `${(m / base).toFixed(2)}×`, driver);
    assert.equal(row[iC], `${(m / c).toFixed(2)}×`, driver);
  }
  assert.equal((rows.get('c') as string[])[iBase], '10.09×');
});

test('the baseline comes from the option, else the document, else kafkajs', () => {
  const byOption = renderTerminal(doc, { baseline: 'platformatic' });
  assert.match(byOption, /× vs platformatic/);
  const rows = terminalTable(byOption, 'producer-async · 100 B');
  const i = (rows[0] as string[]).indexOf('× vs platformatic');
  assert.equal(rows.find((r) => r[0] === 'platformatic')?.[i], '1.00×');
  assert.equal(rows.find((r) => r[0] === 'kafkajs')?.[i], `${(90_400 / 181_000).toFixed(2)}×`);
  assert.match(renderTerminal({ ...doc, baseline: 'confluent' }), /× vs confluent/);
});

test('"× vs c" is blank where c did not run, and there is no duplicate column when c is the baseline', () => {
  const rows = terminalTable(out, 'e2e-latency · 1 KiB');
  const i = (rows[0] as string[]).indexOf('× vs c');
  assert.ok(i > 0);
  for (const r of rows.slice(1)) assert.equal(r[i], '', r[0]);
  const vsC = terminalTable(renderTerminal(doc, { baseline: 'c' }), 'producer-async · 100 B');
  assert.equal((vsC[0] as string[]).filter((h) => h === '× vs c').length, 1);
});

test('latency columns only where the scenario has latency', () => {
  const lat = rowsOf('e2e-latency · 1 KiB');
  const head = lat.get('__head__') as string[];
  for (const h of ['p50 µs', 'p95 µs', 'p99 µs', 'p99.9 µs', 'max µs']) assert.ok(head.includes(h), h);
  assert.equal((lat.get('kafkajs') as string[])[head.indexOf('p99 µs')], '14,040');
  assert.ok(!(rowsOf('consumer · 1 KiB').get('__head__') as string[]).includes('p50 µs'));
});

test('MB/s states its unit; noisy figures carry the spread flag', () => {
  const rows = rowsOf('producer-async · 100 B');
  const head = rows.get('__head__') as string[];
  assert.ok(head.includes('MB/s (10⁶ B)'));
  const kafkajs = rows.get('kafkajs') as string[];
  assert.match(kafkajs[1] as string, new RegExp(`^90,400 ±1[45]% ${SPREAD_MARK}$`));
  assert.ok(!(rows.get('c') as string[])[1]?.includes(SPREAD_MARK));
  assert.match(out, /⚠ = repetitions spread more than 10 %/);
});

test('a failed arm is shown, loudly, with its first failure', () => {
  const rows = rowsOf('producer-async · 1 KiB');
  const row = rows.get(FAILED_ARM.driver) as string[];
  assert.match(row.at(-1) as string, /^✗ FAILED: rep 2: delivered 99,000/);
  assert.match(out, /FAILED \(1 arm\)/);
  assert.ok(out.includes(`✗ node-rdkafka · producer-async · 1 KiB: rep 2: ${FAILED_CHECK}`));
  assert.equal((rows.get('c') as string[]).at(-1), '✓');
});

test('skipped arms with reasons, warnings and the environment header', () => {
  assert.match(out, /Skipped \(2\):\n {2}- python · producer-async: confluent-kafka for Python is not installed/);
  assert.match(out, /c · e2e-latency · 1 KiB: rdkafka_performance has no end-to-end latency mode/);
  assert.match(out, /Warnings \(1\):\n {2}- 2 CPU cores/);
  assert.match(out, /cpu: AMD EPYC 7B13 \(2 cores\)/);
  assert.match(out, /broker: embedded Kafka 4\.1\.0, 1 node/);
  assert.match(out, /node-rdkafka 3\.6\.0 \(librdkafka 2\.12\.0\)/);
});

test('settings: common once, differing keys per driver group, repeated scenarios say "same as"', () => {
  assert.match(out, /Settings \(producer-async\), same for every arm: acks=all, compression=none, lingerMs=5/);
  const rows = terminalTable(out, 'Settings (producer-async)').filter((r) => r[0] !== 'setting that differs');
  const byKey = new Map(rows.map((r) => [r[0], r.slice(1)]));
  assert.deepEqual(byKey.get('sendBatch (kbench)'), ['1000', '100', '1000']);
  assert.match(out, /setting that differs │ addon, c, confluent, node-rdkafka │ kafkajs/);
  assert.match(out, /Settings \(consumer\): same as producer-async/);
});

test('colour only when asked; control characters from the document never reach the terminal', () => {
  assert.ok(!out.includes('\u001b'));
  assert.ok(renderTerminal(doc, { color: true }).includes('\u001b['));
  const evil = sampleResults();
  const run = runOf(evil, 'kafkajs', 'consumer', 1024);
  run.verified = false;
  (run.repetitions[0] as { error?: string }).error = 'boom \u001b[2J\u001b]0;pwned\u0007 bye';
  (run.repetitions[0] as { ok: boolean }).ok = false;
  const text = renderTerminal(evil);
  assert.ok(!text.includes('\u001b') && !text.includes('\u0007'));
  assert.match(text, /✗ kafkajs · consumer · 1 KiB: rep 1: boom/);
});

test('secrets in config are redacted even if the document was not', () => {
  const leaky = sampleResults();
  runOf(leaky, 'kafkajs', 'producer-async', 100).config['sasl.password'] = 'hunter2';
  assert.ok(!renderTerminal(leaky).includes('hunter2'));
});

test('a document with no runs still renders its skipped arms', () => {
  const empty = { ...sampleResults(), runs: [] };
  const text = renderTerminal(empty);
  assert.match(text, /No arms ran\./);
  assert.match(text, /Skipped \(2\)/);
});
