// A long build step in the install (librdkafka's make, a binding's node-gyp build) prints a line every
// few seconds: elapsed time and how many of the sources are compiled, and nothing after it ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/paths.js';

test('withTicker: progress lines with the compiled-file count while the step runs, none once it is done', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-ticker-'));
  try {
    for (const f of ['a.c', 'b.c', 'c.cc', 'a.o']) fs.writeFileSync(path.join(dir, f), '');
    const store = pathToFileURL(path.join(projectRoot, 'scripts', 'clientstore.mjs')).href;
    const script = `const m = await import(${JSON.stringify(store)});
      const { execSync } = await import('node:child_process');
      const v = m.withTicker('[test] building', () => { execSync('sleep 2'); return 42; }, ${JSON.stringify(dir)});
      process.stderr.write('returned ' + v + '\\n');
      execSync('sleep 1');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, KBENCH_TICK_MS: '300' }, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    const ret = lines.indexOf('returned 42');
    assert.ok(ret > 0, `the step's value came back after some progress lines: ${r.stderr}`);
    for (const l of lines.slice(0, ret)) assert.match(l, /^\[test\] building: still running, \d+ s, 1\/3 files compiled…$/);
    assert.deepEqual(lines.slice(ret + 1), [], 'no line once the step is over');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
