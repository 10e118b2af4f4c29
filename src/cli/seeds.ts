// `kbench seeds`: reproduces each study's table on this machine — the study's own clients plus the
// Node clients as rows — and prints the study's published relative figures beside ours.
import fs from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { driverEntry } from '../drivers/registry.js';
import type { ResultsDocument, ScenarioId } from '../results/types.js';
import { runBenchmark } from '../runner/run.js';
import { NODE_ROWS, STUDIES, quickVariant, type Study, type StudyVariant } from '../seeds/studies.js';
import { ratio } from '../stats/summary.js';
import { parseList } from './parse.js';
import { ProgressUi } from './progress.js';
import { failedArms } from './run.js';
import { parseBrokerList } from '../broker/admin.js';
import type { RunSpec } from '../plan/plan.js';
import { planRunSpec, RUN_DEFAULTS } from '../plan/spec.js';
import { useColor } from './report.js';
import { UsageError } from '../util/errors.js';
import { terminalWidth } from '../report/fit.js';

export interface PublishedRow {
  driver: string;
  scenario: ScenarioId;
  published: number;
  ours: number;
}

/** Our throughput relative to the study's baseline, next to each published ratio. */
export function publishedComparison(study: Study, doc: ResultsDocument, size = 100): PublishedRow[] {
  const median = (driver: string, scenario: ScenarioId): number | undefined =>
    doc.runs.find((r) => r.driver === driver && r.scenario === scenario && r.messageSize === size && r.verified)?.summary.msgsPerSec.median;
  return study.published.map((p) => ({ driver: p.driver, scenario: p.scenario, published: p.ratio, ours: ratio(median(p.driver, p.scenario), median(study.baseline, p.scenario)) }));
}

export function renderPublished(study: Study, rows: readonly PublishedRow[]): string {
  if (rows.length === 0) return `(${study.source})`;
  const t = new Table({ head: ['driver', 'scenario', `published × ${study.baseline}`, `this machine × ${study.baseline}`], style: { head: [], border: [] } });
  for (const r of rows) t.push([r.driver, r.scenario, r.published.toFixed(2), Number.isFinite(r.ours) ? r.ours.toFixed(2) : '– (not measured)']);
  return `Published (${study.source}) beside ours:\n${t.toString()}`;
}

function variantSpec(study: Study, v: StudyVariant, o: SeedsOptions): { spec: RunSpec; warnings: string[] } {
  const wanted = [...study.drivers, ...(o.node === false ? [] : NODE_ROWS)];
  const drivers = wanted.filter((d) => driverEntry(d));
  const missing = wanted.filter((d) => !driverEntry(d));
  const built = {
    spec: planRunSpec({
      drivers,
      scenarios: v.scenarios,
      sizes: v.sizes,
      messages: v.messages,
      ...(v.syncMessages ? { syncMessages: v.syncMessages } : {}),
      repeat: v.repeat,
      ...(v.acks ? { acks: v.acks } : {}),
      ...(v.partitions ? { partitions: v.partitions } : {}),
      ...(v.replication ? { replication: v.replication } : {}),
      baseline: driverEntry(study.baseline) ? study.baseline : 'kafkajs',
      ...(o.brokers ? { connection: { brokers: parseBrokerList(o.brokers) } } : {}),
      ...(o.quick ? { brokerWarmup: RUN_DEFAULTS.quickBrokerWarmup } : {}),
    }),
    warnings: [] as string[],
  };
  if (missing.length) built.warnings.push(`drivers not part of this kbench: ${missing.join(', ')}`);
  built.spec.options = { command: 'seeds', study: study.id, variant: v.label, quick: Boolean(o.quick) };
  return built;
}

interface SeedsOptions {
  quick?: boolean;
  study?: string;
  out?: string;
  node?: boolean;
  brokers?: string;
  quiet?: boolean;
}

export function registerSeeds(program: Command): void {
  program
    .command('seeds')
    .description('Reproduce the benchmark studies kbench continues (2018, 2016, Beam, Java/Jython/Python producer) with the Node clients added, published ratios beside ours')
    .option('--quick', 'a small version: 10,000 messages, one repetition')
    .option('--study <list>', `studies to run (${STUDIES.map((s) => s.id).join(', ')}; default all)`)
    .option('--out <dir>', 'write each study’s results JSON and HTML report into this directory')
    .option('--no-node', 'only the studies’ own clients, without the Node rows')
    .option('--brokers <host:port,...>', 'use an existing cluster instead of the embedded broker')
    .option('--quiet', 'no progress output')
    .action(async (o: SeedsOptions) => {
      const ids = o.study ? parseList(o.study, '--study') : STUDIES.map((s) => s.id);
      const unknown = ids.filter((id) => !STUDIES.some((s) => s.id === id));
      if (unknown.length) throw new UsageError(`--study: unknown study ${unknown.map((u) => `'${u}'`).join(', ')} (studies: ${STUDIES.map((s) => s.id).join(', ')})`);
      if (o.out) fs.mkdirSync(o.out, { recursive: true });
      const views = await import('../report/index.js');
      let failures = 0;
      for (const study of STUDIES.filter((s) => ids.includes(s.id))) {
        for (const full of study.variants) {
          const v = o.quick ? quickVariant(full) : full;
          process.stdout.write(`\n══ ${study.title}${study.variants.length > 1 ? ` — ${v.label}` : ''}${o.quick ? ' (quick)' : ''}\n`);
          const { spec, warnings } = variantSpec(study, v, o);
          const ui = new ProgressUi(Boolean(o.quiet));
          for (const w of warnings) ui.info(`warning: ${w}`);
          const doc = await runBenchmark(spec, ui);
          ui.done();
          doc.warnings.unshift(...warnings, ...study.notes);
          process.stdout.write(views.renderTerminal(doc, { color: useColor(true), width: terminalWidth() }));
          process.stdout.write(`${renderPublished(study, publishedComparison(study, doc))}\n`);
          if (o.out) {
            const base = path.join(o.out, `seeds-${study.id}${study.variants.length > 1 ? `-${v.label.replace(/[^A-Za-z0-9]+/g, '')}` : ''}`);
            fs.writeFileSync(`${base}.json`, JSON.stringify(doc, null, 2) + '\n');
            await views.writeReports(doc, { html: `${base}.html` });
          }
          failures += failedArms(doc).length;
        }
      }
      if (failures) {
        process.stderr.write(`kbench seeds: ${failures} arm repetition(s) failed verification\n`);
        process.exitCode = 1;
      }
    });
}
