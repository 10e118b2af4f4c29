#!/usr/bin/env node
// Runs node's test runner over test files and directories, the same on every Node kbench supports:
// Node 20 expands a directory argument of `node --test` itself, Node 22+ takes arguments as glob
// patterns and a bare directory as a file. Directories are expanded here (every *.test.js below).
//
//   node scripts/run-tests.mjs [node --test flags…] <dir|file>…
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const flags = [];
const files = [];
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
}
for (const a of process.argv.slice(2)) {
  if (a.startsWith('--')) flags.push(a);
  else if (!fs.existsSync(a)) {
    process.stderr.write(`run-tests: ${a}: no such file or directory\n`);
    process.exit(2);
  } else if (fs.statSync(a).isDirectory()) walk(a);
  else files.push(a);
}
if (!files.length) {
  process.stderr.write('run-tests: no test files given (*.test.js, or directories holding them)\n');
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--test', ...flags, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
