// What the embedded broker needs from the machine (Java 17+, and Maven the first time a Kafka version is
// used), checked up front so a missing tool is one clear message instead of a failure deep in start-up.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../util/errors.js';

export const MIN_JAVA_MAJOR = 17;

/** The first executable called `name` on `searchPath` (a PATH string), or undefined. */
export function findExecutable(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set and has one, else `java` from PATH. */
export function findJava(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JAVA_HOME) {
    const fromHome = findExecutable('java', path.join(env.JAVA_HOME, 'bin'));
    if (fromHome) return fromHome;
  }
  return findExecutable('java', env.PATH);
}

/** Major version from `java -version` output: `"17.0.15"` → 17, `"1.8.0_392"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

export interface Toolchain {
  java: string;
  javaMajor: number;
  /** Present when Maven was asked for (jars not yet cached). */
  mvn?: string;
}

export interface PreflightOptions {
  env?: NodeJS.ProcessEnv;
  /** Maven is needed only to resolve the Kafka jars the first time. */
  needMaven: boolean;
}

const JAVA_HINT = `install a JDK or JRE ${MIN_JAVA_MAJOR} or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) or set JAVA_HOME`;
const MAVEN_HINT = 'install Maven 3.6 or newer (Debian/Ubuntu: apt-get install maven; macOS: brew install maven); kbench uses it once per Kafka version to fetch the broker jars from Maven Central';
export const BROKERS_HINT = 'Or use a Kafka cluster you already run: pass --brokers host:port.';

/** Checks Java (and Maven when needed); throws one EnvironmentError listing everything missing. */
export function preflight(opts: PreflightOptions): Toolchain {
  const env = opts.env ?? process.env;
  const problems: string[] = [];
  let javaMajor = 0;
  const java = findJava(env);
  if (!java) {
    problems.push(`Java: no 'java' found on PATH${env.JAVA_HOME ? ` or in JAVA_HOME (${env.JAVA_HOME})` : ''}; ${JAVA_HINT}.`);
  } else {
    const r = spawnSync(java, ['-version'], { env, encoding: 'utf8', timeout: 30_000 });
    const major = parseJavaMajor(`${r.stderr ?? ''}${r.stdout ?? ''}`);
    if (r.error || major === undefined) {
      problems.push(`Java: '${java} -version' failed (${r.error?.message ?? (r.stderr || '').trim().split('\n')[0] ?? 'no output'}); ${JAVA_HINT}.`);
    } else if (major < MIN_JAVA_MAJOR) {
      problems.push(`Java: ${java} is Java ${major}, the broker needs ${MIN_JAVA_MAJOR} or newer; ${JAVA_HINT}.`);
    } else {
      javaMajor = major;
    }
  }
  let mvn: string | undefined;
  if (opts.needMaven) {
    mvn = findExecutable('mvn', env.PATH);
    if (!mvn) problems.push(`Maven: no 'mvn' found on PATH; ${MAVEN_HINT}.`);
  }
  if (problems.length > 0) {
    throw new EnvironmentError(
      `the embedded Kafka broker cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}\n${BROKERS_HINT}`,
    );
  }
  return { java: java!, javaMajor, ...(mvn ? { mvn } : {}) };
}
