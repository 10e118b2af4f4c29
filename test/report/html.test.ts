import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml } from '../../src/report/html.js';
import { FAILED_ARM, aaResults, sampleResults, withShortWindow } from '../fixtures/results.js';
import { runOf, unbalancedTags } from './helpers.js';

const doc = sampleResults();
const html = await renderHtml(doc);

/** The SVG of the figure with this id. */
function figure(id: string): string {
  const start = html.indexOf(`<figure id="${id}"`);
  assert.ok(start >= 0, `no figure ${id}`);
  return html.slice(start, html.indexOf('</figure>', start));
}

function bars(svg: string): string[] {
  return [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar"/g)].map((m) => m[1] as string);
}

test('self-contained: no script, no external resource, a CSP that forbids both', () => {
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(!/<script|<link|<img|<iframe/i.test(html));
  assert.ok(!/(src|href)="(https?:)?\/\//i.test(html));
  assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`));
});

test('well-formed: every tag is closed in order', () => {
  assert.deepEqual(unbalancedTags(html), []);
});

test('one throughput and one CPU chart per scenario, one latency chart per latency table', () => {
  const ids = [...html.matchAll(/<figure id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['throughput-producer-async', 'cpu-producer-async', 'throughput-consumer', 'cpu-consumer', 'throughput-e2e-latency', 'cpu-e2e-latency', 'latency-e2e-latency-1024']);
  assert.equal((html.match(/<svg /g) ?? []).length, ids.length);
});

test('grouped bars: one bar per driver per message size', () => {
  const b = bars(figure('throughput-producer-async'));
  const runs = doc.runs.filter((r) => r.scenario === 'producer-async');
  assert.equal(b.length, runs.length);
  for (const r of runs) {
    const size = r.messageSize === 100 ? '100 B' : '1 KiB';
    assert.ok(b.some((l) => l.startsWith(`${r.driver} · ${size}: `)), `${r.driver} ${size}`);
  }
  assert.ok(b.includes('kafkajs · 100 B: 90,400 msgs/s'));
  assert.ok(b.includes(`${FAILED_ARM.driver} · 1 KiB: ${runOf(doc, FAILED_ARM.driver, 'producer-async', 1024).summary.msgsPerSec.median.toLocaleString('en-US')} msgs/s (verification FAILED)`));
  assert.equal(bars(figure('cpu-consumer')).length, 6);
});

test('latency chart: p50, p90, p99, p99.9 per driver, log scale; p99.99 left out where the sample count does not support it', () => {
  const b = bars(figure('latency-e2e-latency-1024'));
  assert.equal(b.length, 5 * 4);
  assert.ok(!b.some((x) => x.includes('p99.99')));
  assert.ok(b.some((x) => x.includes('kafkajs · p90: ')));
  assert.ok(b.includes('kafkajs · p99: 14,040 µs'));
  assert.ok(b.includes('addon · p99.9: 4,819 µs'));
});

test('tables, settings, env, skipped and warnings are in the page; the failure is highlighted', () => {
  assert.equal((html.match(/<h3>[^<]* messages · median of 3 repetitions<\/h3>/g) ?? []).length, 4);
  assert.match(html, /<tr class="failed"><td>node-rdkafka<\/td>/);
  assert.match(html, /<div class="banner" role="alert"><strong>✗ 1 arm FAILED verification/);
  assert.match(html, /<tr class="workload-differs"[^>]*><td>sendBatch/);
  assert.match(html, /<section id="skipped">[\s\S]*rdkafka_performance has no end-to-end latency mode/);
  assert.match(html, /<div class="warnings">[\s\S]*2 CPU cores/);
  assert.match(html, /<section id="environment">[\s\S]*@platformatic\/kafka/);
  assert.match(html, /<td class="num noisy"[^>]*>90,400 \[75\.9k–103k\] ⚠<\/td>/);
  assert.match(html, /<td class="weak" title="verified by the client’s own count only">≈ count<\/td>/);
  assert.match(html, /<li>method: broker storage: tmpfs · /);
  assert.match(html, /<p class="legend">MB = 10⁶ bytes[^<]*<br>\[low–high\]: distribution-free[^<]*<br>× vs: ratio of median msgs\/s[^<]*<br>verified: ✓[^<]*<br>On a shared machine CPU µs\/msg is the steadier figure/);
});

test('short windows are marked with a note; the A/A check has its section', async () => {
  const d = sampleResults();
  withShortWindow(d, 'kafkajs', 'producer-async', 100, 1);
  const page = await renderHtml(d);
  assert.match(page, /<td class="num noisy" title="[^"]*a measured window under 10 ms: its rate means nothing">[^<]* ‡ ⚠<\/td>/);
  assert.match(page, /‡ kafkajs · producer-async · 100 B: rep 2 \(4\.200 ms\)/);
  assert.ok(!html.includes('id="aa-check"'));
  const aa = await renderHtml(aaResults());
  assert.match(aa, /<section id="aa-check" class="warnings"><h2>A\/A check: 1 of 23 arms differ significantly from themselves \(α = 0\.05, Mann–Whitney\)<\/h2><ul><li>platformatic · consumer · 1 KiB: A 218,057 \(n=4\)/);
  assert.deepEqual(unbalancedTags(aa), []);
});

test('deterministic: the same document renders the same page', async () => {
  assert.equal(await renderHtml(sampleResults()), html);
});

test('strings from the document are escaped, in tables and in the SVG charts', async () => {
  const evil = sampleResults();
  const payload = '<script>alert(1)</script>';
  const run = runOf(evil, 'kafkajs', 'producer-async', 100);
  run.driver = `x${payload}`;
  run.verified = false;
  run.repetitions[0]!.verification.failures = [`broker said ${payload} "quoted" & more`];
  run.config['<img src=x onerror=alert(2)>'] = payload;
  run.config['sasl.jaas.config'] = 'org.apache.kafka.common.security.plain.PlainLoginModule required password="hunter2";';
  evil.warnings.push(payload);
  evil.skipped.push({ driver: payload, scenario: 'consumer', reason: payload });
  const page = await renderHtml(evil);
  assert.ok(!/<script|<img/i.test(page));
  assert.ok(!page.includes('hunter2'));
  assert.ok(page.includes('broker said &#60;script&#62;alert(1)&#60;/script&#62; &#34;quoted&#34; &#38; more'));
  assert.deepEqual(unbalancedTags(page), []);
});
