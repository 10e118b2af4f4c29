// Expands a RunSpec into arms — driver × scenario × message size × repetition — ordered so that
// repetitions interleave across drivers (A B C, then B C A, then C A B …: the driver order rotates
// by one per repetition, so no driver always runs first or right after the same neighbour), each
// with its effective settings.
import type { ClientConfig, PayloadKind } from '../contract/arm.js';
import type { Connection, FaultMode, SaslMechanism, ScenarioId, WorkloadSettings } from '../results/types.js';

/** Broker warm-up: rounds of `messages` written until two consecutive rounds agree within `tolerance` (bounded by maxRounds). */
export interface BrokerWarmup {
  messages: number;
  maxRounds: number;
  tolerance: number;
}

/** `auto` (chosen by the machine's cores), `none`, or explicit CPU lists for the broker and the arms. */
export type CpuPlacementRequest = 'auto' | 'none' | { broker: number[]; arms: number[] };

/** How the librdkafka-based Node bindings are built: as their packages ship them, or on kbench's one librdkafka. */
export type LibrdkafkaMode = 'bundled' | 'shared';

export interface RunSpec {
  /** Driver keys: ids, or variants such as `confluent@1.6.0`, `kafkajs:node24` (src/drivers/variant.ts). */
  drivers: string[];
  /** 'bundled' (the default): each binding with the librdkafka its package ships; 'shared': every one on kbench's build. */
  librdkafka?: LibrdkafkaMode;
  scenarios: ScenarioId[];
  sizes: number[];
  /** Messages per arm for producer-async and consumer. */
  messages: number;
  /** Messages per arm for producer-sync (each waits for its ack, so fewer by default). */
  syncMessages: number;
  /** Messages per arm for e2e-latency (sent at --rate). */
  e2eMessages: number;
  /** Warm-up messages per arm; undefined = a tenth of the arm's messages, capped per scenario. */
  warmup?: number;
  /**
   * Timed arms (--duration): at a rate (given, or e2e-latency's default) every arm sends rate ×
   * duration messages on its schedule; unpaced producer arms send for this long (their count capped
   * at `messages`); consumer arms without a rate keep reading `messages`.
   */
  durationMs?: number;
  /** --warmup-duration: warm-up of rate × this many messages (needs a rate). */
  warmupDurationMs?: number;
  /** Consumer arms read this many messages whatever the rate and duration (an OMB workload's backlog). */
  consumerMessages?: number;
  repeat: number;
  partitions: number;
  replication: number;
  workers: number;
  settings: WorkloadSettings;
  /** True when --linger-ms was given; otherwise producer-sync runs with linger 0 (it waits per message anyway). */
  lingerExplicit: boolean;
  extraConfig: ClientConfig;
  /** How the broker is warmed up before the first arm (messages 0 = not at all). */
  brokerWarmup: BrokerWarmup;
  /** Payload bytes of every arm (src/verify/payload.ts). */
  payload: { kind: PayloadKind; file?: string };
  /** Where the broker and the arms run. */
  cpus: CpuPlacementRequest;
  /** Embedded broker log directories: tmpfs where there is room (auto), or as asked. */
  brokerStorage: 'auto' | 'tmpfs' | 'disk';
  /** A/A check: every arm twice as many repetitions, alternately in group A and B, then tested against itself. */
  aa: boolean;
  /** Per-arm timeout. */
  timeoutMs: number;
  baseline: string;
  /** An existing cluster; else the embedded broker. */
  connection?: Connection;
  /**
   * The embedded broker's SASL listener (`sasl`: the clients' mechanism, and the user to create —
   * kbench / a generated password where missing) and TLS listener. Unused with `connection`.
   */
  embeddedSecurity?: { sasl?: { mechanism: SaslMechanism; username?: string; password?: string }; tls: boolean };
  nodes: number;
  kafkaVersion?: string;
  heap?: string;
  /** Test-only fault injection, passed to the arms of `driver` (all drivers when absent). */
  fault?: { kind: 'drop-one' | 'throw' | 'crash' | 'warn'; driver?: string };
  /** Failover arms: the fault, the same for every arm (src/runner/failover.ts). */
  failover?: FailoverPlan;
  /** `kbench profile`: how measured arms' Node processes are launched (ArmSpec.launch). */
  armLaunch?: { nodeArgs?: string[]; prefix?: string[] };
  /** The options as given, for the results document (redacted there). */
  options: Record<string, unknown>;
}

export interface PlannedArm {
  index: number;
  driver: string;
  scenario: ScenarioId;
  messageSize: number;
  repetition: number;
  messages: number;
  warmup: number;
  settings: WorkloadSettings;
  /** Unpaced timed producer arms: send for this long (ArmSpec.durationMs); `messages` is then the cap. */
  durationMs?: number;
  /** --aa: which half of the repetitions this one belongs to. */
  aaGroup?: 'A' | 'B';
}

/** "addon producer-async 100 B #1": an arm as the progress lines and the run's phase name it. */
export function armLabel(arm: PlannedArm): string {
  return `${arm.driver} ${arm.scenario} ${arm.messageSize} B #${arm.repetition}`;
}

