import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTerminal } from '../../src/report/terminal.js';
import { SPREAD_MARK } from '../../src/report/model.js';
import { FAILED_ARM, FAILED_CHECK, aaResults, sampleResults, withShortWindow } from '../fixtures/results.js';
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

test('"× vs kafkajs" and "× vs c" are ratios of the medians, marked with their significance', () => {
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
    // 3 + 3 repetitions cannot reach p < 0.05 (at best 0.10): "?"; the reference arm itself has no mark.
    assert.equal(row[iBase], `${(m / base).toFixed(2)}×${driver === 'kafkajs' ? '' : ' ?'}`, driver);
    assert.equal(row[iC], `${(m / c).toFixed(2)}×${driver === 'c' ? '' : ' ?'}`, driver);
  }
  assert.equal((rows.get('c') as string[])[iBase], '10.09× ?');
  assert.match(out, /× vs: ratio of median msgs\/s · \* = significant \(two-sided Mann–Whitney p < 0\.05 on msgs\/s of the two arms' ok repetitions\) · ~ = not significant · \? = too few repetitions to test/);
});

test('with enough repetitions: "*" where the arms differ significantly, "~" where they do not', () => {
  const five = renderTerminal(sampleResults({ repetitions: 5 }));
  const rows = terminalTable(five, 'producer-async · 100 B');
  const i = (rows[0] as string[]).indexOf('× vs kafkajs');
  // Every c repetition above every kafkajs one: p = 2/252.
  assert.equal(rows.find((r) => r[0] === 'c')?.[i], '10.09×*');
  const e2e = terminalTable(five, 'e2e-latency · 1 KiB');
  const j = (e2e[0] as string[]).indexOf('× vs kafkajs');
  // 10,000 vs 9,990 msgs/s with a −2 … +3 % spread: interleaved, not significant.
  assert.equal(e2e.find((r) => r[0] === 'addon')?.[j], '1.00× ~');
});

test('the baseline comes from the option, else the document, else kafkajs', () => {
  const byOption = renderTerminal(doc, { baseline: 'platformatic' });
  assert.match(byOption, /× vs platformatic/);
  const rows = terminalTable(byOption, 'producer-async · 100 B');
  const i = (rows[0] as string[]).indexOf('× vs platformatic');
  assert.equal(rows.find((r) => r[0] === 'platformatic')?.[i], '1.00×');
  assert.equal(rows.find((r) => r[0] === 'kafkajs')?.[i], `${(90_400 / 181_000).toFixed(2)}× ?`);
  assert.match(renderTerminal({ ...doc, baseline: 'confluent' }), /× vs confluent/);
});

test('"× vs c" is left out where c did not run, and there is no duplicate column when c is the baseline', () => {
  const rows = terminalTable(out, 'e2e-latency · 1 KiB');
  assert.ok(!(rows[0] as string[]).includes('× vs c'), (rows[0] as string[]).join(','));
  assert.ok((rows[0] as string[]).includes('× vs kafkajs'));
  const vsC = terminalTable(renderTerminal(doc, { baseline: 'c' }), 'producer-async · 100 B');
  assert.equal((vsC[0] as string[]).filter((h) => h === '× vs c').length, 1);
  // No baseline arm in a table: no baseline column there.
  const noBase = sampleResults();
  noBase.runs = noBase.runs.filter((r) => !(r.driver === 'kafkajs' && r.scenario === 'consumer'));
  assert.ok(!(terminalTable(renderTerminal(noBase), 'consumer · 1 KiB')[0] as string[]).includes('× vs kafkajs'));
});

test('latency columns only where the scenario has latency', () => {
  const lat = rowsOf('e2e-latency · 1 KiB');
  const head = lat.get('__head__') as string[];
  for (const h of ['p50 µs', 'p99 µs', 'p99.9 µs', 'max µs']) assert.ok(head.includes(h), h);
  assert.equal((lat.get('kafkajs') as string[])[head.indexOf('p99 µs')], '14,040');
  assert.ok(!(rowsOf('consumer · 1 KiB').get('__head__') as string[]).includes('p50 µs'));
});

test('the latency detail: p50 … p99.99 with the sample count; a percentile the count does not support is in parentheses', () => {
  const detail = rowsOf('Latency · e2e-latency · 1 KiB');
  const head = detail.get('__head__') as string[];
  assert.deepEqual(head, ['driver', 'latency', 'samples', 'p50 µs', 'p90 µs', 'p99 µs', 'p99.9 µs', 'p99.99 µs', 'max µs', 'rate msgs/s']);
  const kafkajs = detail.get('kafkajs') as string[];
  assert.equal(kafkajs[head.indexOf('samples')], '30,000');
  assert.equal(kafkajs[head.indexOf('p99 µs')], '14,040');
  assert.match(kafkajs[head.indexOf('p99.99 µs')] as string, /^\([\d,]+\)$/);
  assert.match(kafkajs[head.indexOf('p99.9 µs')] as string, /^[\d,]+$/);
  assert.match(out, /\(1,234\): too few samples for that percentile — it needs 10 beyond it \(p99 1,000, p99\.9 10,000, p99\.99 100,000 samples\)/);
});

test('MB/s states its unit; noisy figures carry the spread flag', () => {
  const rows = rowsOf('producer-async · 100 B');
  const head = rows.get('__head__') as string[];
  assert.ok(head.includes('MB/s (10⁶ B)'));
  const kafkajs = rows.get('kafkajs') as string[];
  // The median with its confidence interval (n = 3: the min–max range); the cv-based flag stays.
  assert.match(kafkajs[1] as string, new RegExp(`^90,400 \\[75\\.9k–103k\\] ${SPREAD_MARK}$`));
  assert.ok(!(rows.get('c') as string[])[1]?.includes(SPREAD_MARK));
  assert.match(out, /⚠ = repetitions spread more than 10 %/);
});

test('the headline is the median with its CI; n shown below 3 repetitions, never "±0.0 %"', () => {
  const head = (d: ReturnType<typeof sampleResults>, title: string) => terminalTable(renderTerminal(d), title);
  const one = head(sampleResults({ repetitions: 1 }), 'producer-async · 100 B');
  const two = head(sampleResults({ repetitions: 2 }), 'producer-async · 100 B');
  const three = head(sampleResults(), 'producer-async · 100 B');
  const cell = (rows: string[][], driver: string, col: string) => rows.find((r) => r[0] === driver)?.[(rows[0] as string[]).indexOf(col)];
  assert.equal(cell(one, 'c', 'msgs/s'), '912,000 n=1');
  // n = 2: the interval is [min, max] (50 % coverage) and the median the mean of the two.
  assert.equal(cell(two, 'c', 'msgs/s'), '916,560 [894k–939k] n=2');
  assert.equal(cell(three, 'c', 'msgs/s'), '912,000 [894k–939k]');
  // CPU µs/msg has its own interval.
  assert.equal(cell(three, 'kafkajs', 'CPU µs/msg'), '24.1 [22.2–25.8]');
  assert.equal(cell(three, 'c', 'CPU µs/msg'), '1.90 [1.88–1.93] †');
  for (const text of [renderTerminal(sampleResults({ repetitions: 1 })), renderTerminal(sampleResults({ repetitions: 2 }))]) assert.ok(!/±[\d.]+%/.test(text));
  assert.match(out, /\[low–high\]: distribution-free confidence interval of the median from order statistics, 95 % or more from 6 repetitions on; .*\(here: 75 % at n=3\)/);
  assert.match(out, /\nOn a shared machine CPU µs\/msg is the steadier figure/);
});

test('verified: ✓ for a read-back or checksum, "≈ count" for a count-only check, with a legend', () => {
  const rows = rowsOf('e2e-latency · 1 KiB');
  assert.equal((rows.get('kafkajs') as string[]).at(-1), '≈ count');
  assert.equal((rows.get('addon') as string[]).at(-1), '✓');
  assert.match(out, /verified: ✓ = the topic read back \(count and checksum\) or every payload checksummed · ≈ count = only the client's own count \(a weaker check\)/);
});

test('a short window: its figure marked, its ratios withheld, a note naming it', () => {
  const d = sampleResults();
  withShortWindow(d, 'kafkajs', 'consumer', 1024, 0);
  const run = withShortWindow(d, 'kafkajs', 'consumer', 1024, 1);
  withShortWindow(d, 'kafkajs', 'consumer', 1024, 2);
  withShortWindow(d, 'addon', 'consumer', 1024, 1);
  const text = renderTerminal(d);
  const rows = terminalTable(text, 'consumer · 1 KiB');
  const head = rows[0] as string[];
  const kafkajs = rows.find((r) => r[0] === 'kafkajs') as string[];
  const addon = rows.find((r) => r[0] === 'addon') as string[];
  assert.match(kafkajs[1] as string, / ‡/);
  // Every kafkajs repetition was short: no ratio against it, for any arm.
  assert.equal(kafkajs[head.indexOf('× vs c')], '— ‡');
  assert.equal(addon[head.indexOf('× vs kafkajs')], '— ‡');
  // addon keeps two meaningful repetitions: its ratio to c uses their median, not the short one's rate.
  const kept = runOf(d, 'addon', 'consumer', 1024).repetitions.filter((r) => !r.shortWindow).map((r) => r.msgsPerSec);
  const c = runOf(d, 'c', 'consumer', 1024).summary.msgsPerSec.median;
  assert.equal(addon[head.indexOf('× vs c')], `${(((kept[0] as number) + (kept[1] as number)) / 2 / c).toFixed(2)}× ?`);
  assert.match(addon[1] as string, / ‡/);
  assert.match(text, /‡ = a measured window under 10 ms: its rate means nothing/);
  assert.match(text, /‡ kafkajs · consumer · 1 KiB: rep 1 \(4\.200 ms\), rep 2 \(4\.200 ms\), rep 3 \(4\.200 ms\)/);
  assert.match(text, /‡ addon · consumer · 1 KiB: rep 2 \(4\.200 ms\)/);
  assert.ok(run.repetitions.every((r) => r.shortWindow));
  assert.ok(!renderTerminal(sampleResults()).includes('‡'));
});

test('the method line, and the A/A section with its flagged arms', () => {
  assert.match(out, /^method: broker storage: tmpfs · placement: broker on CPU 0, arms on CPU 1; broker and arms pinned to different cores · broker warm-up: 3 rounds \(402k, 410k, 408k msgs\/s\), steady within ±5 % · order: interleaved \(driver order rotated per repetition\) · 3 repetitions per arm$/m);
  assert.ok(!out.includes('A/A check'));
  const aa = renderTerminal(aaResults());
  assert.match(aa, /\nA\/A check: 1 of 23 arms differ significantly from themselves \(α = 0\.05, Mann–Whitney\)\n {2}! platformatic · consumer · 1 KiB: A 218,057 \(n=4\), B 259,200 \(n=4\), B\/A 1\.19×, p = 0\.029\n/);
  assert.match(aa, /about 5 % of arms are flagged by chance alone/);
  // The failed arm keeps 4 + 3 ok repetitions: at best p = 2/35 = 0.057, it could not be flagged.
  assert.match(aa, /1 of 23 arms have too few repetitions per group to be flagged at all/);
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
