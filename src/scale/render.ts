// The terminal view of a scale document (a pure function of it).
import Table from 'cli-table3';
import type { ScaleDocument } from './run.js';

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

export function renderScaleTable(doc: ScaleDocument): string {
  const table = new Table({
    head: ['workers', 'mode', 'msgs/s', 'min–max', 'msgs/s per worker', 'speedup', 'efficiency', 'CPU µs/msg', 'verified'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [] }, // no ANSI colours: the tables go to files and pipes too
  });
  for (const r of doc.rows) {
    table.push([
      String(r.workers),
      r.mode,
      int(r.msgsPerSec.median),
      `${int(r.msgsPerSec.min)}–${int(r.msgsPerSec.max)}`,
      int(r.perWorker),
      r.speedup === undefined ? '-' : `${r.speedup.toFixed(2)}×`,
      r.efficiency === undefined ? '-' : `${(100 * r.efficiency).toFixed(0)} %`,
      Number.isFinite(r.cpuUsPerMsg.median) ? r.cpuUsPerMsg.median.toFixed(2) : '-',
      r.verified ? '✓' : `✗ ${r.failures[0] ?? 'no verified repetition'}`,
    ]);
  }
  const reps = doc.rows[0]?.repetitions.length ?? 0;
  const lines = [
    `${doc.driver} · ${doc.scenario} · ${doc.messages.toLocaleString('en-US')} × ${doc.messageSize} B per run · ${doc.partitions} partitions · median of ${reps}`,
    `This machine has ${doc.cores} cores, shared with the broker: beyond ${doc.cores} workers nothing more can run in parallel, and the broker's share grows with the load.`,
    table.toString(),
    'efficiency = msgs/s ÷ (workers × msgs/s of 1 worker); mode: threads = piscina worker threads in one process, processes = one process per worker (clients that cannot load twice in a process).',
  ];
  if (doc.warnings.length) lines.push(...doc.warnings.map((w) => `warning: ${w}`));
  return `${lines.join('\n')}\n`;
}
