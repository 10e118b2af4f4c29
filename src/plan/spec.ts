// Typed run input → RunSpec, with every default in one table. The CLI (src/cli/run.ts) parses
// strings into a RunInput; `kbench profile`, `kbench scale` and `kbench seeds` build RunInputs with
// numbers directly. Nothing here reads files or the environment.
import type { ClientConfig } from '../contract/arm.js';
import { driverEntry, driverIds, driverKeyProblem, DRIVERS } from '../drivers/registry.js';
import { expandRuntimes } from '../drivers/variant.js';
import type { Acks, Compression, Connection, ScenarioId, WorkloadSettings } from '../results/types.js';
import type { PayloadKind } from '../contract/arm.js';
import { UsageError } from '../util/errors.js';
import type { BrokerWarmup, CpuPlacementRequest, FailoverPlan, LibrdkafkaMode, RunSpec } from './plan.js';

/** Failover defaults: SIGKILL the node after 30 % of the measured messages, start it again 5 s later. */
export const FAILOVER_DEFAULTS = { mode: 'kill', share: 0.3, downMs: 5000 } as const;
/** Partitions of a failover run when --partitions is not given: each of 3 nodes leads 2. */
export const FAILOVER_PARTITIONS = 6;

export const SUITES = ['seeds', 'seeds-full'] as const;
export type Suite = (typeof SUITES)[number];

/** The one table of run defaults (README "Options" and `kbench run --help` quote these). */
export const RUN_DEFAULTS = {
  settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 } satisfies WorkloadSettings,
  partitions: 1,
  replication: 1,
  timeoutSec: 300,
  baseline: 'kafkajs',
  payload: 'random' as PayloadKind,
  /** Broker warm-up: rounds of `messages` written until two consecutive rounds agree within `tolerance`. */
  brokerWarmup: { messages: 1_000_000, maxRounds: 15, tolerance: 0.05 } satisfies BrokerWarmup,
  quickBrokerWarmup: { messages: 200_000, maxRounds: 4, tolerance: 0.1 } satisfies BrokerWarmup,
  cpus: 'auto' as CpuPlacementRequest,
  brokerStorage: 'auto' as 'auto' | 'tmpfs' | 'disk',
} as const;

export interface SuiteDefaults {
  scenarios: ScenarioId[];
  sizes: number[];
  messages: number;
  syncMessages: number;
  e2eMessages: number;
  repeat: number;
}

/** The seeds' suite by default; --quick shrinks it; seeds-full is the studies' full size. */
export function suiteDefaults(suite: Suite | undefined, quick: boolean): SuiteDefaults {
  const scenarios: ScenarioId[] = ['producer-sync', 'producer-async', 'consumer'];
  if (suite === 'seeds-full') return { scenarios, sizes: [10, 100, 1024], messages: 1_000_000, syncMessages: 10_000, e2eMessages: 20_000, repeat: 5 };
  if (quick) return { scenarios, sizes: [100], messages: 20_000, syncMessages: 300, e2eMessages: 2_000, repeat: 1 };
  // 4 repetitions: the fewest with which the Mann–Whitney test can call a difference (best p 0.029);
  // 300 sync messages: kafka-crab-js acknowledges ~10 sync sends a second, and the default run must stay near 5 minutes.
  return { scenarios, sizes: [100], messages: 200_000, syncMessages: 300, e2eMessages: 10_000, repeat: 4 };
}

/** What an OMB workload file contributes (src/cli/workload.ts maps the file). */
export interface WorkloadInput {
  /** The workload's name (OMB's `name`), for --omb-json. */
  name?: string;
  durationMs?: number;
  warmupDurationMs?: number;
  partitions?: number;
  sizes?: number[];
  rate?: number;
  messages?: number;
  workers?: number;
  /** Scenarios the workload runs as (e2e-latency at a rate, a consumer arm for a backlog …). */
  scenarios?: ScenarioId[];
  /** Messages a consumer arm reads (a workload's backlog), whatever the rate and duration. */
  consumerMessages?: number;
  payload?: { kind: PayloadKind; file?: string };
}

