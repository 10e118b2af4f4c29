// npm run bench:sync -- [--drivers addon,confluent,node-rdkafka] [--messages N] [--warmup N] [--repeat R] [--brokers host:port] [--cpu N] [--json]
// What one producer-sync call costs: send one message, wait for its ack, then the next, through each
// driver's sendAndWait() exactly as `kbench run --scenarios producer-sync` calls it (linger.ms 0,
// acks all). Every driver runs in a fresh process, repetitions interleaved (the order rotates).
// Against librdkafka's mock cluster (kbench-mock, a process of its own; the default) the broker's
// share of a round trip is small, so what is left is mostly the client's own path: its thread
// wake-ups and the settling of the ack in JS. --brokers measures against a real cluster instead.
// For the addon the call is also split, from the same calls made through NativeProducer.produceSync():
// librdkafka's enqueue-to-report time (the report's latencyUs) and the rest (the call itself, the
// JS thread's wake-up, the promise).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { Command } from 'commander';
import { createTopic, findTaskset } from '../src/broker/index.js';
import { driverEntry } from '../src/drivers/registry.js';
import type { DriverContext, NodeDriver } from '../src/drivers/types.js';
import { NativeProducer } from '../src/native/index.js';
import { startMock } from '../src/overhead/mock.js';
import { OutBatch } from '../src/scenarios/batch.js';
import { errorMessage } from '../src/util/errors.js';
import { randomSource } from '../src/verify/payload.js';

const SELF = fileURLToPath(import.meta.url);
const SIZE = 100;

interface ChildSpec {
  driver: string;
  bootstrap: string;
  topic: string;
  messages: number;
  warmup: number;
}

interface Quantiles {
  p50: number;
  p90: number;
  p99: number;
}

interface ChildResult {
  driver: string;
  roundTripUs: Quantiles;
  /** Addon only: median enqueue-to-report time (librdkafka) and median of the rest of each call. */
  split?: { librdkafkaUs: number; restUs: number; roundTripUs: number };
}

function quantiles(us: number[]): Quantiles {
  const s = [...us].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const sinceUs = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1000;

async function child(spec: ChildSpec): Promise<ChildResult> {
  const entry = driverEntry(spec.driver);
  if (!entry || entry.kind !== 'node') throw new Error(`${spec.driver} is not a Node driver`);
  const driver = (await entry.load()) as NodeDriver;
  const ctx: DriverContext = {
    connection: { brokers: spec.bootstrap.split(',') },
    topic: spec.topic,
    partitions: 1,
    messageSize: SIZE,
    settings: { acks: 'all', compression: 'none', lingerMs: 0, batchSize: 1_000_000, sendBatch: 1, idempotence: false, rate: 0 },
    clientId: `kbench-sync-${spec.driver}`,
    groupId: 'kbench-sync',
    extraConfig: {},
    readPartitions: [0],
    purpose: 'latency',
  };
  const payload = { source: randomSource(), stride: SIZE };
  const p = await driver.createProducer(ctx);
  const rt: number[] = [];
  try {
    for (let i = 0; i < spec.warmup; i++) await p.sendAndWait(OutBatch.build(payload, SIZE, i, 1));
    for (let i = 0; i < spec.messages; i++) {
      const b = OutBatch.build(payload, SIZE, spec.warmup + i, 1);
      const t0 = process.hrtime.bigint();
      await p.sendAndWait(b);
      rt.push(sinceUs(t0));
    }
  } finally {
    await p.close();
  }
  const out: ChildResult = { driver: spec.driver, roundTripUs: quantiles(rt) };
  if (spec.driver === 'addon') {
    // The same calls once more, made directly, so each report's own latency splits the call.
    const np = new NativeProducer({ 'bootstrap.servers': spec.bootstrap, acks: 'all', 'linger.ms': 0 });
    const lat: number[] = [];
    const rest: number[] = [];
    const whole: number[] = [];
    try {
      for (let i = 0; i < spec.warmup + spec.messages; i++) {
        const b = OutBatch.build(payload, SIZE, i, 1);
        const t0 = process.hrtime.bigint();
        const r = await np.produceSync(spec.topic, { values: b.buffer, valueOffsets: b.offsets }, { partition: 0 });
        const us = sinceUs(t0);
        if (i < spec.warmup) continue;
        const l = r.latencyUs[0] as number;
        whole.push(us);
        lat.push(l);
        rest.push(us - l);
      }
    } finally {
      await np.close();
    }
    out.split = { librdkafkaUs: median(lat), restUs: median(rest), roundTripUs: median(whole) };
  }
  return out;
}

function runChild(spec: ChildSpec, cpu: number | undefined): Promise<ChildResult> {
  const taskset = cpu === undefined ? undefined : findTaskset();
  const argv = [process.execPath, SELF, '--child', JSON.stringify(spec)];
  const [cmd, ...args] = taskset ? [taskset, '-c', String(cpu), ...argv] : argv;
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd as string, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.once('error', reject);
    proc.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`${spec.driver}: exited with code ${code}`));
      resolve(JSON.parse(line) as ChildResult);
    });
  });
}

