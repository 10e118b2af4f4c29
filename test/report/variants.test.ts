// One client as several keys (runtimes, versions, librdkafka builds): the views set each beside the
// first of its client in the run, with what differs and the ratio's significance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtml, renderMarkdown, renderTerminal } from '../../src/report/index.js';
import { variantComparisons } from '../../src/report/model.js';
import type { ResultsDocument, RunRecord } from '../../src/results/types.js';
import { sampleResults } from '../fixtures/results.js';

/** The sample with kafkajs's runs also as kafkajs:node24 (×1.5 msgs/s) and confluent's as confluent@1.10.1. */
function withVariants(): ResultsDocument {
  const doc = sampleResults({ repetitions: 4 });
  const copies: RunRecord[] = [];
  const copy = (from: string, key: string, factor: number, runtime: RunRecord['runtime']): void => {
    for (const r of doc.runs.filter((x) => x.driver === from)) {
      const c = structuredClone(r);
      c.driver = key;
      for (const rep of c.repetitions) rep.msgsPerSec *= factor;
      c.summary.msgsPerSec = { ...c.summary.msgsPerSec, median: (c.summary.msgsPerSec.median ?? 0) * factor };
      if (runtime) c.runtime = runtime;
      copies.push(c);
    }
  };
  for (const r of doc.runs) if (r.driver === 'kafkajs') r.runtime = { node: '22.23.5', abi: '127', source: 'npm' };
  copy('kafkajs', 'kafkajs:node24', 1.5, { node: '24.22.3', abi: '137', source: 'npm' });
  copy('confluent', 'confluent@1.10.1', 1, undefined);
  doc.runs.push(...copies);
  doc.env.drivers['kafkajs'] = { ...(doc.env.drivers['kafkajs'] as ResultsDocument['env']['drivers'][string]), runtime: 'node 22.23.5' };
  doc.env.drivers['kafkajs:node24'] = { version: '2.2.4', runtime: 'node 24.22.3', client: 'kafkajs' };
  doc.env.drivers['confluent@1.10.1'] = { version: '1.10.1', librdkafka: '2.15.1', runtime: 'node 20.20.0', client: '@confluentinc/kafka-javascript' };
  return doc;
}

test('each variant is compared with the first key of its client, per scenario and size, saying what differs', () => {
  const cs = variantComparisons(withVariants());
  const kjs = cs.filter((c) => c.base === 'kafkajs');
  const cf = cs.filter((c) => c.base === 'confluent');
  assert.ok(kjs.length > 0 && cf.length > 0);
  for (const c of kjs) {
    assert.equal(c.driver, 'kafkajs:node24');
    assert.equal(c.reference, 'kafkajs');
    assert.equal(c.what, 'Node 24.22.3 vs 22.23.5');
    assert.ok(Math.abs((c.test?.ratio ?? NaN) - 1.5) < 0.01, String(c.test?.ratio));
  }
  for (const c of cf) assert.equal(c.what, '1.10.1 vs 1.6.0, librdkafka 2.15.1 vs 2.12.0');
  assert.equal(variantComparisons(sampleResults()).length, 0, 'no variants, no comparisons');
});

test('terminal, Markdown and HTML show the side-by-side table only when a client ran as several keys', async () => {
  const doc = withVariants();
  for (const text of [renderTerminal(doc), renderMarkdown(doc), await renderHtml(doc)]) {
    assert.match(text, /Same client, side by side/);
    assert.match(text, /kafkajs:node24 vs kafkajs: Node 24\.22\.3 vs 22\.23\.5/);
  }
  assert.doesNotMatch(renderTerminal(sampleResults()), /Same client, side by side/);
});
