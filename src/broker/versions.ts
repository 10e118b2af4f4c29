// Which Kafka versions the embedded broker runs, and the validation of the user-facing broker options.
// Validators throw UsageError naming the option, so the CLI and the library report bad input the same way.
import { UsageError } from '../util/errors.js';

/**
 * The default broker: the newest 3.9.x on Maven Central. 3.9 is the last line that still accepts the
 * old protocol versions spoken by pykafka / kafka-python 1.4; 4.x dropped them.
 */
export const DEFAULT_KAFKA_VERSION = '3.9.2';

/** Short names people type; each pinned to a version that was verified to start (not "latest", so runs are repeatable). */
export const KAFKA_VERSION_ALIASES: Readonly<Record<string, string>> = {
  '3': '3.9.2',
  '3.9': '3.9.2',
  '4': '4.1.2',
  '4.1': '4.1.2',
};

/** The oldest line whose KRaft combined mode, StorageTool and kafka-tools artifact kbench relies on. */
const MIN_MAJOR = 3;
const MIN_MINOR_OF_3 = 7;

export interface KafkaVersionInfo {
  version: string;
  major: number;
  minor: number;
  /** Maven profile of broker/pom.xml that adds the matching slf4j binding. */
  loggingProfile: 'log4j1' | 'log4j2';
}

/** Validates `--kafka-version` (an alias such as `4`, or a full `X.Y.Z`) and returns the full version. */
export function parseKafkaVersion(input: string | undefined): KafkaVersionInfo {
  const raw = (input ?? DEFAULT_KAFKA_VERSION).trim();
  const version = KAFKA_VERSION_ALIASES[raw] ?? raw;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(version);
  const major = m ? Number(m[1]) : Number.NaN;
  const minor = m?.[2] !== undefined ? Number(m[2]) : Number.NaN;
  // Range first, so `2.8` is told it is unsupported rather than incomplete.
  if (m && (major < MIN_MAJOR || (major === MIN_MAJOR && minor < MIN_MINOR_OF_3) || major > 4)) {
    throw new UsageError(
      `--kafka-version ${raw} is not supported: the embedded broker runs Kafka 3.${MIN_MINOR_OF_3}.0 to 4.x in KRaft mode ` +
        `(default ${DEFAULT_KAFKA_VERSION}); for another version start it yourself and pass --brokers host:port`,
    );
  }
  if (!m || m[3] === undefined) {
    throw new UsageError(
      `--kafka-version must be a full Kafka version such as ${DEFAULT_KAFKA_VERSION} or one of ` +
        `${Object.keys(KAFKA_VERSION_ALIASES).join(', ')} (got '${raw}')`,
    );
  }
  return { version, major, minor, loggingProfile: major >= 4 ? 'log4j2' : 'log4j1' };
}

export const MAX_NODES = 9;

/** Validates `--nodes`: a whole number from 1 to MAX_NODES. */
export function parseNodes(input: string | number | undefined): number {
  if (input === undefined) return 1;
  const s = String(input).trim();
  const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) {
    throw new UsageError(`--nodes must be a whole number from 1 to ${MAX_NODES} (got '${s}')`);
  }
  return n;
}

export const DEFAULT_HEAP = '1g';
const MIN_HEAP_MB = 256;
const MAX_HEAP_MB = 64 * 1024;

/** Validates `--heap` (JVM size such as `512m` or `2g`, per broker node) and returns it in -Xmx form. */
export function parseHeap(input: string | undefined): string {
  const s = (input ?? DEFAULT_HEAP).trim();
  const m = /^(\d+)([mMgG])$/.exec(s);
  const mb = m ? Number(m[1]) * (m[2]!.toLowerCase() === 'g' ? 1024 : 1) : Number.NaN;
  if (!m || !(mb >= MIN_HEAP_MB && mb <= MAX_HEAP_MB)) {
    throw new UsageError(`--heap must be a JVM heap size from ${MIN_HEAP_MB}m to ${MAX_HEAP_MB / 1024}g, such as 512m or 2g (got '${s}')`);
  }
  return `${m[1]}${m[2]!.toLowerCase()}`;
}
