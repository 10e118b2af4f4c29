// `kbench setup [target...]`: prepares the runtimes of external drivers (Python venv, Java driver…).
import type { Command } from 'commander';
import { SETUP_TARGETS, type SetupTarget } from '../setup/targets.js';
import { UsageError } from '../util/errors.js';

async function targets(): Promise<SetupTarget[]> {
  return Promise.all(SETUP_TARGETS.map((load) => load()));
}

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('Prepare the runtimes of external drivers (Python virtual environment, Java driver); all when no target is given')
    .argument('[targets...]', 'targets to prepare')
    .option('--force', 'rebuild even when up to date')
    .option('--status', 'only show the state of each target')
    .action(async (names: string[], o: { force?: boolean; status?: boolean }) => {
      const all = await targets();
      const unknown = names.filter((n) => !all.some((t) => t.name === n));
      if (unknown.length) throw new UsageError(`unknown setup target ${unknown.map((u) => `'${u}'`).join(', ')} (targets: ${all.map((t) => t.name).join(', ') || 'none'})`);
      const chosen = names.length ? all.filter((t) => names.includes(t.name)) : all;
      for (const t of chosen) {
        if (o.status) {
          process.stdout.write(`${t.name}: ${await t.status()}\n`);
          continue;
        }
        process.stderr.write(`setting up ${t.name} (${t.summary})…\n`);
        await t.run((line) => process.stderr.write(`  ${line}\n`), { force: Boolean(o.force) });
        process.stderr.write(`${t.name}: ${await t.status()}\n`);
      }
    });
}