const WARMUP_CAP: Record<ScenarioId, number> = { 'producer-async': 10_000, consumer: 10_000, 'producer-sync': 200, 'e2e-latency': 500, failover: 1000 };

/** A failover arm's fault: what, to which node, after how many measured messages, for how long. */
export interface FailoverPlan {
  mode: FaultMode;
  /** The fault lands once this many measured messages have been handed over. */
  atMessage: number;
  /** How long the node stays down (ms). */
  downMs: number;
  /** The node to fault (default: the last one; it is the preferred leader of partitions p ≡ node mod nodes). */
  node: number;
}

/** failover's rate when --rate is not given. */
export const DEFAULT_FAILOVER_RATE = 10_000;

/** e2e-latency's rate when --rate is not given: steady, well below what any client sustains here. */
export const DEFAULT_E2E_RATE = 2000;

/** Most messages an unpaced timed producer arm may send (its count is what it sends in the duration). */
export const TIMED_MESSAGE_CAP = 100_000_000;

export function messagesFor(spec: RunSpec, scenario: ScenarioId): number {
  if (scenario === 'consumer' && spec.consumerMessages !== undefined) return spec.consumerMessages;
  // A consumer is never paced, but at a rate its topic holds what the rate sends in the duration.
  const rate = scenario === 'consumer' ? spec.settings.rate : settingsFor(spec, scenario).rate;
  if (spec.durationMs !== undefined) {
    if (rate > 0) return Math.max(1, Math.round((rate * spec.durationMs) / 1000));
    if (scenario === 'producer-async' || scenario === 'producer-sync') return TIMED_MESSAGE_CAP;
  }
  if (scenario === 'producer-sync') return spec.syncMessages;
  if (scenario === 'e2e-latency') return spec.e2eMessages;
  return spec.messages;
}

/** The duration an arm itself must keep (unpaced timed producer arms), else undefined. */
export function armDurationFor(spec: RunSpec, scenario: ScenarioId): number | undefined {
  if (spec.durationMs === undefined || settingsFor(spec, scenario).rate > 0) return undefined;
  return scenario === 'producer-async' || scenario === 'producer-sync' ? spec.durationMs : undefined;
}

export function warmupFor(spec: RunSpec, scenario: ScenarioId): number {
  if (spec.warmup !== undefined) return spec.warmup;
  const rate = settingsFor(spec, scenario).rate;
  if (spec.warmupDurationMs !== undefined && rate > 0) return Math.round((rate * spec.warmupDurationMs) / 1000);
  const planned = armDurationFor(spec, scenario) !== undefined ? (scenario === 'producer-sync' ? spec.syncMessages : spec.messages) : messagesFor(spec, scenario);
  return Math.min(WARMUP_CAP[scenario], Math.floor(planned / 10));
}

export function settingsFor(spec: RunSpec, scenario: ScenarioId): WorkloadSettings {
  const s = { ...spec.settings };
  if (scenario === 'producer-sync') {
    if (!spec.lingerExplicit) s.lingerMs = 0;
    s.sendBatch = 1;
  }
  if (scenario === 'e2e-latency') {
    if (!spec.lingerExplicit) s.lingerMs = 0;
    s.sendBatch = 1;
    if (!(s.rate > 0)) s.rate = DEFAULT_E2E_RATE;
  }
  // failover: the durable settings every client is judged on (acks=all, idempotence), at a rate.
  if (scenario === 'failover') {
    s.acks = 'all';
    s.idempotence = true;
    if (!(s.rate > 0)) s.rate = DEFAULT_FAILOVER_RATE;
  }
  // A consumer reads a pre-filled topic: the rate only sizes it (rate × duration), nothing is paced.
  if (scenario === 'consumer') s.rate = 0;
  return s;
}

/** `xs` rotated left by `k` places. */
export function rotated<T>(xs: readonly T[], k: number): T[] {
  if (xs.length === 0) return [];
  const r = ((k % xs.length) + xs.length) % xs.length;
  return [...xs.slice(r), ...xs.slice(0, r)];
}

/** Repetitions planned: twice --repeat with --aa (half in group A, half in B, alternating). */
export function plannedRepetitions(spec: RunSpec): number {
  return spec.aa ? spec.repeat * 2 : spec.repeat;
}

export function planArms(spec: RunSpec): PlannedArm[] {
  const arms: PlannedArm[] = [];
  for (let repetition = 1; repetition <= plannedRepetitions(spec); repetition++) {
    for (const messageSize of spec.sizes) {
      for (const scenario of spec.scenarios) {
        for (const driver of rotated(spec.drivers, repetition - 1)) {
          arms.push({
            index: arms.length,
            driver,
            scenario,
            messageSize,
            repetition,
            messages: messagesFor(spec, scenario),
            warmup: warmupFor(spec, scenario),
            settings: settingsFor(spec, scenario),
            ...(armDurationFor(spec, scenario) !== undefined ? { durationMs: armDurationFor(spec, scenario) as number } : {}),
            ...(spec.aa ? { aaGroup: repetition % 2 === 1 ? ('A' as const) : ('B' as const) } : {}),
          });
        }
      }
    }
  }
  return arms;
}
