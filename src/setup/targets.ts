// Runtimes that external drivers need and that are prepared on demand (`kbench setup <target>`,
// run by .ci/run): a Python virtual environment with the seeds' clients, the Java driver's build, …
// Each target is idempotent: it does nothing when what it prepares is already there and current.

export interface SetupTarget {
  name: string;
  summary: string;
  /** Prepares the target; `log` receives progress lines. Throws with a clear message on failure. */
  run(log: (line: string) => void, opts: { force: boolean }): Promise<void>;
  /** One line of state for `kbench setup --status`. */
  status(): Promise<string>;
}

/** One line per target (each module exports its target). */
export const SETUP_TARGETS: readonly (() => Promise<SetupTarget>)[] = [
  async () => (await import('./java.js')).target,
  async () => (await import('./python.js')).target,
  async () => (await import('../profile/setup.js')).target,
];
