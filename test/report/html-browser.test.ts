// Opens the HTML report in headless Chromium: the page must render its charts (visible, non-zero
// size), make no request and log no error. Chromium is required: CI installs it
// (`apt-get install -y chromium`); a missing browser fails this test rather than skipping it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderHtml } from '../../src/report/html.js';
import { sampleResults } from '../fixtures/results.js';
import type { BrowserContext, Page } from 'playwright-core';

const CHROMIUM = process.env.KBENCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir = '';
let context: BrowserContext | undefined;
let page: Page;
const problems: string[] = [];
const requests: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set KBENCH_CHROMIUM)`);
  dir = mkdtempSync(path.join(tmpdir(), 'kbench-html-'));
  const file = path.join(dir, 'report.html');
  writeFileSync(file, await renderHtml(sampleResults()));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1300, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
});

after(async () => {
  await context?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the page loads with no console error and no network request', () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(requests, []);
});

test('every chart is visible with a non-zero size and draws its bars', async () => {
  const charts = await page.$$eval('figure svg', (svgs) =>
    svgs.map((s) => {
      const r = s.getBoundingClientRect();
      const bars = [...s.querySelectorAll('[aria-roledescription="bar"]')].map((b) => b.getBoundingClientRect());
      return { id: s.parentElement?.id ?? '', width: r.width, height: r.height, bars: bars.length, drawn: bars.filter((b) => b.width > 0 && b.height > 0).length };
    }),
  );
  assert.equal(charts.length, 7);
  for (const c of charts) {
    assert.ok(c.width > 100 && c.height > 100, `${c.id}: ${c.width}×${c.height}`);
    assert.ok(c.bars > 0 && c.drawn === c.bars, `${c.id}: ${c.drawn}/${c.bars} bars drawn`);
  }
  for (const id of ['throughput-producer-async', 'latency-e2e-latency-1024']) assert.ok(await page.locator(`#${id} svg`).isVisible(), id);
});

test('tables and the failure banner are rendered', async () => {
  assert.equal(await page.locator('table').count() >= 4, true);
  assert.ok(await page.locator('.banner').isVisible());
  // The callback runs in the page; node's type environment has no DOM globals, hence the cast.
  const failedBg = await page.$eval('tr.failed td', (td) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor);
  assert.notEqual(failedBg, 'rgba(0, 0, 0, 0)');
});
