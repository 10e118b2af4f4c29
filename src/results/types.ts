// The results document (`kbench.results/1`): the single source of truth of a run. Every view
// (terminal table, Markdown, HTML, compare) is a pure function of this shape.

export const RESULTS_SCHEMA = 'kbench.results/1';

export const SCENARIOS = ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'] as const;
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
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  count: number;
}

export interface Verification {
  verified: boolean;
  /**
   * How: read-back — kbench read the topic back and compared count and checksum; checksum — the
   * consumer checksummed every payload and it matched what was written; sequence — every sequence
   * number seen exactly once (e2e-latency); count-only — a weaker check (the tool's own count).
   */
  method?: 'read-back' | 'checksum' | 'sequence' | 'count-only';
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
  latencyUs?: LatencyPercentiles;
  /** Base64 of an HDR histogram (µs) of this repetition, so repetitions can be merged, not averaged. */
  latencyHistogram?: string;
  verification: Verification;
  /** Process-level figures from the arm's process (rusage), for reference. */
  process?: { userUs: number; sysUs: number; maxRssKb: number; wallUs: number; exitCode: number; signal: number };
  workers?: number;
  notes?: string[];
  /** The window lasted under 10 ms: its rate means nothing, and it is kept out of ratios. */
  shortWindow?: boolean;
  /** --aa: the half of the repetitions this one belongs to. */
  aaGroup?: 'A' | 'B';
}

export interface RunSummary {
  msgsPerSec: Summary;
  mbPerSec: Summary;
  cpuUsPerMsg: Summary;
  rssPeakBytes: Summary;
  latencyUs?: LatencyPercentiles;
}

/** One arm = driver × scenario × message size, with all its repetitions. */
export interface RunRecord {
  driver: string;
  scenario: ScenarioId;
  messageSize: number;
  messages: number;
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
  /** How the figures were taken (storage, placement, warm-up, order), for a reviewer. */
  method?: {
    brokerStorage?: 'tmpfs' | 'disk';
    placement?: { broker?: number[]; arms?: number[]; note?: string };
    brokerWarmup?: { rounds: { msgsPerSec: number }[]; reads?: { msgsPerSec: number }[]; steady: boolean; tolerance: number };
    order?: string;
    repetitions?: number;
    payload?: string;
  };
}

/** The A/A check (--aa): each arm's repetitions A against its repetitions B. */
export interface AaReport {
  alpha: number;
  test: string;
  arms: { driver: string; scenario: ScenarioId; messageSize: number; metric: 'msgsPerSec'; a: number[]; b: number[]; p: number; significant: boolean; ratio: number }[];
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
  aa?: AaReport;
}
