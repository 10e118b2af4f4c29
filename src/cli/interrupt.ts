// Ctrl-C during `kbench run`: the first SIGINT (or SIGTERM) says where the run stands and stops it
// cleanly — the arm running is stopped and kept as failed, later arms are not run, the results so far
// are written, the exit code is 130 (143 for SIGTERM). A second signal exits at once.
import type { RunControl } from '../runner/run.js';

type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Interruptible {
  control: RunControl;
  /** The signal that interrupted the run, if one did. */
  readonly signal: StopSignal | undefined;
  /** Removes the handlers (the run is over). */
  dispose(): void;
}

export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export function interruptible(write: (line: string) => void = (l) => process.stderr.write(l)): Interruptible {
  const abort = new AbortController();
  const control: RunControl = { signal: abort.signal, phase: 'starting' };
  let got: StopSignal | undefined;
  const on = (sig: StopSignal): void => {
    if (got) {
      write(`\nkbench: ${sig} again while ${control.phase}: exiting now, nothing written\n`);
      process.exit(SIGNAL_EXIT[sig]);
    }
    got = sig;
    write(`\nkbench: ${sig} while ${control.phase}: stopping the run (the running arm is kept as failed, later arms are not run, the results so far are written); ${sig} again exits at once\n`);
    abort.abort(sig);
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    control,
    get signal() {
      return got;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
