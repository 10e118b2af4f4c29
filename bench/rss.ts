// npm run bench:rss -- [--messages N] [--size B] [--batch M] [--modes batch,loop] [--mark-every N] [--json]
// Does the addon's memory stay flat while it produces? A fresh process produces N messages (default
// 10 000 000 × 100 B) through the addon to the embedded Kafka broker and reports its RSS after every
// --mark-every messages, its peak (VmHWM) and its RSS at the end, and the growth from 1M to N messages
// (a leak shows as growth proportional to the messages: bytes per message > 0).
//   batch  produce() from JS: one reused packed batch of --batch messages per call, poll(0) per batch
//   loop   produceLoop() in chunks of --mark-every messages (the C++ loop, kbench payloads)
// The embedded broker, not librdkafka's mock cluster: the mock broker lives in the producing process and
// keeps every message it receives in memory, which is exactly the growth this measures.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { Command } from 'commander';
import { createTopic, startBroker } from '../src/broker/index.js';
import { NativeProducer, payloadBatch } from '../src/native/index.js';
import { errorMessage } from '../src/util/errors.js';

interface Mark {
  messages: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  seconds: number;
}

interface ChildEnd {
  delivered: number;
  failed: number;
  endRssBytes: number;
  peakRssBytes: number;
  seconds: number;
}

export interface RssRun {
  mode: 'batch' | 'loop';
  messages: number;
  size: number;
  marks: Mark[];
  /** Highest RSS of the process (VmHWM), bytes. */
  peakRssBytes: number;
  /** After the last delivery, close() and a garbage collection. */
  endRssBytes: number;
  /** RSS after the first million messages (or the first mark) and after the last mark. */
  rssAtFirstMillionBytes: number;
  rssAtLastMarkBytes: number;
  /** Lowest and highest RSS of the marks from the first million on: the band RSS stays in. */
  rssBandBytes: [number, number];
  /** Least-squares slope of RSS over the marks from the first million on, bytes per message (a leak: > 0). */
  growthBytesPerMessage: number;
  delivered: number;
  failed: number;
  seconds: number;
  /** Highest RSS the parent saw while sampling /proc every 100 ms (a cross-check of peakRssBytes). */
  sampledPeakRssBytes: number;
}

const MB = 1024 * 1024;

function vmStatus(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // the process is gone
  }
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

// ---------------------------------------------------------------------------------------------------
// Child: the producing process.

interface ChildArgs {
  bootstrap: string;
  topic: string;
  mode: 'batch' | 'loop';
  messages: number;
  size: number;
  batch: number;
  markEvery: number;
}

