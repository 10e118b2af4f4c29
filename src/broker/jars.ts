// The broker's jars: resolved once per Kafka version from Maven Central by Maven (broker/pom.xml), into
// <cache>/kafka-<version>/libs, and reused after. Maven writes into a private temporary directory that
// is renamed into place only when complete, so a concurrent kbench never sees half a directory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, projectRoot } from '../paths.js';
import { EnvironmentError, UsageError } from '../util/errors.js';
import { pidAlive, spawnSupervised } from '../util/proc.js';
import { BROKERS_HINT } from './preflight.js';
import type { KafkaVersionInfo } from './versions.js';

export const brokerTemplateDir: string = path.join(projectRoot, 'broker');
export const pomPath: string = path.join(brokerTemplateDir, 'pom.xml');
const MARKER = 'kbench-resolved.json';
/** Named in full (not `dependency:`) so an unreachable Central reports the download error itself. */
const COPY_GOAL = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';

/** Where kafka-<version>/ directories live: KBENCH_KAFKA_CACHE, else the kbench cache. */
export function kafkaCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KBENCH_KAFKA_CACHE ? path.resolve(env.KBENCH_KAFKA_CACHE) : cacheDir();
}

export function kafkaHome(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(kafkaCacheRoot(env), `kafka-${version}`);
}

export interface KafkaJars {
  version: string;
  home: string;
  libsDir: string;
  /** Java class path covering every jar (`<libs>/*`). */
  classpath: string;
  jarCount: number;
  /** False when Maven ran in this call. */
  cached: boolean;
  /** Time spent resolving (about 0 when cached). */
  resolveMs: number;
}

interface Marker {
  kafkaVersion: string;
  loggingProfile: string;
  pomSha256: string;
  jars: string[];
  resolvedAt: string;
}

function pomHash(): string {
  return createHash('sha256').update(fs.readFileSync(pomPath)).digest('hex');
}

function readMarker(home: string): Marker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(home, MARKER), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

function jarsOf(info: KafkaVersionInfo, home: string, cached: boolean, resolveMs: number, marker: Marker): KafkaJars {
  const libsDir = path.join(home, 'libs');
  return { version: info.version, home, libsDir, classpath: path.join(libsDir, '*'), jarCount: marker.jars.length, cached, resolveMs };
}

/** The cached jars of this version when complete and made from the current pom, else undefined. */
export function cachedKafkaJars(info: KafkaVersionInfo, env: NodeJS.ProcessEnv = process.env): KafkaJars | undefined {
  const home = kafkaHome(info.version, env);
  const marker = readMarker(home);
  if (!marker || marker.pomSha256 !== pomHash() || marker.loggingProfile !== info.loggingProfile) return undefined;
  if (!fs.existsSync(path.join(home, 'libs', `kafka_2.13-${info.version}.jar`))) return undefined;
  return jarsOf(info, home, true, 0, marker);
}

/** Turns Maven's output into the error a person can act on. */
export function classifyMavenFailure(version: string, output: string, exitCode: number | null): Error {
  const lines = output.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim()).filter(Boolean);
  const errorLine = lines.find((l) => l.startsWith('[ERROR]'))?.replace(/^\[ERROR\]\s*/, '') ?? lines.at(-1) ?? `exit code ${exitCode}`;
  const network = /UnknownHost|Unknown host|Connection refused|Connect to \S+ failed|Network is unreachable|No route to host|timed out|Could not transfer|PKIX|SSLHandshake|Temporary failure in name resolution/i;
  // Checked first: a missing Kafka artifact is also reported as "could not resolve dependencies".
  if (/org\.apache\.kafka:(kafka_2\.13|kafka-tools)[^\s]* (was not found|could not be found)|Could not find artifact org\.apache\.kafka:/i.test(output)) {
    return new UsageError(`--kafka-version ${version}: Kafka ${version} is not on Maven Central (${errorLine})`);
  }
  if (network.test(output)) {
    return new EnvironmentError(
      `Maven could not download the Kafka ${version} jars from Maven Central: ${errorLine}\n` +
        `Check the network, or Maven's proxy/mirror settings (~/.m2/settings.xml). ${BROKERS_HINT}`,
    );
  }
  return new EnvironmentError(`Maven failed to resolve the Kafka ${version} jars (exit code ${exitCode}): ${errorLine}\n${lines.slice(-15).join('\n')}`);
}

/** Removes temporary directories left by resolutions whose process died. */
function removeAbandoned(root: string): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = /^\.kafka-.+\.(?:tmp|old)-(\d+)-/.exec(e);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(root, e), { recursive: true, force: true });
  }
}

export interface ResolveOptions {
  /** Path of mvn (from preflight). */
  mvn: string;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

/** The jars of `info.version`, resolved with Maven unless already cached. */
export async function resolveKafkaJars(info: KafkaVersionInfo, opts: ResolveOptions): Promise<KafkaJars> {
  const env = opts.env ?? process.env;
  const cached = cachedKafkaJars(info, env);
  if (cached) return cached;
  const t0 = performance.now();
  const root = kafkaCacheRoot(env);
  const home = kafkaHome(info.version, env);
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (err) {
    throw new EnvironmentError(`cannot create the Kafka jar cache ${root}: ${(err as Error).message}`);
  }
  removeAbandoned(root);
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = path.join(root, `.kafka-${info.version}.tmp-${suffix}`);
  fs.mkdirSync(path.join(tmp, 'libs'), { recursive: true });
  try {
    opts.log?.(`resolving the Kafka ${info.version} jars from Maven Central (first use of this version only)`);
    const args = [
      '-B', '-q', '-Dstyle.color=never', '-f', pomPath,
      `-Dkafka.version=${info.version}`, '-P', info.loggingProfile,
      COPY_GOAL, '-DincludeScope=runtime', `-DoutputDirectory=${path.join(tmp, 'libs')}`,
    ];
    const mvn = spawnSupervised(opts.mvn, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    mvn.child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    mvn.child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const { code } = await mvn.done;
    const jars = fs.readdirSync(path.join(tmp, 'libs')).filter((f) => f.endsWith('.jar')).sort();
    if (code !== 0 || !jars.includes(`kafka_2.13-${info.version}.jar`)) {
      throw classifyMavenFailure(info.version, output, code);
    }
    const marker: Marker = {
      kafkaVersion: info.version,
      loggingProfile: info.loggingProfile,
      pomSha256: pomHash(),
      jars,
      resolvedAt: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(tmp, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    try {
      fs.renameSync(tmp, home);
    } catch (err) {
      const errCode = (err as NodeJS.ErrnoException).code;
      if (errCode !== 'ENOTEMPTY' && errCode !== 'EEXIST') throw err;
      // Someone else finished first (use theirs), or an outdated cache is in the way (swap it out).
      const theirs = cachedKafkaJars(info, env);
      if (theirs) return { ...theirs, cached: false, resolveMs: performance.now() - t0 };
      const old = path.join(root, `.kafka-${info.version}.old-${suffix}`);
      fs.renameSync(home, old);
      fs.renameSync(tmp, home);
      fs.rmSync(old, { recursive: true, force: true });
    }
    return jarsOf(info, home, false, performance.now() - t0, marker);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
