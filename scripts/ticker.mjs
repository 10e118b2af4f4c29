#!/usr/bin/env node
// A progress line every few seconds while a long synchronous build step runs in the process that
// started this one (scripts/install.mjs and scripts/prepare.mjs block in spawnSync): elapsed time and,
// when given a build directory, how many of its C/C++ sources have an object file yet.
//
//   node scripts/ticker.mjs <parent-pid> <label> [<build dir>]
// It ends by itself when its parent is gone.
import fs from 'node:fs';
import path from 'node:path';

const [parentArg, label = 'working', dir] = process.argv.slice(2);
const parent = Number(parentArg);
const started = Date.now();
const EVERY_MS = Number(process.env.KBENCH_TICK_MS) || 15_000;

const SKIP = new Set(['node_modules', 'tests', 'test', 'examples', 'win32', 'packaging', 'mklove', 'e2e', 'bench']);

function count(root) {
  let sources = 0;
  let objects = 0;
  const walk = (d, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        // What a library build compiles, not its test suite, examples or other platforms' code.
        if (depth < 6 && !SKIP.has(e.name) && !e.name.startsWith('.')) walk(path.join(d, e.name), depth + 1);
      } else if (/\.(c|cc|cpp)$/.test(e.name)) sources++;
      else if (e.name.endsWith('.o')) objects++;
    }
  };
  walk(root, 0);
  return { sources, objects };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

setInterval(() => {
  if (!alive(parent)) process.exit(0);
  const secs = Math.round((Date.now() - started) / 1000);
  let what = '';
  if (dir) {
    const c = count(dir);
    if (c.sources > 0) what = `, ${Math.min(c.objects, c.sources)}/${c.sources} files compiled`;
  }
  process.stderr.write(`${label}: still running, ${secs} s${what}…\n`);
}, EVERY_MS);
