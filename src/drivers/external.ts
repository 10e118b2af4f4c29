// External drivers: programs in other languages (C, Python, Java). kbench writes the ArmSpec as a
// JSON file and runs the program; the program writes a ScenarioOutcome JSON to spec.resultFile (the
// kbench driver protocol, protocol: 1) and may print progress lines `@kbench {"done": N}` on stdout.
// Programs that are not ours (rdkafka_performance, Kafka's perf tools) get a parse() adapter instead.
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import type { DriverDescription } from './types.js';

export interface ExternalCommand {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExternalDriver {
  readonly kind: 'external';
  readonly id: string;
  readonly client: string;
  /** Runs in kbench's process; may run the program (e.g. --version) but loads no client. */
  describe(): Promise<DriverDescription>;
  command(spec: ArmSpec, specFile: string): ExternalCommand;
  /** For programs that do not write a result file: turns their output into an outcome. */
  parse?(output: { stdout: string; stderr: string; exitCode: number | null }, spec: ArmSpec): ScenarioOutcome;
}