export interface RunInput {
  drivers?: string[];
  scenarios?: ScenarioId[];
  sizes?: number[];
  messages?: number;
  syncMessages?: number;
  e2eMessages?: number;
  warmup?: number;
  durationMs?: number;
  warmupDurationMs?: number;
  repeat?: number;
  partitions?: number;
  replication?: number;
  nodes?: number;
  acks?: Acks;
  compression?: Compression;
  lingerMs?: number;
  batchSize?: number;
  sendBatch?: number;
  idempotence?: boolean;
  rate?: number;
  workers?: number;
  timeoutSec?: number;
  brokerWarmup?: Partial<BrokerWarmup>;
  baseline?: string;
  workload?: WorkloadInput;
  quick?: boolean;
  suite?: Suite;
  kafkaVersion?: string;
  heap?: string;
  extraConfig?: ClientConfig;
  connection?: Connection;
  embeddedSecurity?: RunSpec['embeddedSecurity'];
  payload?: { kind: PayloadKind; file?: string };
  cpus?: CpuPlacementRequest;
  brokerStorage?: 'auto' | 'tmpfs' | 'disk';
  aa?: boolean;
  fault?: RunSpec['fault'];
  /** Failover arms: `--fault`, `--fault-at`, `--fault-down`, `--fault-node` (defaults: kill, 30 % of the messages, 5 s, the last node). */
  failover?: Partial<FailoverPlan>;
  /** `--node 22,24`: every Node driver once per runtime (src/drivers/variant.ts). */
  runtimes?: string[];
  /** `--librdkafka`: the librdkafka-based bindings as their packages ship them ('bundled', run's default) or rebuilt on kbench's one ('shared'). */
  librdkafka?: LibrdkafkaMode;
  /** The options as given, for the results document. */
  options?: Record<string, unknown>;
}

