// `kbench setup java`: builds kbench's Java driver (drivers/java, a Maven project) into the kbench cache,
// at <cache>/java-driver-<hash of pom.xml and src/>, with its runtime classpath and the Jython jar. Never
// into the repository; idempotent (the hash names the build, so an up-to-date build is simply found).
// Maven writes into a private temporary directory renamed into place only when complete, as the broker
// jars do (src/broker/jars.ts), so a concurrent kbench never sees half a build.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findJava, parseJavaMajor, preflight, MIN_JAVA_MAJOR } from '../broker/preflight.js';
import { cacheDir, projectRoot } from '../paths.js';
import { EnvironmentError } from '../util/errors.js';
import { pidAlive, spawnSupervised } from '../util/proc.js';
import type { SetupTarget } from './targets.js';

export const javaProjectDir: string = path.join(projectRoot, 'drivers', 'java');
export const jythonScript: string = path.join(javaProjectDir, 'jython', 'kbench_jython.py');
export const MAIN_CLASS = 'dev.kbench.driver.Main';
/**
 * Flags of every JVM-based driver arm (java, java-perf, jython), recorded in their notes: a bounded heap
 * that holds the producer's raised buffer.memory (512 MiB, drivers/java Configs.java); an English locale
 * because java-perf parses numbers the Kafka tools print with the default locale.
 */
export const DRIVER_JVM_FLAGS: readonly string[] = ['-Xmx1g', '-Duser.language=en', '-Duser.country=US', '-XX:-UsePerfData'];
const MARKER = 'kbench-java-driver.json';
const PREFIX = 'java-driver-';

export interface JavaBuildMarker {
  hash: string;
  kafkaClients: string;
  jackson: string;
  /** Java that built (and smoke-ran) the driver, and its VM. */
  java: string;
  vm: string;
  jython: { version: string; jar: string; ok: true } | { version: string; jar?: string; ok: false; error: string };
  builtAt: string;
  buildMs: number;
}

export interface JavaBuild {
  dir: string;
  /** -cp of the Java driver: its classes and runtime dependencies. */
  classpath: string;
  marker: JavaBuildMarker;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Hash of what the build is made of: pom.xml and every file under src/ (paths and contents). */
export function javaSourceHash(): string {
  const h = createHash('sha256');
  const files = [path.join(javaProjectDir, 'pom.xml'), ...filesUnder(path.join(javaProjectDir, 'src')).sort()];
  for (const f of files) h.update(path.relative(javaProjectDir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

export function javaBuildDir(hash: string = javaSourceHash()): string {
  return path.join(cacheDir(), `${PREFIX}${hash}`);
}

function classpathOf(dir: string): string {
  return [path.join(dir, 'classes'), path.join(dir, 'lib', '*')].join(path.delimiter);
}

/** The build of the current sources, or undefined when `kbench setup java` has not made it. */
export function javaDriverBuild(): JavaBuild | undefined {
  const hash = javaSourceHash();
  const dir = javaBuildDir(hash);
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as JavaBuildMarker;
    if (marker.hash !== hash || !fs.existsSync(path.join(dir, 'classes'))) return undefined;
    return { dir, classpath: classpathOf(dir), marker };
  } catch {
    return undefined;
  }
}

/** Why there is no usable build: the text every JVM driver reports when unavailable. */
export function javaBuildMissingReason(): string {
  const stale = fs.existsSync(cacheDir()) && fs.readdirSync(cacheDir()).some((e) => e.startsWith(PREFIX));
  return stale
    ? 'the Java driver was built from older sources: run `kbench setup java`'
    : 'the Java driver is not built: run `kbench setup java`';
}

export interface JavaRuntime {
  java?: string;
  version?: string;
  /** Why Java cannot run the drivers. */
  problem?: string;
}

let runtime: JavaRuntime | undefined;

/** The `java` the drivers run with (JAVA_HOME, else PATH) and its version; looked up once per process. */
export function javaRuntime(): JavaRuntime {
  if (runtime) return runtime;
  const java = findJava(process.env);
  if (!java) return (runtime = { problem: `no 'java' on PATH or in JAVA_HOME: install a JDK ${MIN_JAVA_MAJOR} or newer` });
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const text = `${r.stderr ?? ''}${r.stdout ?? ''}`;
  const major = parseJavaMajor(text);
  const version = /version "([^"]+)"/.exec(text)?.[1];
  if (major === undefined || !version) return (runtime = { java, problem: `'${java} -version' failed: ${r.error?.message ?? text.trim().split('\n')[0] ?? 'no output'}` });
  if (major < MIN_JAVA_MAJOR) return (runtime = { java, version, problem: `${java} is Java ${version}; the Java drivers need ${MIN_JAVA_MAJOR} or newer` });
  return (runtime = { java, version });
}

function mavenFailure(output: string, code: number | null): EnvironmentError {
  const lines = output.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trimEnd()).filter((l) => l.trim());
  const first = lines.find((l) => l.startsWith('[ERROR]'))?.replace(/^\[ERROR\]\s*/, '') ?? lines.at(-1) ?? `exit code ${code}`;
  return new EnvironmentError(`Maven failed to build the Java driver (exit code ${code}): ${first}\n${lines.slice(-20).join('\n')}`);
}

