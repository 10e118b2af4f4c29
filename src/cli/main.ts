// Entry point of the kbench command (bin/kbench.js imports this file).
import { runCli } from './program.js';

// A reader that goes away (`kbench … | head`) is not an error of ours: stop quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

await runCli(process.argv);
