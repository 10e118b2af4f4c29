#!/usr/bin/env node
// Entry point of the `kbench` command: the CLI itself is compiled TypeScript under dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('kbench: not built yet (dist/ is missing). Run `npm install` (or `npm run build`) in the kbench directory.\n');
  process.exit(1);
}
await import(main);
