import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishedComparison, renderPublished } from '../../src/cli/seeds.js';
import { STUDIES, quickVariant } from '../../src/seeds/studies.js';
import { sampleResults } from '../fixtures/results.js';
import type { ResultsDocument, RunRecord } from '../../src/results/types.js';

function withMedians(doc: ResultsDocument, medians: Record<string, number>, scenario: RunRecord['scenario']): ResultsDocument {
  const template = doc.runs[0] as RunRecord;
  const runs = Object.entries(medians).map(([driver, median]) => ({
    ...template,
    driver,
    scenario,
    messageSize: 100,
    verified: true,
    summary: { ...template.summary, msgsPerSec: { ...template.summary.msgsPerSec, median } },
  }));
  return { ...doc, runs };
}

test('the published ratios of the 2016 and 2018 studies are the issue’s figures', () => {
  const s2016 = STUDIES.find((s) => s.id === '2016');
  const s2018 = STUDIES.find((s) => s.id === '2018');
  const pick = (s: typeof s2016, d: string, sc: string) => s?.published.find((p) => p.driver === d && p.scenario === sc)?.ratio;
  assert.equal(pick(s2016, 'py-confluent', 'consumer'), 6.94);
  assert.equal(pick(s2018, 'py-confluent', 'consumer'), 3.0);
  assert.equal(pick(s2016, 'pykafka-rdkafka', 'producer-async'), 4.32);
  assert.equal(pick(s2018, 'pykafka-rdkafka', 'producer-async'), 12.97);
  assert.equal(pick(s2018, 'pykafka', 'consumer'), 0.68);
  for (const s of STUDIES) assert.equal(s.baseline, 'kafka-python');
});

test('our ratio is the driver’s median over the baseline’s, blank when a driver did not run', () => {
  const study = STUDIES.find((s) => s.id === '2018');
  assert.ok(study);
  const doc = withMedians(sampleResults(), { 'kafka-python': 1000, 'py-confluent': 4000, pykafka: 500 }, 'consumer');
  const rows = publishedComparison(study, doc);
  const row = (d: string) => rows.find((r) => r.driver === d && r.scenario === 'consumer');
  assert.equal(row('py-confluent')?.ours, 4);
  assert.equal(row('pykafka')?.ours, 0.5);
  assert.ok(Number.isNaN(row('pykafka-rdkafka')?.ours as number));
  const text = renderPublished(study, rows);
  assert.match(text, /3\.00 .*4\.00/);
  assert.match(text, /not measured/);
});

test('the quick variant is small: one repetition, at most 10,000 messages, first and last size', () => {
  const beam = STUDIES.find((s) => s.id === 'beam')?.variants[0];
  assert.ok(beam);
  const q = quickVariant(beam);
  assert.equal(q.repeat, 1);
  assert.ok(q.messages <= 10_000);
  assert.deepEqual(q.sizes, [10, 1024]);
});