interface Options {
  drivers: string;
  messages: string;
  warmup: string;
  repeat: string;
  brokers?: string;
  cpu?: string;
  json?: boolean;
  child?: string;
}

const program = new Command('bench:sync')
  .description('Round trip per producer-sync call (one message, wait for its ack) of each driver, as kbench run calls it')
  .option('--drivers <list>', 'Node drivers', 'addon,confluent,node-rdkafka')
  .option('--messages <n>', 'timed calls per run', '2000')
  .option('--warmup <n>', 'untimed calls first', '200')
  .option('--repeat <n>', 'runs per driver, interleaved', '3')
  .option('--brokers <host:port>', 'a real cluster instead of the mock cluster (a topic is created per run)')
  .option('--cpu <n>', 'pin every run to this CPU (taskset), as kbench run places its arms')
  .option('--json', 'print the runs as JSON instead of the table')
  .option('--child <spec>', 'internal: one run')
  .action(async (o: Options) => {
    if (o.child) {
      process.stdout.write(`${JSON.stringify(await child(JSON.parse(o.child) as ChildSpec))}\n`);
      process.exit(0); // some clients keep handles open after close()
    }
    const drivers = o.drivers.split(',').map((d) => d.trim()).filter(Boolean);
    const messages = Number(o.messages);
    const warmup = Number(o.warmup);
    const repeat = Number(o.repeat);
    const cpu = o.cpu === undefined ? undefined : Number(o.cpu);
    const mock = o.brokers ? undefined : await startMock({ topic: 'kbench-sync', partitions: 1 });
    const runs: ChildResult[] = [];
    try {
      for (let r = 0; r < repeat; r++) {
        for (let k = 0; k < drivers.length; k++) {
          const driver = drivers[(k + r) % drivers.length] as string;
          let topic = 'kbench-sync';
          if (o.brokers) {
            topic = `kbench-sync-${Date.now()}-${driver}`;
            await createTopic({ brokers: o.brokers.split(',') }, { topic, partitions: 1, replication: 1 });
          }
          const res = await runChild({ driver, bootstrap: o.brokers ?? (mock?.bootstrap as string), topic, messages, warmup }, cpu);
          process.stderr.write(`run ${r + 1} ${driver}: p50 ${res.roundTripUs.p50.toFixed(0)} µs\n`);
          runs.push(res);
        }
      }
    } finally {
      await mock?.stop();
    }
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ broker: o.brokers ? 'cluster' : 'mock cluster', messages, warmup, runs }, null, 2)}\n`);
      return;
    }
    const table = new Table({
      head: ['driver', 'p50 µs', 'p90 µs', 'p99 µs', 'addon: librdkafka enqueue→report µs', 'addon: rest of the call µs'],
      style: { head: [], border: [] },
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
    });
    for (const d of drivers) {
      const mine = runs.filter((x) => x.driver === d);
      const m = (f: (x: ChildResult) => number): string => median(mine.map(f)).toFixed(0);
      const split = mine.flatMap((x) => (x.split ? [x.split] : []));
      table.push([d, m((x) => x.roundTripUs.p50), m((x) => x.roundTripUs.p90), m((x) => x.roundTripUs.p99),
        split.length ? median(split.map((s) => s.librdkafkaUs)).toFixed(0) : '', split.length ? median(split.map((s) => s.restUs)).toFixed(0) : '']);
    }
    process.stdout.write(`producer-sync round trip per call, ${SIZE} B, ${messages} calls × ${repeat} runs per driver (median of the runs' percentiles), ${o.brokers ? `cluster ${o.brokers}` : 'mock cluster (kbench-mock)'}${cpu === undefined ? '' : `, pinned to CPU ${cpu}`}\n${table.toString()}\n`);
  });

await program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`bench:sync: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
