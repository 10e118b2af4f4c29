// What the five Python drivers share: one driver program (drivers/python/kbench_driver.py) run by the
// interpreter of the driver's virtual environment (`kbench setup python`), speaking the external-driver
// protocol. describe() runs the program's `describe` in that environment (it imports the client, so
// the version and librdkafka reported are the ones really loaded) and never creates an environment.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import type { ScenarioId } from '../results/types.js';
import { contextFor } from '../scenarios/index.js';
import type { ArmSpec } from '../scenarios/types.js';
import { pythonDriverScript, pythonEnv, pythonEnvMissingReason, type PythonEnvName } from '../setup/python.js';
import type { ExternalCommand, ExternalDriver } from './external.js';
import { librdkafkaConsumerConfig, librdkafkaProducerConfig } from './librdkafka-config.js';
import type { DriverSecurity } from './security.js';
import type { DriverDescription } from './types.js';

export const ALL_SCENARIOS: ScenarioId[] = ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'];
/** Codecs of the pure-Python clients without optional codec packages (as kafkajs without its codecs). */
export const GZIP_ONLY = ['none', 'gzip'];

export interface PythonDriverSpec {
  id: string;
  /** What the results call the client. */
  client: string;
  env: PythonEnvName;
  scenarios: ScenarioId[];
  compressions?: string[];
  brokerLimit?: DriverDescription['brokerLimit'];
  security: DriverSecurity;
  /** Hand the program the librdkafka properties every librdkafka-based arm gets (librdkafka-config.ts). */
  librdkafkaConfig?: boolean;
  /** The driver runs pykafka's C extension, which `kbench setup python` may have failed to build. */
  needsExtension?: boolean;
  notes: string[];
}

interface DescribeOutput {
  version?: string;
  librdkafka?: string;
  python?: string;
  notes?: string[];
  error?: string;
}

function programEnv(): Record<string, string> {
  // Bytecode of drivers/python goes to the cache, never into the repository.
  return { PYTHONPYCACHEPREFIX: path.join(cacheDir(), 'python', 'pycache') };
}

export function pythonDriver(spec: PythonDriverSpec): ExternalDriver {
  return {
    kind: 'external',
    id: spec.id,
    client: spec.client,
    async describe(): Promise<DriverDescription> {
      const env = pythonEnv(spec.env);
      const base = {
        id: spec.id, client: spec.client, runtime: env ? `python ${env.marker.python}` : 'python',
        scenarios: spec.scenarios, workerThreads: false, supportsWarmup: true, notes: spec.notes,
        security: spec.security, ...(spec.compressions ? { compressions: spec.compressions } : {}), ...(spec.brokerLimit ? { brokerLimit: spec.brokerLimit } : {}),
      };
      if (!env) return { ...base, version: 'not set up', available: false, reason: pythonEnvMissingReason(spec.env) };
      const ext = env.marker.extension;
      if (spec.needsExtension && ext && !ext.ok) {
        return { ...base, version: env.marker.packages['pykafka'] ?? 'unknown', available: false, reason: `pykafka’s C extension is not usable: ${ext.error}` };
      }
      const r = spawnSync(env.python, [pythonDriverScript, 'describe', spec.id], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...programEnv() } });
      let out: DescribeOutput;
      try {
        out = JSON.parse((r.stdout ?? '').trim().split('\n').at(-1) ?? '') as DescribeOutput;
      } catch {
        const why = r.error?.message ?? ((r.stderr ?? '').trim().split('\n').at(-1) || `exit code ${r.status}`);
        return { ...base, version: 'unknown', available: false, reason: `the Python driver program did not answer: ${why}` };
      }
      const runtime = out.python ? `python ${out.python}` : base.runtime;
      if (out.error || !out.version) return { ...base, runtime, version: 'unknown', available: false, reason: `loading the client failed: ${out.error ?? 'no version'}` };
      return {
        ...base, runtime, version: out.version, available: true,
        ...(out.librdkafka ? { librdkafka: out.librdkafka } : {}),
        notes: [...spec.notes, ...(out.notes ?? [])],
      };
    },
    command(armSpec: ArmSpec, specFile: string): ExternalCommand {
      const env = pythonEnv(spec.env);
      if (!env) throw new Error(pythonEnvMissingReason(spec.env));
      const vars = programEnv();
      if (spec.librdkafkaConfig) {
        const ctx = contextFor(armSpec);
        // In the environment rather than the arguments: it may hold a SASL password.
        vars['KBENCH_LIBRDKAFKA_CONFIG'] = JSON.stringify({ producer: librdkafkaProducerConfig(ctx), consumer: librdkafkaConsumerConfig(ctx) });
      }
      return { cmd: env.python, args: [pythonDriverScript, 'run', specFile], env: vars };
    },
  };
}
