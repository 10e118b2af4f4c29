import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadResults, parseResults } from '../../src/report/load.js';
import { UsageError } from '../../src/util/errors.js';
import { renderTerminal } from '../../src/report/terminal.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { fmtSize } from '../../src/report/format.js';
import { SAMPLE_PATH, sampleResults } from '../fixtures/results.js';
import { terminalTable } from './helpers.js';
import type { RunRecord } from '../../src/results/types.js';

test('the saved sample is the synthesized sample (regenerate: node dist/test/fixtures/results.js --write)', () => {
  assert.deepEqual(JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')), sampleResults());
});

test('a valid document loads', () => {
  const doc = loadResults(SAMPLE_PATH);
  assert.equal(doc.runs.length, sampleResults().runs.length);
});

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseResults(text, 'r.json'),
    (err: unknown) => err instanceof UsageError && err.exitCode === 2 && pattern.test(err.message),
  );
}

test('invalid input: the error names the file and what is wrong', () => {
  rejects('{"schema": ', /^r\.json is not JSON: /);
  rejects('[1,2]', /^r\.json is not a valid kbench results document: the document must be a JSON object \(got array\)/);
  rejects('{"runs": []}', /^r\.json has no "schema" field/);
  rejects('{"schema": "kbench.results/2"}', /^r\.json has schema "kbench\.results\/2", but this kbench reads "kbench\.results\/1"/);
  const d = sampleResults() as unknown as { runs: { summary: { msgsPerSec: { median: unknown } }; config: Record<string, unknown> }[]; env: Record<string, unknown> };
  d.runs[3]!.summary.msgsPerSec.median = 'fast';
  rejects(JSON.stringify(d), /\$\.runs\[3\]\.summary\.msgsPerSec\.median must be a number \(got string\)/);
  const e = sampleResults() as unknown as { env: Record<string, unknown> };
  delete e.env.broker;
  rejects(JSON.stringify(e), /\$\.env\.broker must be an object \(got undefined\)/);
  const c = sampleResults() as unknown as { runs: { config: Record<string, unknown> }[] };
  c.runs[0]!.config.nested = { a: 1 };
  rejects(JSON.stringify(c), /\$\.runs\[0\]\.config\["nested"\] must be a string, number or boolean/);
  assert.throws(() => loadResults('/nonexistent/r.json'), /\/nonexistent\/r\.json: no such file/);
});

test('null figures (NaN written as JSON) load as NaN and render as a dash', () => {
  const d = JSON.parse(JSON.stringify(sampleResults())) as { runs: { summary: { cpuUsPerMsg: Record<string, unknown> } }[] };
  for (const k of ['median', 'mean', 'stddev', 'min', 'max', 'cv']) d.runs[0]!.summary.cpuUsPerMsg[k] = null;
  const doc = parseResults(JSON.stringify(d), 'r.json');
  const run = doc.runs[0] as RunRecord;
  assert.ok(Number.isNaN(run.summary.cpuUsPerMsg.median));
  const rows = terminalTable(renderTerminal(doc), `${run.scenario} · ${fmtSize(run.messageSize)} messages`);
  const i = (rows[0] as string[]).indexOf('CPU µs/msg');
  assert.equal(rows.find((r) => r[0] === run.driver)?.[i], '—');
  assert.ok(!renderMarkdown(doc).includes('NaN'));
});

test('skipped, warnings and options may be absent', () => {
  const d = sampleResults() as unknown as Record<string, unknown>;
  delete d.skipped;
  delete d.warnings;
  delete d.options;
  const doc = parseResults(JSON.stringify(d), 'r.json');
  assert.deepEqual([doc.skipped, doc.warnings, doc.options], [[], [], {}]);
});
