// Expands a RunSpec into arms — driver × scenario × message size × repetition — ordered so that
// repetitions interleave across drivers (A B C A B C …), each with its effective settings.
import type { ClientConfig } from '../drivers/types.js';
import type { Connection, SaslMechanism, ScenarioId, WorkloadSettings } from '../results/types.js';

export interface RunSpec {
  drivers: string[];
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
  repeat: number;
  partitions: number;
  replication: number;
  workers: number;
  settings: WorkloadSettings;
  /** True when --linger-ms was given; otherwise producer-sync runs with linger 0 (it waits per message anyway). */
  lingerExplicit: boolean;
  extraConfig: ClientConfig;
  /** Messages written and read back before the first arm to warm the broker up (0 = none). */
  brokerWarmup: number;
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
  fault?: { kind: 'drop-one' | 'throw' | 'crash'; driver?: string };
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
}

const WARMUP_CAP: Record<ScenarioId, number> = { 'producer-async': 10_000, consumer: 10_000, 'producer-sync': 200, 'e2e-latency': 500 };

export function messagesFor(spec: RunSpec, scenario: ScenarioId): number {
  if (scenario === 'producer-sync') return spec.syncMessages;
  if (scenario === 'e2e-latency') return spec.e2eMessages;
  return spec.messages;
}

export function warmupFor(spec: RunSpec, scenario: ScenarioId): number {
  if (spec.warmup !== undefined) return spec.warmup;
  return Math.min(WARMUP_CAP[scenario], Math.floor(messagesFor(spec, scenario) / 10));
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
  }
  return s;
}

export function planArms(spec: RunSpec): PlannedArm[] {
  const arms: PlannedArm[] = [];
  for (let repetition = 1; repetition <= spec.repeat; repetition++) {
    for (const messageSize of spec.sizes) {
      for (const scenario of spec.scenarios) {
        for (const driver of spec.drivers) {
          arms.push({
            index: arms.length,
            driver,
            scenario,
            messageSize,
            repetition,
            messages: messagesFor(spec, scenario),
            warmup: warmupFor(spec, scenario),
            settings: settingsFor(spec, scenario),
          });
        }
      }
    }
  }
  return arms;
}
