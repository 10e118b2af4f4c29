// The failover view (src/report/model.ts failoverRows/failoverCells, terminal and Markdown): one row
// per client over its repetitions; a client that lost acknowledged messages comes first, its row red
// in the terminal and bold in Markdown — a finding, not a failed arm; the fault said in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failoverRows } from '../../src/report/model.js';
import { renderMarkdown, renderTerminal } from '../../src/report/index.js';
import type { FailoverResult, Repetition, ResultsDocument, RunRecord } from '../../src/results/types.js';
import { sampleResults } from '../fixtures/results.js';
import { terminalTable } from './helpers.js';

const FAULT = { mode: 'kill' as const, node: 2, partitionsLed: [2, 5], atMessage: 60_000, atMs: 3000, downMs: 5000, backMs: 15_000 };

function result(over: Partial<FailoverResult>): FailoverResult {
  return { fault: FAULT, sent: 200_000, acked: 200_000, ackedLost: 0, ackedLostSample: [], duplicates: 0, failed: 0, failedPresent: 0, unsettled: 0, unackedPresent: 0, foreignRecords: 0, ackGapMs: 7000, ackGapBeforeMs: 20, recoveryMs: 7100, latencyAroundFault: { p99Us: 7_800_000, maxUs: 7_900_000, count: 1000 }, ...over };
}

function failoverRun(driver: string, results: FailoverResult[]): RunRecord {
  const base = sampleResults().runs[0] as RunRecord;
  const reps: Repetition[] = results.map((f, i) => ({ ...(base.repetitions[0] as Repetition), repetition: i + 1, ok: true, failover: f, verification: { verified: true, method: 'read-back', checks: [], failures: [] } }));
  return { ...base, driver, scenario: 'failover', messageSize: 100, replication: 3, repetitions: reps, verified: true };
}

function doc(): ResultsDocument {
  const d = sampleResults();
  d.runs = [
    failoverRun('addon', [result({}), result({ ackGapMs: 6000 }), result({ ackGapMs: 8000 })]),
    failoverRun('kafkajs', [result({ acked: 199_800, ackedLost: 200, ackedLostSample: [60_001] }), result({}), result({})]),
  ];
  return d;
}

test('failoverRows: the client that lost acknowledged messages first, with how many repetitions were affected', () => {
  const rows = failoverRows(doc());
  assert.deepEqual(rows.map((r) => r.driver), ['kafkajs', 'addon']);
  const k = rows[0];
  assert.equal(k?.ackedLost, 200);
  assert.equal(k?.affected, 1);
  assert.equal(k?.repetitions, 3);
  const a = rows[1];
  assert.equal(a?.ackGapMaxMs, 8000);
  assert.equal(a?.ackGapMedianMs, 7000);
  assert.equal(a?.affected, 0);
});

test('terminal: the failover table replaces the throughput table, the fault in words, the losing row marked', () => {
  const text = renderTerminal(doc(), { width: 160 });
  assert.match(text, /fault: kill \(SIGKILL\) of node 2 \(leader of partitions 2, 5\) after 60,000 messages, down 5 s, back 12\.0 s after it/);
  const rows = terminalTable(text, 'Failover: acknowledged against read back');
  assert.equal(rows[0]?.[2], 'lost acked');
  assert.deepEqual(rows.slice(1).map((r) => [r[0], r[2], r[3]]), [['kafkajs', '✗ 200', '1 of 3'], ['addon', '0', '0 of 3']]);
  assert.equal(rows[2]?.[8], '7.0 (max 8.0)', 'ack gap: median (max) in seconds');
  assert.doesNotMatch(text, /failover · 100 B messages/, 'no msgs/s table for failover arms');
  const red = renderTerminal(doc(), { width: 160, color: true }).split('\n').find((l) => l.includes('kafkajs') && l.includes('✗ 200'));
  assert.ok(red?.includes('\u001b[31m'), 'the losing row is red');
});

test('markdown: the failover table with the loss in bold', () => {
  const md = renderMarkdown(doc());
  assert.match(md, /### Failover: acknowledged against read back/);
  assert.match(md, /\| \*\*kafkajs\*\* \| 100 B \| \*\*✗ 200\*\* \| 1 of 3 \|/);
});
