// Timing of the measured window of a scenario (WINDOWS, src/contract/arm.ts): wall time, absolute
// start/end (to combine workers), and CPU of the whole process (librdkafka's threads included) over
// exactly that interval. Nothing is subtracted: what happens inside the window is part of the figure.
import { wallClockUs } from './batch.js';

export interface Measured {
  elapsedNs: number;
  startUs: number;
  endUs: number;
  cpuUserUs: number;
  cpuSysUs: number;
}

export class Meter {
  private t0 = 0n;
  private startUs = 0;
  private cpu0: NodeJS.CpuUsage | undefined;

  get started(): boolean {
    return this.cpu0 !== undefined;
  }

  start(): void {
    this.cpu0 = process.cpuUsage();
    this.startUs = wallClockUs();
    this.t0 = process.hrtime.bigint();
  }

  stop(): Measured {
    if (!this.cpu0) this.start();
    const elapsed = Number(process.hrtime.bigint() - this.t0);
    const endUs = wallClockUs();
    const cpu = process.cpuUsage(this.cpu0);
    return { elapsedNs: Math.max(1, elapsed), startUs: this.startUs, endUs, cpuUserUs: cpu.user, cpuSysUs: cpu.system };
  }
}

export function addErrors(into: Record<string, number>, from: Record<string, number>, sign = 1): void {
  for (const [k, v] of Object.entries(from)) {
    const n = (into[k] ?? 0) + sign * v;
    if (n === 0) delete into[k];
    else into[k] = n;
  }
}

export function describeErrors(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([k, v]) => `${k} ×${v}`);
  return parts.length ? parts.join(', ') : 'no error code';
}

export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; type?: unknown };
  if (typeof e?.code === 'string' && e.code) return e.code;
  if (typeof e?.type === 'string' && e.type) return e.type;
  if (typeof e?.code === 'number') return `code ${e.code}`;
  if (typeof e?.name === 'string' && e.name !== 'Error') return e.name;
  return 'error';
}
