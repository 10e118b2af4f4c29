// Tables that fit the terminal (issue 13): at a width every line fits; without one, the full tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTerminal } from '../../src/report/terminal.js';
import { fitTable, truncate, visibleWidth, wrapLines, wrapWords } from '../../src/report/fit.js';
import { renderDrivers } from '../../src/cli/drivers.js';
import { renderSweepTerminal } from '../../src/sweep/render.js';
import { checkingLine } from '../../src/runner/run.js';
import type { DriverDescription } from '../../src/drivers/types.js';
import { sampleResults } from '../fixtures/results.js';
import { sampleSweep } from '../sweep/helpers.js';
import { terminalTable } from './helpers.js';

const longest = (text: string): number => Math.max(...text.split('\n').map(visibleWidth));
const over = (text: string, width: number): string[] => text.split('\n').filter((l) => visibleWidth(l) > width);

test('the sample results at width 80 (and 60, and in colour): no line is wider than the terminal', () => {
  for (const width of [80, 60]) {
    assert.deepEqual(over(renderTerminal(sampleResults(), { width }), width), [], `width ${width}`);
    assert.deepEqual(over(renderTerminal(sampleResults(), { width, color: true }), width), [], `width ${width}, colour`);
  }
  // The full document is much wider: the fitting did something.
  assert.ok(longest(renderTerminal(sampleResults())) > 80);
});

test('without a width the terminal view is the full one, and a wide terminal changes nothing', () => {
  const full = renderTerminal(sampleResults());
  assert.equal(renderTerminal(sampleResults(), { width: undefined }), full);
  assert.equal(renderTerminal(sampleResults(), { width: 10_000 }), full);
  assert.ok(terminalTable(full, 'producer-async · 100 B')[0]?.includes('MB/s (10⁶ B)'));
});

test('a table that fits with shorter heads keeps the table; the legend still says what MB is', () => {
  const doc = sampleResults();
  doc.runs = doc.runs.filter((r) => r.scenario === 'consumer' && ['kafkajs', 'platformatic'].includes(r.driver));
  const full = renderTerminal(doc);
  // Just narrower than the full table: the short heads are enough.
  const width = longest(full.split('\n').filter((l) => l.startsWith('│')).join('\n')) - 4;
  const out = renderTerminal(doc, { width });
  assert.deepEqual(over(out, width), []);
  const head = terminalTable(out, 'consumer · 1 KiB')[0] as string[];
  assert.ok(head.includes('MB/s'), head.join(','));
  assert.match(out, /MB = 10⁶ bytes of payload/);
});

test('producer-sync without c: no empty "× vs c" column', () => {
  const doc = sampleResults();
  doc.runs = doc.runs.filter((r) => r.scenario === 'producer-async' && r.messageSize === 100 && r.driver !== 'c').map((r) => ({ ...r, scenario: 'producer-sync' as const }));
  const head = terminalTable(renderTerminal(doc), 'producer-sync · 100 B')[0] as string[];
  assert.ok(!head.includes('× vs c'), head.join(','));
  assert.ok(head.includes('× vs kafkajs'));
});

function drivers(): DriverDescription[] {
  const d = (id: string, extra: Partial<DriverDescription> = {}): DriverDescription => ({
    id, client: `@scope/${id}-kafka-client`, version: '1.10.1', librdkafka: '2.12.0', runtime: 'node 24.11.1', available: true,
    scenarios: ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'], workerThreads: true,
    notes: [`${id}: a long note about how this driver produces and consumes, which would run well past any ordinary terminal's right edge if printed as one line`], ...extra,
  });
  return [d('confluent'), d('node-rdkafka'), d('kafkajs', { librdkafka: undefined, workerThreads: false }), d('c', { available: false, reason: 'the C client is not built here: run kbench setup c to build it, which takes a few minutes', runtime: 'C' })];
}

test('kbench drivers at width 80: nothing wider, every driver still listed; without a width the full table', () => {
  const out = renderDrivers(drivers(), { width: 80 });
  assert.deepEqual(over(out, 80), []);
  // In a table or, when even a cut table is too wide, as a block of its own.
  for (const id of ['confluent', 'node-rdkafka', 'kafkajs', 'c']) assert.match(out, new RegExp(`(^|│ )${id}( |$)`, 'm'));
  assert.match(out, /unavailable — the C client is not built here/);
  const full = renderDrivers(drivers());
  assert.ok(longest(full) > 80);
  assert.match(full, /producer-sync producer-async consumer e2e-latency/);
  assert.equal(renderDrivers(drivers(), { width: 10_000 }), full);
});

test('the sweep at width 80 (and 50): nothing wider; without a width unchanged', () => {
  const doc = sampleSweep();
  for (const width of [80, 50]) assert.deepEqual(over(renderSweepTerminal(doc, { width }), width), [], `width ${width}`);
  const full = renderSweepTerminal(doc);
  assert.equal(renderSweepTerminal(doc, { width: undefined }), full);
  assert.match(full, /│ *4,000 │ *3,600 │/);
});

test('fitting: cut cells end in an ellipsis, wrapped ones keep every word, the last resort is head: value lines', () => {
  assert.equal(truncate('abcdefgh', 5), 'abcd…');
  assert.equal(truncate('abc', 5), 'abc');
  assert.deepEqual(wrapWords('one two three four', 9), ['one two', 'three', 'four']);
  assert.equal(wrapLines('  - alpha beta gamma delta', 14), '  - alpha beta\n    gamma\n    delta');
  const spec = { head: ['key', 'value'], numeric: [false, false], shrink: [undefined, 'truncate' as const], rows: [{ cells: [{ text: 'k' }, { text: 'x'.repeat(100) }] }] };
  const cut = fitTable(spec, { width: 30 });
  assert.ok(longest(cut) <= 30);
  assert.match(cut, /x…/);
  const vertical = fitTable({ ...spec, shrink: [undefined, undefined] }, { width: 30 });
  assert.deepEqual(vertical.split('\n'), ['k', `  value: ${'x'.repeat(20)}…`]);
});

test('"checking N drivers" counts what was asked and names what kbench adds', () => {
  assert.equal(checkingLine(['a', 'b', 'c', 'kafkajs'], ['a', 'b', 'c', 'kafkajs', 'addon-loop', 'node-rdkafka']), 'checking 4 drivers (and addon-loop, node-rdkafka to warm the broker up, fill and read back topics)…');
  assert.equal(checkingLine(['kafkajs'], ['kafkajs']), 'checking 1 driver…');
});

test("a client's warnings (notes of its repetitions) are listed once per arm under the results", () => {
  const doc = sampleResults();
  const run = doc.runs.find((r) => r.driver === 'kafkajs' && r.scenario === 'producer-async' && r.messageSize === 100);
  for (const rep of run?.repetitions ?? []) rep.notes = [...(rep.notes ?? []), 'client warning ×3: TimeoutNegativeWarning: -1796301323910 is a negative number.'];
  const out = renderTerminal(doc);
  assert.match(out, /Client warnings \(1\), raised by the clients themselves:\n {2}- kafkajs · producer-async · 100 B: client warning ×3: TimeoutNegativeWarning: -1796301323910 is a negative number\./);
  assert.doesNotMatch(renderTerminal(sampleResults()), /Client warnings/);
});
