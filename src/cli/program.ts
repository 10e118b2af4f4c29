// The kbench program: every command lives in its own module under src/cli/ and registers itself here.
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../util/errors.js';
import { scrubKnown } from '../util/redact.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.js';
import { registerBroker } from './broker.js';
import { registerReport } from './report.js';
import { registerCompare } from './compare.js';
import { registerDrivers } from './drivers.js';
import { registerRun } from './run.js';
import { registerSetup } from './setup.js';
import { registerSeeds } from './seeds.js';
import { registerOverhead } from './overhead.js';
import { registerProfile } from './profile.js';
import { registerScale } from './scale.js';
import { registerSweep } from './sweep.js';

const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('kbench')
    .description('What a Node.js Kafka client really costs: every client, the same workload, the same real broker.')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerDrivers(program);
  registerBroker(program);
  registerSeeds(program);
  registerSetup(program);
  registerReport(program);
  registerCompare(program);
  registerOverhead(program);
  registerProfile(program);
  registerScale(program);
  registerSweep(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    // A client's error may quote a password this process holds (SASL): never print it.
    process.stderr.write(`kbench: ${scrubKnown(errorMessage(err))}\n`);
    const code = (err as { exitCode?: unknown }).exitCode;
    process.exitCode = typeof code === 'number' ? code : 1;
  }
}


