// java: kbench's own Java driver (drivers/java) on the plain kafka-clients producer and consumer, one
// JVM per arm speaking the external-driver protocol. Built by `kbench setup java` into the kbench
// cache; describe() never builds. JVM start-up is outside the measured interval: the driver times the
// interval itself and reads the CPU of all JVM threads over it from /proc/self/stat.
import type { ArmSpec } from '../scenarios/types.js';
import { DRIVER_JVM_FLAGS, MAIN_CLASS, javaBuildMissingReason, javaDriverBuild, javaRuntime } from '../setup/java.js';
import type { ExternalCommand, ExternalDriver } from './external.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { DriverDescription } from './types.js';

const NOTES = [
  `JVM flags ${DRIVER_JVM_FLAGS.join(' ')}; buffer.memory raised to 512 MiB (as librdkafka arms raise their queue limits)`,
  'producer-async: send(record, callback) per message, then flush(); producer-sync: send().get() per message',
  'consumer: the warm-up topic read first (assign() + seekToBeginning() of its partition 0), then partitionsFor(measured topic) on the same consumer, then the window opens just before assign() + seekToBeginning() of the measured partitions; poll loop, every payload checksummed inside the window',
  'payloads copied out of the arm’s payload source file (System.arraycopy, a new byte[] per message)',
  'CPU of all JVM threads over the window (/proc/self/stat, 10 ms ticks); JVM start-up excluded',
];

export const driver: ExternalDriver = {
  kind: 'external',
  id: 'java',
  client: 'org.apache.kafka:kafka-clients',
  async describe(): Promise<DriverDescription> {
    const rt = javaRuntime();
    const base = {
      id: 'java', client: 'org.apache.kafka:kafka-clients (KafkaProducer / KafkaConsumer)', runtime: rt.version ? `java ${rt.version}` : 'java',
      scenarios: ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'] as DriverDescription['scenarios'],
      workerThreads: false, supportsWarmup: true, security: FULL_SECURITY, notes: [...NOTES, securityNote(FULL_SECURITY)],
    };
    if (rt.problem) return { ...base, version: 'unknown', available: false, reason: rt.problem };
    const build = javaDriverBuild();
    if (!build) return { ...base, version: 'not built', available: false, reason: javaBuildMissingReason() };
    return { ...base, version: build.marker.kafkaClients, available: true };
  },
  command(_spec: ArmSpec, specFile: string): ExternalCommand {
    const build = javaDriverBuild();
    const java = javaRuntime().java;
    if (!build || !java) throw new Error(javaRuntime().problem ?? javaBuildMissingReason());
    return { cmd: java, args: [...DRIVER_JVM_FLAGS, '-cp', build.classpath, MAIN_CLASS, specFile] };
  },
};
