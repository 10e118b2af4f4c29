import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, escapeMarkdown, fmtCompact, fmtCv, fmtInt, fmtInterval, fmtP, fmtPct, fmtRatio, fmtSig, fmtSize, redactConfig, redactDeep } from '../../src/report/format.js';

test('numbers: fixed locale, no NaN on screen', () => {
  assert.equal(fmtInt(1234567.4), '1,234,567');
  assert.equal(fmtInt(NaN), '—');
  assert.equal(fmtSig(0.012345), '0.0123');
  assert.equal(fmtSig(9.04), '9.04');
  assert.equal(fmtSig(12.345), '12.3');
  assert.equal(fmtSig(1233.4), '1,233');
  assert.equal(fmtRatio(10.088), '10.09×');
  assert.equal(fmtRatio(NaN), '');
  assert.equal(fmtCv(0.025), '±2.5%');
  assert.equal(fmtCv(0.153), '±15%');
  assert.equal(fmtSize(100), '100 B');
  assert.equal(fmtSize(1024), '1 KiB');
  assert.equal(fmtSize(1000), '1000 B');
  assert.equal(fmtSize(1048576), '1 MiB');
});

test('interval ends: three significant digits with k / M / G; p-values; percentages', () => {
  assert.equal(fmtCompact(1_234_567), '1.23M');
  assert.equal(fmtCompact(75_936), '75.9k');
  assert.equal(fmtCompact(103_056), '103k');
  assert.equal(fmtCompact(9_990), '9.99k');
  assert.equal(fmtCompact(999_600), '1.00M');
  assert.equal(fmtCompact(24.1), '24.1');
  assert.equal(fmtCompact(999.6), '1,000');
  assert.equal(fmtCompact(NaN), '—');
  assert.equal(fmtInterval({ low: 1_200_000, high: 1_270_000 }), '[1.20M–1.27M]');
  assert.equal(fmtInterval(undefined), '');
  assert.equal(fmtP(2 / 70), '0.029');
  assert.equal(fmtP(0.1), '0.10');
  assert.equal(fmtP(1e-9), '< 0.001');
  assert.equal(fmtP(NaN), '—');
  assert.equal(fmtPct(0.9375), '93.75 %');
  assert.equal(fmtPct(0.05), '5 %');
});

test('escapeHtml leaves no markup', () => {
  assert.equal(escapeHtml(`<script>alert("x")</script>&'`), '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
});

test('escapeMarkdown keeps a table cell one cell', () => {
  const s = escapeMarkdown('a|b\nc <b>*x*</b> `y` [l](u) _z_');
  assert.ok(!/(?<!\\)\|/.test(s));
  assert.ok(!s.includes('\n') && !s.includes('<') && !/(?<!\\)[*`_[]/.test(s));
});

test('redactConfig / redactDeep hide secret-looking keys', () => {
  assert.deepEqual(redactConfig({ 'sasl.password': 'p', 'SSL.KEY.PASSWORD': 'k', 'sasl.jaas.config': 'j', 'api.key': 'a', apiKey: 'b', 'api-key': 'c', token: 't', acks: 'all' }), {
    'sasl.password': '***',
    'SSL.KEY.PASSWORD': '***',
    'sasl.jaas.config': '***',
    'api.key': '***',
    apiKey: '***',
    'api-key': '***',
    token: '***',
    acks: 'all',
  });
  assert.deepEqual(redactDeep({ sasl: { username: 'u', password: 'p' }, list: [{ secret: 's' }] }), { sasl: { username: 'u', password: '***' }, list: [{ secret: '***' }] });
});