/** Builds the RunSpec; throws a UsageError naming the option for inconsistent input. */
export function planRunSpec(i: RunInput): RunSpec {
  const base = suiteDefaults(i.suite, Boolean(i.quick));
  const wl = i.workload;
  const known = driverIds();
  const asked = i.drivers ?? DRIVERS.filter((d) => d.inDefault).map((d) => d.id);
  const problems = asked.map(driverKeyProblem).filter((p): p is string => Boolean(p));
  if (problems.length) throw new UsageError(`--drivers: ${problems.join('; ')} (known: ${known.join(', ')}; a version as confluent@1.6.0, a runtime as kafkajs:node24)`);
  const drivers = i.runtimes?.length ? expandRuntimes(asked, i.runtimes, (b) => driverEntry(b)?.kind === 'node') : asked;
  const replication = i.replication ?? RUN_DEFAULTS.replication;
  const failover = (i.scenarios ?? []).includes('failover');
  const nodes = i.nodes ?? (replication > 1 || failover ? Math.max(3, replication) : 1);
  if (failover && !i.connection && nodes < 3) throw new UsageError(`--scenarios failover needs a cluster of at least 3 nodes (replication 3, min.insync.replicas 2): --nodes ${nodes} is too few`);
  if (!i.connection && replication > nodes) throw new UsageError(`--replication ${replication} needs at least ${replication} brokers (--nodes ${nodes})`);
  const baseline = i.baseline ?? RUN_DEFAULTS.baseline;
  const baselineProblem = driverKeyProblem(baseline);
  if (baselineProblem) throw new UsageError(`--baseline: ${baselineProblem} (known: ${known.join(', ')})`);
  const d = RUN_DEFAULTS.settings;
  const settings: WorkloadSettings = {
    acks: i.acks ?? d.acks,
    compression: i.compression ?? d.compression,
    lingerMs: i.lingerMs ?? d.lingerMs,
    batchSize: i.batchSize ?? d.batchSize,
    sendBatch: i.sendBatch ?? d.sendBatch,
    idempotence: i.idempotence ?? d.idempotence,
    rate: i.rate ?? wl?.rate ?? d.rate,
  };
  if (settings.idempotence && settings.acks !== 'all') throw new UsageError('--idempotence needs --acks all');
  const messages = i.messages ?? wl?.messages ?? base.messages;
  const warm = i.quick ? RUN_DEFAULTS.quickBrokerWarmup : RUN_DEFAULTS.brokerWarmup;
  const payload = i.payload ?? wl?.payload ?? { kind: RUN_DEFAULTS.payload };
  if (payload.kind === 'file' && !payload.file) throw new UsageError('--payload file:PATH needs a path');
  const aa = Boolean(i.aa);
  const repeat = i.repeat ?? base.repeat;
  const spec: RunSpec = {
    drivers,
    librdkafka: i.librdkafka ?? 'bundled',
    scenarios: i.scenarios ?? wl?.scenarios ?? (wl ? ['e2e-latency'] : base.scenarios),
    sizes: i.sizes ?? wl?.sizes ?? base.sizes,
    messages,
    syncMessages: i.syncMessages ?? (i.messages !== undefined ? Math.min(messages, base.syncMessages) : base.syncMessages),
    e2eMessages: i.e2eMessages ?? wl?.messages ?? base.e2eMessages,
    repeat,
    partitions: i.partitions ?? wl?.partitions ?? (failover ? FAILOVER_PARTITIONS : RUN_DEFAULTS.partitions),
    replication,
    workers: i.workers ?? wl?.workers ?? 1,
    settings,
    lingerExplicit: i.lingerMs !== undefined,
    extraConfig: i.extraConfig ?? {},
    brokerWarmup: { ...warm, ...i.brokerWarmup },
    timeoutMs: (i.timeoutSec ?? RUN_DEFAULTS.timeoutSec) * 1000,
    baseline,
    nodes,
    payload,
    cpus: i.cpus ?? RUN_DEFAULTS.cpus,
    brokerStorage: i.brokerStorage ?? RUN_DEFAULTS.brokerStorage,
    aa,
    options: { ...(i.options ?? {}) },
  };
  if (i.warmup !== undefined) spec.warmup = i.warmup;
  if (wl?.consumerMessages !== undefined) spec.consumerMessages = i.messages ?? wl.consumerMessages;
  const durationMs = i.durationMs ?? wl?.durationMs;
  const warmupDurationMs = i.warmupDurationMs ?? wl?.warmupDurationMs;
  if (durationMs !== undefined) spec.durationMs = durationMs;
  if (warmupDurationMs !== undefined) {
    if (i.warmup !== undefined) throw new UsageError('--warmup and --warmup-duration exclude each other: give one');
    const unpaced = spec.scenarios.filter((s) => s !== 'e2e-latency' && s !== 'consumer');
    if (!(settings.rate > 0) && unpaced.length) throw new UsageError(`--warmup-duration needs --rate for ${unpaced.join(', ')} (unpaced, a warm-up is a message count: --warmup)`);
    spec.warmupDurationMs = warmupDurationMs;
  }
  if (i.connection) spec.connection = i.connection;
  if (i.embeddedSecurity) spec.embeddedSecurity = i.embeddedSecurity;
  if (i.kafkaVersion) spec.kafkaVersion = i.kafkaVersion;
  if (i.heap) spec.heap = i.heap;
  if (i.fault) spec.fault = i.fault;
  if (failover) spec.failover = failoverPlan(i, spec, nodes);
  else if (i.failover && Object.keys(i.failover).length) throw new UsageError('--fault, --fault-at, --fault-down and --fault-node apply to --scenarios failover');
  return spec;
}

function failoverPlan(i: RunInput, spec: RunSpec, nodes: number): FailoverPlan {
  const f = i.failover ?? {};
  if (spec.workers > 1) throw new UsageError('--scenarios failover runs one producer per arm: leave out --workers');
  if (spec.durationMs !== undefined) throw new UsageError('--scenarios failover is planned by message count (--messages, the fault by --fault-at), not --duration');
  const atMessage = f.atMessage ?? Math.floor(spec.messages * FAILOVER_DEFAULTS.share);
  if (!(atMessage >= 1 && atMessage < spec.messages)) throw new UsageError(`--fault-at ${atMessage}: the fault must land after 1 to ${spec.messages - 1} of the ${spec.messages} measured messages`);
  const node = f.node ?? nodes - 1;
  if (!i.connection && !(node >= 0 && node < nodes)) throw new UsageError(`--fault-node ${node}: the cluster has nodes 0 to ${nodes - 1}`);
  if (!i.connection && spec.partitions <= node) throw new UsageError(`--fault-node ${node} leads no partition with --partitions ${spec.partitions} (partition p is led by node p mod ${nodes}): use more partitions`);
  return { mode: f.mode ?? FAILOVER_DEFAULTS.mode, atMessage, downMs: f.downMs ?? FAILOVER_DEFAULTS.downMs, node };
}
