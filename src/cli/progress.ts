// Live progress for `kbench run`: a bar per arm (messages done, rate) on a terminal; a line as each arm
// starts and one as it ends when stderr is not a TTY; nothing with --quiet. Output goes to stderr, so stdout
// carries only the results table.
import cliProgress from 'cli-progress';
import { armLabel, type PlannedArm } from '../plan/plan.js';
import type { Repetition } from '../results/types.js';
import type { RunEvents } from '../runner/run.js';
import { scrubKnown } from '../util/redact.js';

const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

export class ProgressUi implements RunEvents {
  private readonly tty = Boolean(process.stderr.isTTY);
  private bar: cliProgress.SingleBar | undefined;
  private count = 0;
  private total = 0;
  private started = 0;

  constructor(private readonly quiet: boolean) {}

  info(message: string): void {
    if (!this.quiet) process.stderr.write(`${scrubKnown(message)}\n`);
  }

  armStart(arm: PlannedArm, total: number): void {
    this.count++;
    this.total = total;
    this.started = Date.now();
    if (this.quiet) return;
    // Not a terminal (a log, CI): a line as each arm starts, so a log shows which arm was running.
    if (!this.tty) return void process.stderr.write(`… [${this.count}/${total}] ${armLabel(arm)}\n`);
    this.bar = new cliProgress.SingleBar(
      // `{total}` is cli-progress's own key (the bar's total): the arm count is `{arms}`.
      { format: `[{n}/{arms}] {label} |{bar}| {value}/{of} msgs  {rate} msgs/s`, hideCursor: true, clearOnComplete: true, stream: process.stderr, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    // A timed unpaced arm sends what its duration allows: its cap is no total to show.
    const of = arm.durationMs !== undefined ? `(${arm.durationMs / 1000} s)` : fmt(arm.messages);
    this.bar.start(arm.messages, 0, { n: this.count, arms: total, label: armLabel(arm), of, rate: '–' });
  }

  armProgress(_arm: PlannedArm, done: number): void {
    if (!this.bar) return;
    const secs = (Date.now() - this.started) / 1000;
    this.bar.update(done, { rate: secs > 0 ? fmt(done / secs) : '–' });
  }

  armEnd(arm: PlannedArm, rep: Repetition): void {
    this.bar?.stop();
    this.bar = undefined;
    if (this.quiet) return;
    const head = `[${this.count}/${this.total}] ${armLabel(arm)}`;
    if (rep.ok && rep.failover) {
      const f = rep.failover;
      process.stderr.write(`✓ ${head}: ${fmt(f.acked)} acked, ${f.ackedLost > 0 ? `✗ ${fmt(f.ackedLost)} acknowledged but LOST` : '0 lost'}, ${fmt(f.duplicates)} duplicated, ${fmt(f.failed)} failed, ack gap ${(f.ackGapMs / 1000).toFixed(1)} s\n`);
    } else if (rep.ok) {
      const lat = rep.latencyUs ? `  p99 ${fmt(rep.latencyUs.p99)} µs${rep.serviceTimeUs ? ' (corrected)' : ''}` : '';
      const paced = rep.requestedRate !== undefined && rep.achievedRate !== undefined ? `  rate ${fmt(rep.achievedRate)} of ${fmt(rep.requestedRate)}` : '';
      process.stderr.write(`✓ ${head}: ${fmt(rep.msgsPerSec)} msgs/s, ${rep.mbPerSec.toFixed(2)} MB/s, ${rep.cpuUsPerMsg.toFixed(2)} CPU µs/msg${lat}${paced}\n`);
    } else {
      process.stderr.write(`✗ ${head}: FAILED — ${scrubKnown(rep.error ?? rep.verification.failures.join('; '))}\n`);
    }
  }

  done(): void {
    this.bar?.stop();
  }
}
