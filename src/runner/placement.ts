// Where the broker and the arms run. On a machine shared by a JVM broker and the client under test,
// letting the scheduler mix them makes the broker's JIT, GC and request threads land on whichever
// core the client was using: pinning them to separate CPUs (sched affinity, via taskset) takes that
// interference out of the repetitions. What `auto` does is recorded with every run.
import type { CpuPlacementRequest } from '../plan/plan.js';
import { findTaskset } from '../util/cpus.js';

export interface Placement {
  /** CPUs of the embedded broker's JVMs (undefined: not pinned). */
  broker?: number[];
  /** CPUs of every arm's process (undefined: not pinned). */
  arms?: number[];
  /** How the placement was chosen, for the results. */
  note: string;
}

/**
 * `auto`: with 2 or more cores and taskset installed, the broker gets the first ⌊cores/2⌋ CPUs and
 * the arms the rest (2 cores: broker on CPU 0, arm on CPU 1); otherwise nothing is pinned. With an
 * external cluster (`--brokers`) only the arms can be placed: auto leaves them unpinned.
 */
export function resolvePlacement(req: CpuPlacementRequest, cores: number, embedded: boolean, taskset = findTaskset()): Placement {
  if (req === 'none') return { note: 'not pinned (--cpus none)' };
  if (req !== 'auto') {
    if (!taskset) throw new Error('--cpus needs taskset (util-linux), which is not installed');
    return { ...(embedded ? { broker: req.broker } : {}), arms: req.arms, note: `as asked (--cpus ${req.broker.join(',')}/${req.arms.join(',')})${embedded ? '' : '; the broker is not ours to place'}` };
  }
  if (!embedded) return { note: 'not pinned (an external cluster; --cpus BROKER/ARMS places the arms)' };
  if (cores < 2) return { note: 'not pinned (1 core)' };
  if (!taskset) return { note: 'not pinned (taskset is not installed)' };
  const half = Math.floor(cores / 2);
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  return { broker: range(0, half), arms: range(half, cores), note: `auto: broker on CPU ${fmt(range(0, half))}, arms on CPU ${fmt(range(half, cores))} (${cores} cores)` };
}

function fmt(cpus: readonly number[]): string {
  return cpus.length > 1 ? `${cpus[0]}-${cpus[cpus.length - 1]}` : String(cpus[0]);
}
