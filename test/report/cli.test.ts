// `kbench report` and `kbench compare` as a user runs them: subprocesses of bin/kbench.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_PATH, sampleResults } from '../fixtures/results.js';
import { summarize } from '../../src/stats/summary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'kbench-cli-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function kbench(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'kbench.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

test('kbench report prints the terminal table', () => {
  const r = kbench('report', SAMPLE_PATH);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /producer-async · 100 B messages · median of 3 repetitions/);
  assert.match(r.stdout, /✗ FAILED/);
  assert.ok(!r.stdout.includes('\u001b'));
});

test('kbench report --html --md writes both files', () => {
  const html = path.join(dir, 'x.html');
  const md = path.join(dir, 'x.md');
  const r = kbench('report', 'test/fixtures/results-sample.json', '--html', html, '--md', md);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `wrote ${html}\nwrote ${md}\n`);
  assert.match(readFileSync(html, 'utf8'), /^<!DOCTYPE html>[\s\S]*<svg [\s\S]*<\/html>\n$/);
  assert.match(readFileSync(md, 'utf8'), /^# kbench results\n[\s\S]*\| driver \| msgs\/s \|/);
});

test('kbench report --baseline', () => {
  const r = kbench('report', SAMPLE_PATH, '--baseline', 'confluent');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /× vs confluent/);
});

test('kbench report on invalid input: one line naming the file, exit code 2', () => {
  const cases: [string, RegExp][] = [
    [file('notjson.json', '{ nope'), /notjson\.json is not JSON/],
    [file('noschema.json', '{"runs": []}'), /noschema\.json has no "schema" field/],
    [file('wrong.json', '{"schema": "something/9"}'), /wrong\.json has schema "something\/9"/],
    [path.join(dir, 'missing.json'), /missing\.json: no such file/],
  ];
  for (const [p, pattern] of cases) {
    const r = kbench('report', p);
    assert.equal(r.code, 2, `${p}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('kbench compare: ratios, p, only-in lists, --json and --md, --alpha, exit 0', () => {
  // 5 repetitions a side: enough for the exact Mann–Whitney test to reach p < 0.05 (3 + 3 cannot: at best 0.10).
  const aPath = file('a5.json', JSON.stringify(sampleResults({ repetitions: 5 })));
  const b = sampleResults({ repetitions: 5 });
  const c = b.runs.find((r) => r.driver === 'c' && r.scenario === 'consumer');
  assert.ok(c);
  for (const rep of c.repetitions) rep.msgsPerSec *= 2;
  c.summary.msgsPerSec = summarize(c.repetitions.map((rep) => rep.msgsPerSec));
  b.runs = b.runs.filter((r) => r.driver !== 'platformatic');
  const bPath = file('b.json', JSON.stringify(b));

  const text = kbench('compare', aPath, bPath);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /consumer · 1 KiB · c .*2\.00× better │ 0\.008 │/);
  assert.match(text.stdout, /Only in A .*\(4\):/);
  assert.match(text.stdout, /msgs\/s: 1 of 19 arms significantly different \(Mann–Whitney, α = 0\.05\)/);

  const md = path.join(dir, 'cmp.md');
  const json = kbench('compare', aPath, bPath, '--json', '--md', md);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { alpha: number; arms: { driver: string; scenario: string; metrics: { metric: string; ratio: number; significance: string; p: number }[] }[]; onlyInA: unknown[] };
  assert.equal(parsed.alpha, 0.05);
  assert.equal(parsed.onlyInA.length, 4);
  const arm = parsed.arms.find((a) => a.driver === 'c' && a.scenario === 'consumer');
  assert.equal(arm?.metrics[0]?.ratio, 2);
  assert.equal(arm?.metrics[0]?.significance, 'significant');
  assert.ok(Math.abs((arm?.metrics[0]?.p ?? 0) - 2 / 252) < 1e-12);
  assert.match(readFileSync(md, 'utf8'), /^# kbench compare/);

  // Against the 3-repetition sample the same change cannot be tested.
  const small = kbench('compare', SAMPLE_PATH, file('b3.json', JSON.stringify(sampleResults())));
  assert.match(small.stdout, /n too small to test/);

  // --alpha 0.005: below the 0.0079 that 5 + 5 can reach at best.
  const strict = kbench('compare', aPath, bPath, '--alpha', '0.005');
  assert.equal(strict.code, 0, strict.stderr);
  assert.match(strict.stdout, /consumer · 1 KiB · c .*2\.00× n too small/);
  const bad = kbench('compare', aPath, bPath, '--alpha', '5');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--alpha must be a number between 0 and 1/);
});

test('kbench compare with an invalid input exits 2', () => {
  const r = kbench('compare', SAMPLE_PATH, file('bad.json', '[]'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json is not a valid kbench results document/);
});
