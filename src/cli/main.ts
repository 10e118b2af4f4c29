// Entry point of the kbench command (bin/kbench.js imports this file).
import { runCli } from './program.js';

await runCli(process.argv);