async function child(a: ChildArgs): Promise<void> {
  const t0 = Date.now();
  const p = new NativeProducer({ 'bootstrap.servers': a.bootstrap, 'linger.ms': 5, log_level: 2 });
  const mark = (messages: number): void => {
    const m = process.memoryUsage();
    const out: Mark = { messages, rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external, seconds: (Date.now() - t0) / 1000 };
    process.stdout.write(`RSS-MARK ${JSON.stringify(out)}\n`);
  };
  let delivered = 0;
  let failed = 0;
  if (a.mode === 'batch') {
    const batch = payloadBatch(a.batch, a.size); // one batch, reused for every call (the addon copies what it keeps)
    let sent = 0;
    let nextMark = a.markEvery;
    while (sent < a.messages) {
      const n = Math.min(a.batch, a.messages - sent);
      let at = 0;
      for (;;) {
        at += p.produce(a.topic, batch, { start: at, end: n });
        p.poll(0);
        if (at >= n) break;
        await sleep(1); // the queue is full: let deliveries make room
      }
      sent += n;
      if (sent >= nextMark) {
        mark(sent);
        nextMark += a.markEvery;
      }
    }
    await p.flush(600_000);
    const s = p.stats();
    delivered = s.delivered;
    failed = s.failed;
  } else {
    for (let sent = 0; sent < a.messages;) {
      const count = Math.min(a.markEvery, a.messages - sent);
      const r = await p.produceLoop({ topic: a.topic, count, size: a.size, firstSeq: sent, flushTimeoutMs: 600_000 });
      if (r.error) throw r.error;
      delivered += r.delivered;
      failed += r.failed;
      sent += count;
      mark(sent);
    }
  }
  await p.close();
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(200);
  }
  const end: ChildEnd = { delivered, failed, endRssBytes: process.memoryUsage().rss, peakRssBytes: vmStatus('self', 'VmHWM'), seconds: (Date.now() - t0) / 1000 };
  process.stdout.write(`RSS-END ${JSON.stringify(end)}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Parent: the broker, one fresh process per mode, the report.

async function runMode(self: string, a: ChildArgs, log: (m: string) => void): Promise<RssRun> {
  const proc = spawn(process.execPath, ['--expose-gc', self, '--child', JSON.stringify(a)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const marks: Mark[] = [];
  let end: ChildEnd | undefined;
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    if (proc.pid !== undefined) sampledPeak = Math.max(sampledPeak, vmStatus(proc.pid, 'VmRSS'));
  }, 100);
  let buf = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('RSS-MARK ')) {
        const m = JSON.parse(line.slice(9)) as Mark;
        marks.push(m);
        log(`${a.mode}: ${m.messages.toLocaleString('en-US')} messages, RSS ${(m.rssBytes / MB).toFixed(1)} MB (${m.seconds.toFixed(1)} s)`);
      } else if (line.startsWith('RSS-END ')) {
        end = JSON.parse(line.slice(8)) as ChildEnd;
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0 || !end) throw new Error(`the ${a.mode} producer process exited with ${code}`);
  const first = marks.find((m) => m.messages >= Math.min(1_000_000, a.messages)) ?? marks[0];
  const last = marks[marks.length - 1];
  if (!first || !last) throw new Error('no RSS marks');
  const tail = marks.filter((m) => m.messages >= first.messages).map((m) => [m.messages, m.rssBytes] as const);
  return {
    mode: a.mode, messages: a.messages, size: a.size, marks, peakRssBytes: end.peakRssBytes, endRssBytes: end.endRssBytes,
    rssAtFirstMillionBytes: first.rssBytes, rssAtLastMarkBytes: last.rssBytes, growthBytesPerMessage: slope(tail),
    rssBandBytes: [Math.min(...tail.map(([, y]) => y)), Math.max(...tail.map(([, y]) => y))],
    delivered: end.delivered, failed: end.failed, seconds: end.seconds, sampledPeakRssBytes: sampledPeak,
  };
}

interface CliOptions {
  messages: string;
  size: string;
  batch: string;
  modes: string;
  markEvery: string;
  json?: boolean;
}

async function main(o: CliOptions): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const messages = Number(o.messages);
  const size = Number(o.size);
  const batch = Number(o.batch);
  const markEvery = Number(o.markEvery);
  const modes = o.modes.split(',').map((m) => m.trim()) as ('batch' | 'loop')[];
  for (const [name, v] of Object.entries({ messages, size, batch, markEvery })) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  }
  if (modes.some((m) => m !== 'batch' && m !== 'loop')) throw new Error('--modes takes batch, loop or both');
  const log = (m: string): void => {
    process.stderr.write(`[bench:rss] ${m}\n`);
  };
  log('starting the embedded broker');
  const broker = await startBroker({ nodes: 1 });
  const runs: RssRun[] = [];
  try {
    for (const mode of modes) {
      const topic = `rss-${mode}-${Date.now()}`;
      await createTopic(broker.connection, { topic, partitions: 3, replication: 1 });
      runs.push(await runMode(self, { bootstrap: broker.bootstrap, topic, mode, messages, size, batch, markEvery }, log));
    }
  } finally {
    await broker.stop();
  }
  const doc = { schema: 'kbench.rss/1', broker: 'embedded (startBroker, 1 node)', producer: { 'linger.ms': 5, batch, markEvery }, runs };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    const mb = (b: number): string => (b / MB).toFixed(1);
    const table = new Table({
      head: ['mode', 'messages', 'RSS @1M MB', `RSS @${(messages / 1e6).toLocaleString('en-US')}M MB`, 'band from 1M MB', 'growth B/msg', 'peak MB', 'end MB', 'delivered', 'failed', 's'],
      style: { head: [], border: [] },
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    });
    for (const r of runs) {
      table.push([r.mode, r.messages.toLocaleString('en-US'), mb(r.rssAtFirstMillionBytes), mb(r.rssAtLastMarkBytes),
        `${mb(r.rssBandBytes[0])}–${mb(r.rssBandBytes[1])}`, r.growthBytesPerMessage.toFixed(2),
        mb(r.peakRssBytes), mb(r.endRssBytes), r.delivered.toLocaleString('en-US'), r.failed, r.seconds.toFixed(0)]);
    }
    process.stdout.write(`${table.toString()}\n`);
    process.stdout.write(`RSS sampled every ${markEvery.toLocaleString('en-US')} messages. Band: lowest–highest RSS from 1M messages on (librdkafka's ` +
      `queue fills and drains). Growth: least-squares slope of RSS over those marks; a leak of k B/message would add k × ` +
      `${((messages - Math.min(1e6, messages)) / 1e6).toLocaleString('en-US')} MB, the band's width is the noise.\n`);
  }
  if (runs.some((r) => r.delivered !== messages || r.failed !== 0)) {
    log('not every message was delivered');
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3] as string) as ChildArgs);
} else {
  const program = new Command('bench:rss')
    .description('RSS of a process producing through the addon to the embedded broker: peak, end, and growth from 1M to N messages')
    .option('--messages <n>', 'messages per mode', '10000000')
    .option('--size <bytes>', 'payload size', '100')
    .option('--batch <n>', 'messages per produce() call (batch mode)', '10000')
    .option('--modes <list>', 'batch (produce() from JS), loop (produceLoop()), or both', 'batch,loop')
    .option('--mark-every <n>', 'record RSS every this many messages', '500000')
    .option('--json', 'print the kbench.rss/1 document instead of the table')
    .action(main);
  await program.parseAsync(process.argv).catch((err: unknown) => {
    process.stderr.write(`bench:rss: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  });
}
