// jython: a Python 2.7 loop under Jython driving kafka-clients' Java producer (the Java / Jython / Python
// producer comparison). The script (drivers/java/jython/kbench_jython.py) is Python only where it counts:
// the per-message loop and the delivery callback; the spec, client settings, payload bytes, timing and
// outcome are the `java` driver's classes, so the two differ by the interpreter and its crossings.
// Built with the Java driver (`kbench setup java`), which also checks that Jython starts on this Java.
import path from 'node:path';
import type { ArmSpec } from '../scenarios/types.js';
import { DRIVER_JVM_FLAGS, javaBuildMissingReason, javaDriverBuild, javaRuntime, jythonJvmArgs, jythonScript, type JavaBuild } from '../setup/java.js';
import type { ExternalCommand, ExternalDriver } from './external.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { DriverDescription } from './types.js';

function usableJar(build: JavaBuild): string | undefined {
  const j = build.marker.jython;
  return j.ok ? path.join(build.dir, 'jython', j.jar) : undefined;
}

export const driver: ExternalDriver = {
  kind: 'external',
  id: 'jython',
  client: 'org.apache.kafka:kafka-clients from Jython',
  async describe(): Promise<DriverDescription> {
    const rt = javaRuntime();
    const build = javaDriverBuild();
    const base = {
      id: 'jython', client: `kafka-clients KafkaProducer from Jython ${build?.marker.jython.version ?? ''}`.trim(), runtime: rt.version ? `jython on java ${rt.version}` : 'jython',
      scenarios: ['producer-sync', 'producer-async'] as DriverDescription['scenarios'], workerThreads: false, supportsWarmup: true, security: FULL_SECURITY,
      notes: [
        `JVM flags ${DRIVER_JVM_FLAGS.join(' ')}; the java driver's settings, payloads and timing; the loop and the delivery callback are Python`,
        'CPU of all JVM threads over the measured interval (/proc/self/stat); Jython start-up excluded',
        securityNote(FULL_SECURITY),
      ],
    };
    if (rt.problem) return { ...base, version: 'unknown', available: false, reason: rt.problem };
    if (!build) return { ...base, version: 'not built', available: false, reason: javaBuildMissingReason() };
    const j = build.marker.jython;
    if (!j.ok) return { ...base, version: build.marker.kafkaClients, available: false, reason: j.error };
    return { ...base, version: build.marker.kafkaClients, available: true };
  },
  command(_spec: ArmSpec, specFile: string): ExternalCommand {
    const build = javaDriverBuild();
    const java = javaRuntime().java;
    const jar = build && usableJar(build);
    if (!build || !java || !jar) throw new Error(javaRuntime().problem ?? (build ? 'Jython is not usable (see `kbench setup --status`)' : javaBuildMissingReason()));
    return { cmd: java, args: [...jythonJvmArgs(build.dir, jar), jythonScript, specFile] };
  },
};
