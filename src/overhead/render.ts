// The terminal view of an overhead document (a pure function of it): one table per path and size.
import Table from 'cli-table3';
import type { OverheadDocument, OverheadResult } from './types.js';
import { isCDriver } from './types.js';

const f1 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(1) : '-');

function crossings(r: OverheadResult): string {
  if (r.crossingsPerMsg === null) return '-';
  if (isCDriver(r.driver)) return '0';
  const v = r.crossingsPerMsg;
  return v >= 0.1 ? v.toFixed(2) : v.toPrecision(2);
}

export function pathTitle(path: string, size: number, doc: OverheadDocument): string {
  const where = path === 'produce' ? 'no broker (unreachable bootstrap)' : 'mock cluster';
  return `${path} · ${size} B · ${doc.messages.toLocaleString('en-US')} messages · ${where} · median of ${doc.repetitions}`;
}

export function renderOverheadTable(doc: OverheadDocument): string {
  const out: string[] = [];
  for (const size of doc.messageSizes) {
    for (const path of doc.paths) {
      const rows = doc.results.filter((r) => r.path === path && r.messageSize === size);
      if (rows.length === 0) continue;
      const table = new Table({
        head: ['driver', 'ns/msg median (min–max)', '× vs c', 'CPU ns/msg (× c)', 'crossings/msg', 'librdkafka', 'crossing+conv', 'client JS', 'GC', 'API'],
        colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
        style: { head: [], border: [] }, // no ANSI colours: the tables go to files and pipes too
      });
      for (const r of rows) {
        if (r.error !== undefined) {
          table.push([r.driver, { colSpan: 9, content: r.error.startsWith('not applicable') || r.notes.some((n) => n.startsWith('not applicable')) ? `n/a: ${r.error}` : `FAILED: ${r.error}` }]);
          continue;
        }
        const b = r.breakdown;
        table.push([
          r.driver,
          `${f1(r.nsPerMsg.median)} (${f1(r.nsPerMsg.min)}–${f1(r.nsPerMsg.max)})`,
          r.ratioToC === undefined ? '-' : `${r.ratioToC.toFixed(2)}×`,
          `${f1(r.cpuNsPerMsg?.median)}${r.cpuRatioToC === undefined ? '' : ` (${r.cpuRatioToC.toFixed(2)}×)`}`,
          crossings(r),
          f1(b.librdkafka),
          isCDriver(r.driver) ? '' : f1(b.crossing),
          isCDriver(r.driver) ? '' : f1(b.js),
          isCDriver(r.driver) ? '' : f1(b.gc),
          r.api,
        ]);
      }
      out.push(pathTitle(path, size, doc), table.toString(), '');
    }
  }
  const notes = doc.results.filter((r) => r.error === undefined && r.notes.length > 0).map((r) => `  ${r.driver} ${r.path} ${r.messageSize} B: ${r.notes.join('; ')}`);
  if (notes.length) out.push('Notes:', ...notes, '');
  if (doc.warnings.length) out.push('Warnings:', ...doc.warnings.map((w) => `  ${w}`), '');
  out.push(`Host: ${doc.host.cpus} cores (${doc.host.cpu}), Node ${doc.host.node}. Columns librdkafka … GC: the decomposition of ns/msg, each measured:`);
  out.push(...doc.method.map((m) => `  - ${m}`));
  return `${out.join('\n')}\n`;
}
