// The terminal view of an overhead document (a pure function of it).
import Table from 'cli-table3';
import type { OverheadDocument } from './types.js';

export function renderOverheadTable(doc: OverheadDocument): string {
  const table = new Table({ head: ['driver', 'ns/msg median', 'min', 'max', '× vs c', 'runs'] });
  const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');
  for (const r of doc.results) {
    if (r.error !== undefined) {
      table.push([r.driver, { colSpan: 5, content: `failed: ${r.error}` }]);
      continue;
    }
    table.push([r.driver, f(r.nsPerMsg.median), f(r.nsPerMsg.min), f(r.nsPerMsg.max), r.ratioToC === undefined ? '-' : `${r.ratioToC.toFixed(3)}×`, String(r.runs.length)]);
  }
  const librdkafka = [...new Set(doc.results.flatMap((r) => r.runs.map((x) => x.librdkafka)))].join(', ');
  const header =
    `${doc.path}: ${doc.messages.toLocaleString('en-US')} × ${doc.messageSize} B per run, ${doc.repetitions} interleaved repetitions, ` +
    `fresh process per run; addon batch ${doc.addonBatch.toLocaleString('en-US')} messages per call; librdkafka ${librdkafka || '?'}\n` +
    `settings (all arms): ${Object.entries(doc.config).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  return `${header}\n${table.toString()}`;
}
