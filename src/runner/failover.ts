// The parent's side of a failover arm (the arm's side: src/scenarios/failover.ts). Before the arm:
// its topic with replication 3, min.insync.replicas 2 and a fixed replica assignment (partition p
// led by node p mod nodes), so the faulted node leads the same partitions in every arm. During it:
// the fault, applied the moment the arm's `fault` progress line arrives — the same message of the
// same schedule for every client — and undone after the down time while the arm goes on sending.
// After it: the node back in the cluster, the topic read back with a count per sequence number,
// and the ledger weighed against it (src/stats/failover.ts).
import type { FailoverFault, FaultMode } from '../results/types.js';
import type { FailoverPlan } from '../plan/plan.js';
import { wallClockUs } from '../scenarios/batch.js';
import { errorMessage } from '../util/errors.js';

/** What a failover arm needs of the cluster: the embedded one's node controls. */
export interface FaultControl {
  nodes: number;
  killNode(id: number): Promise<void>;
  stopNode(id: number): Promise<void>;
  restartNode(id: number): Promise<void>;
  pauseNode(id: number): void;
  resumeNode(id: number): void;
}

/** The failover topic's settings: every partition on 3 nodes, a write needs 2 of them. */
export const FAILOVER_TOPIC = { replication: 3, configs: { 'min.insync.replicas': '2' } } as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What each mode does to the node, in words (reports, README). */
export const FAULT_WORDS: Readonly<Record<FaultMode, string>> = {
  kill: 'SIGKILL, started again after the down time',
  pause: 'SIGSTOP, SIGCONT after the down time',
  restart: 'a clean stop (SIGTERM), started again after the down time',
};

/**
 * Applies one fault when triggered, once; undoes it after `downMs`. Times are wall clock (µs), the
 * clock the arm's schedule uses, so they can be put on the arm's timeline afterwards.
 */
export class FaultInjector {
  private appliedUs: number | undefined;
  private backUs: number | undefined;
  private error: string | undefined;
  private running: Promise<void> | undefined;
  private paused = false;

  constructor(private readonly control: FaultControl, readonly plan: FailoverPlan, private readonly log: (line: string) => void = () => undefined) {}

  get triggered(): boolean {
    return this.running !== undefined;
  }

  /** Applies the fault now (later calls do nothing). */
  trigger(): void {
    if (this.running) return;
    this.appliedUs = wallClockUs();
    this.running = this.apply();
  }

  private async apply(): Promise<void> {
    const { mode, node, downMs } = this.plan;
    try {
      if (mode === 'kill') await this.control.killNode(node);
      else if (mode === 'pause') {
        this.control.pauseNode(node);
        this.paused = true;
      } else await this.control.stopNode(node);
      this.log(`fault: node ${node} ${mode === 'kill' ? 'killed (SIGKILL)' : mode === 'pause' ? 'paused (SIGSTOP)' : 'stopped (SIGTERM)'}; back in ${downMs / 1000} s`);
      await sleep(downMs);
      if (mode === 'pause') {
        this.control.resumeNode(node);
        this.paused = false;
      } else await this.control.restartNode(node);
      this.backUs = wallClockUs();
      this.log(`fault: node ${node} back${mode === 'pause' ? ' (SIGCONT)' : ', restarted and unfenced'} ${((this.backUs - (this.appliedUs as number)) / 1e6).toFixed(1)} s after the fault`);
    } catch (err) {
      this.error = errorMessage(err);
      this.resume();
    }
  }

  /** Waits until the fault has been undone (a node that fails to come back is recorded, not thrown). */
  async settle(): Promise<void> {
    await this.running;
  }

  /** Resumes a paused node at once (the run was interrupted). */
  resume(): void {
    if (!this.paused) return;
    try {
      this.control.resumeNode(this.plan.node);
    } catch {
      // it died meanwhile
    }
    this.paused = false;
  }

  /** The fault on the arm's timeline: `t0Us` = when its message 0 was due. */
  fault(t0Us: number, partitionsLed: number[]): FailoverFault {
    const { mode, node, atMessage, downMs } = this.plan;
    const f: FailoverFault = { mode, node, partitionsLed, atMessage, atMs: this.appliedUs !== undefined ? (this.appliedUs - t0Us) / 1000 : Number.NaN, downMs };
    if (this.backUs !== undefined) f.backMs = (this.backUs - t0Us) / 1000;
    if (this.error) f.error = this.error;
    else if (this.appliedUs === undefined) f.error = 'the fault was never applied: the arm did not reach its fault message';
    return f;
  }
}