async function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number | null; output: string }> {
  const p = spawnSupervised(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let output = '';
  p.child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  p.child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const { code } = await p.done;
  return { code, output };
}

/** Runs the Jython interpreter once: proves it starts on this Java and imports kafka-clients. */
async function smokeJython(java: string, dir: string, jar: string): Promise<string | undefined> {
  const args = [...jythonJvmArgs(dir, jar), '-c', 'from org.apache.kafka.clients.producer import KafkaProducer; import sys; print "jython ok", sys.version.split()[0]'];
  const { code, output } = await run(java, args);
  if (code === 0 && /jython ok/.test(output)) return undefined;
  const lines = output.trim().split('\n').filter(Boolean);
  return `Jython did not start on this Java (exit code ${code}): ${lines.slice(-3).join(' | ') || 'no output'}`;
}

/** JVM arguments that start Jython with the Java driver's classes and kafka-clients on its classpath. */
export function jythonJvmArgs(dir: string, jar: string): string[] {
  return [
    ...DRIVER_JVM_FLAGS,
    '-Dpython.console.encoding=UTF-8',
    '-cp', [jar, classpathOf(dir)].join(path.delimiter),
    'org.python.util.jython',
  ];
}

function removeOthers(keep: string): void {
  for (const e of fs.readdirSync(cacheDir())) {
    const full = path.join(cacheDir(), e);
    if (full === keep) continue;
    const tmp = /^\.java-driver-.+\.tmp-(\d+)-/.exec(e);
    if (e.startsWith(PREFIX) || (tmp && !pidAlive(Number(tmp[1])))) fs.rmSync(full, { recursive: true, force: true });
  }
}

/** Builds the driver of the current sources (unless built and not forced); returns it. */
export async function buildJavaDriver(log: (line: string) => void, force = false): Promise<JavaBuild> {
  const existing = javaDriverBuild();
  if (existing && !force) {
    log(`up to date: ${existing.dir}`);
    return existing;
  }
  const tools = preflight({ needMaven: true });
  const mvn = tools.mvn as string;
  const t0 = performance.now();
  const hash = javaSourceHash();
  const dir = javaBuildDir(hash);
  fs.mkdirSync(cacheDir(), { recursive: true });
  const tmp = path.join(cacheDir(), `.${PREFIX}${hash}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    log(`building drivers/java with Maven (kafka-clients, Jackson, Jython from Maven Central) into ${dir}`);
    const mv = await run(mvn, ['-B', '-q', '-Dstyle.color=never', '-f', path.join(javaProjectDir, 'pom.xml'), `-Dkbench.out=${tmp}`, 'process-classes']);
    if (mv.code !== 0 || !fs.existsSync(path.join(tmp, 'classes'))) throw mavenFailure(mv.output, mv.code);
    fs.rmSync(path.join(tmp, 'target'), { recursive: true, force: true });

    const v = await run(tools.java, ['-cp', classpathOf(tmp), MAIN_CLASS, '--version']);
    const line = v.output.split('\n').find((l) => l.startsWith('{'));
    if (v.code !== 0 || !line) throw new EnvironmentError(`the Java driver was built but does not run (exit code ${v.code}): ${v.output.trim().split('\n').slice(-3).join(' | ')}`);
    const versions = JSON.parse(line) as { kafkaClients: string; jackson: string; java: string; vm: string };

    const jarName = fs.existsSync(path.join(tmp, 'jython')) ? fs.readdirSync(path.join(tmp, 'jython')).find((f) => f.endsWith('.jar')) : undefined;
    const jythonVersion = /jython-standalone-(.+)\.jar$/.exec(jarName ?? '')?.[1] ?? 'unknown';
    // In place before the marker is written: the build is not visible (javaDriverBuild) until then, and
    // Jython is checked exactly where and how the jython driver will run it.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    let jython: JavaBuildMarker['jython'];
    if (!jarName) {
      jython = { version: jythonVersion, ok: false, error: 'Maven did not provide jython-standalone' };
    } else {
      log(`checking that Jython ${jythonVersion} starts on Java ${versions.java}`);
      const error = await smokeJython(tools.java, dir, path.join(dir, 'jython', jarName));
      jython = error ? { version: jythonVersion, jar: jarName, ok: false, error } : { version: jythonVersion, jar: jarName, ok: true };
      if (error) log(error);
    }
    const marker: JavaBuildMarker = { hash, ...versions, jython, builtAt: new Date().toISOString(), buildMs: Math.round(performance.now() - t0) };
    fs.writeFileSync(path.join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    removeOthers(dir);
    log(`built in ${(marker.buildMs / 1000).toFixed(1)} s`);
    return { dir, classpath: classpathOf(dir), marker };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export const target: SetupTarget = {
  name: 'java',
  summary: 'the java and jython drivers: drivers/java built with Maven into the kbench cache',
  async run(log, opts) {
    await buildJavaDriver(log, opts.force);
  },
  async status() {
    const b = javaDriverBuild();
    if (!b) return javaBuildMissingReason();
    const j = b.marker.jython;
    return `built (kafka-clients ${b.marker.kafkaClients}, Jython ${j.version}${j.ok ? '' : ' NOT usable'}) in ${b.dir}`;
  },
};
