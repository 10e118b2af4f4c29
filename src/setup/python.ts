// `kbench setup python`: the virtual environments of the Python drivers (drivers/python), one per
// requirements file, in the kbench cache at <cache>/python/<env>-<hash>. The hash covers the pinned
// requirements (and, for pykafka, the librdkafka its C extension is built against), so an up-to-date
// environment is simply found and a changed pin makes a new one. Each is built in a temporary
// directory renamed into place, its marker written last: a driver never sees half an environment.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, projectRoot, readBuildInfo } from '../paths.js';
import { EnvironmentError } from '../util/errors.js';
import { pidAlive, spawnSupervised } from '../util/proc.js';
import type { SetupTarget } from './targets.js';

export const pythonDriverDir: string = path.join(projectRoot, 'drivers', 'python');
export const pythonDriverScript: string = path.join(pythonDriverDir, 'kbench_driver.py');
const MARKER = 'kbench-venv.json';

export type PythonEnvName = 'confluent' | 'kafka-python' | 'kafka-python-1.4' | 'pykafka';

interface InstallStep {
  /** A requirements file of drivers/python, installed with --require-hashes. */
  file: string;
  args: string[];
}

interface EnvSpec {
  name: PythonEnvName;
  steps: InstallStep[];
  /** What else the environment is built from (part of its hash). */
  inputs?: () => string;
  /** Extra environment variables of the pip calls. */
  env?: () => Record<string, string>;
  /** Packages whose versions the marker records. */
  packages: string[];
}

/** The C extension of pykafka: whether it was built and imports, and against which librdkafka. */
export interface ExtensionState {
  ok: boolean;
  librdkafka?: string;
  /** The compiler's or the loader's own words when it is not usable. */
  error?: string;
}

export interface PythonEnvMarker {
  env: PythonEnvName;
  hash: string;
  python: string;
  packages: Record<string, string>;
  extension?: ExtensionState;
  /** pykafka: the librdkafka prefix (a kbench checkout's build) its C extension links. */
  librdkafkaPrefix?: string;
  builtAt: string;
  buildMs: number;
}

export interface PythonEnv {
  dir: string;
  python: string;
  marker: PythonEnvMarker;
}

const WHEELS_ONLY = ['--only-binary', ':all:'];

function librdkafkaPrefix(): { prefix?: string; version?: string; id: string } {
  const l = readBuildInfo().librdkafka;
  const prefix = l?.prefix && fs.existsSync(path.join(l.prefix, 'include', 'librdkafka', 'rdkafka.h')) ? l.prefix : undefined;
  return { ...(prefix ? { prefix } : {}), ...(l?.version ? { version: l.version } : {}), id: prefix ? `${l?.version}:${prefix}:${(l as { sourceId?: string }).sourceId ?? ''}` : 'none' };
}

const ENVS: readonly EnvSpec[] = [
  { name: 'confluent', steps: [{ file: 'requirements-confluent.txt', args: WHEELS_ONLY }], packages: ['confluent-kafka'] },
  { name: 'kafka-python', steps: [{ file: 'requirements-kafka-python.txt', args: WHEELS_ONLY }], packages: ['kafka-python'] },
  { name: 'kafka-python-1.4', steps: [{ file: 'requirements-kafka-python-1.4.txt', args: WHEELS_ONLY }], packages: ['kafka-python'] },
  {
    name: 'pykafka',
    steps: [
      { file: 'requirements-pykafka-build.txt', args: WHEELS_ONLY },
      // From source, so the extension compiles here; no pip cache, so it is never a wheel built against another librdkafka.
      { file: 'requirements-pykafka.txt', args: ['--no-binary', 'pykafka', '--no-build-isolation', '--no-cache-dir', '--verbose'] },
    ],
    inputs: () => librdkafkaPrefix().id,
    env: (): Record<string, string> => {
      const { prefix } = librdkafkaPrefix();
      if (!prefix) return {};
      const lib = path.join(prefix, 'lib');
      return { CFLAGS: `-I${path.join(prefix, 'include')}`, LDFLAGS: `-L${lib} -Wl,-rpath,${lib}` };
    },
    packages: ['pykafka', 'kazoo', 'six', 'tabulate', 'setuptools'],
  },
];

function envSpec(name: PythonEnvName): EnvSpec {
  return ENVS.find((e) => e.name === name) as EnvSpec;
}

export function pythonEnvHash(name: PythonEnvName): string {
  const spec = envSpec(name);
  const h = createHash('sha256').update(name).update('\0');
  for (const s of spec.steps) h.update(s.file).update('\0').update(fs.readFileSync(path.join(pythonDriverDir, s.file))).update('\0').update(s.args.join(' ')).update('\0');
  if (spec.inputs) h.update(spec.inputs());
  return h.digest('hex').slice(0, 12);
}

function pythonRoot(): string {
  return path.join(cacheDir(), 'python');
}

export function pythonEnvDir(name: PythonEnvName, hash: string = pythonEnvHash(name)): string {
  return path.join(pythonRoot(), `${name}-${hash}`);
}

const venvPython = (dir: string): string => path.join(dir, 'bin', 'python');

/** Names of this environment's directories: `<env>-<hash>` (so 'kafka-python' never matches 'kafka-python-1.4-…'). */
const envDirPattern = (name: PythonEnvName): RegExp => new RegExp(`^${name.replace(/\./g, '\\.')}-[0-9a-f]{12}$`);

/** The environment of the current requirements, or undefined when `kbench setup python` has not made it. */
export function pythonEnv(name: PythonEnvName): PythonEnv | undefined {
  const hash = pythonEnvHash(name);
  const dir = pythonEnvDir(name, hash);
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as PythonEnvMarker;
    if (marker.hash !== hash || !fs.existsSync(venvPython(dir))) return undefined;
    return { dir, python: venvPython(dir), marker };
  } catch {
    return undefined;
  }
}

/** Why there is no usable environment: the text every Python driver reports when unavailable. */
export function pythonEnvMissingReason(name: PythonEnvName): string {
  const root = pythonRoot();
  const stale = fs.existsSync(root) && fs.readdirSync(root).some((e) => envDirPattern(name).test(e));
  return stale
    ? `its Python environment '${name}' was set up from other pins or another librdkafka build: run \`kbench setup python\``
    : `its Python environment '${name}' is not set up: run \`kbench setup python\``;
}

/** The Python that creates the environments: KBENCH_PYTHON, else python3 on PATH (3.8 or newer, with venv). */
export function basePython(): { python: string; version: string } {
  const python = process.env.KBENCH_PYTHON || 'python3';
  const r = spawnSync(python, ['-c', 'import sys, venv, ensurepip; print(sys.version.split()[0])'], { encoding: 'utf8', timeout: 60_000 });
  const version = r.stdout?.trim();
  if (r.error) throw new EnvironmentError(`cannot run '${python}' (set KBENCH_PYTHON to a Python 3.8+): ${r.error.message}`);
  if (r.status !== 0 || !version) {
    const why = (r.stderr ?? '').trim().split('\n').at(-1) ?? `exit code ${r.status}`;
    throw new EnvironmentError(`'${python}' cannot create virtual environments (${why}); on Debian: apt-get install python3-venv`);
  }
  const [maj, min] = version.split('.').map(Number) as [number, number];
  if (maj < 3 || (maj === 3 && min < 8)) throw new EnvironmentError(`'${python}' is Python ${version}; the Python drivers need 3.8 or newer (set KBENCH_PYTHON)`);
  return { python, version };
}

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const p = spawnSupervised(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  p.child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  p.child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const { code } = await p.done;
  return { code, output };
}

function pipFailure(env: string, file: string, output: string, code: number | null): EnvironmentError {
  const lines = output.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  const first = lines.find((l) => /^ERROR:|error:/.test(l.trim())) ?? lines.at(-1) ?? `exit code ${code}`;
  return new EnvironmentError(`pip failed to install drivers/python/${file} into the '${env}' environment (exit code ${code}): ${first.trim()}\n${lines.slice(-15).join('\n')}`);
}

/**
 * What pykafka's setup.py did with its C extension (it falls back to pure Python on a compiler error
 * and says so), and whether the result imports: the compiler's or the loader's error line otherwise.
 */
async function extensionState(python: string, pipOutput: string, env: NodeJS.ProcessEnv): Promise<ExtensionState> {
  const { prefix, version } = librdkafkaPrefix();
  if (!prefix) return { ok: false, error: 'kbench’s librdkafka is not built (.kbench/build-info.json has none: run npm install)' };
  if (/Failed to build rdkafka extension/.test(pipOutput)) {
    const errorLine = pipOutput.split('\n').map((l) => l.trim()).find((l) => /\berror:|undefined reference/.test(l));
    return { ok: false, ...(version ? { librdkafka: version } : {}), error: `it did not compile against librdkafka ${version}: ${errorLine ?? 'see the pip output of kbench setup python'}` };
  }
  const r = await run(python, ['-c', 'from pykafka.rdkafka import _rd_kafka; print("ok")'], env);
  if (r.code !== 0 || !/ok/.test(r.output)) {
    const line = r.output.trim().split('\n').at(-1) ?? `exit code ${r.code}`;
    return { ok: false, ...(version ? { librdkafka: version } : {}), error: `it built but does not load: ${line}` };
  }
  return { ok: true, ...(version ? { librdkafka: version } : {}) };
}

/**
 * An environment whose C extension links another kbench checkout's librdkafka, which still exists:
 * that checkout still uses it (two checkouts share one cache), so it is not ours to remove.
 */
function builtForAnotherCheckout(dir: string): boolean {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as PythonEnvMarker;
    const mine = librdkafkaPrefix().prefix;
    return m.librdkafkaPrefix !== undefined && m.librdkafkaPrefix !== mine && fs.existsSync(m.librdkafkaPrefix);
  } catch {
    return false;
  }
}

/** Removes this environment's older builds and abandoned temporary directories. */
function removeOthers(name: PythonEnvName, keep: string): void {
  for (const e of fs.readdirSync(pythonRoot())) {
    const full = path.join(pythonRoot(), e);
    if (full === keep) continue;
    if (builtForAnotherCheckout(full)) continue;
    const tmp = new RegExp(`^\\.${name.replace(/\./g, '\\.')}-.+\\.tmp-(\\d+)-`).exec(e);
    if (envDirPattern(name).test(e) || (tmp && !pidAlive(Number(tmp[1])))) fs.rmSync(full, { recursive: true, force: true });
  }
}

/** Creates one environment (unless it is up to date and not forced). */
export async function buildPythonEnv(name: PythonEnvName, log: (line: string) => void, force = false): Promise<PythonEnv> {
  const existing = pythonEnv(name);
  if (existing && !force) {
    log(`${name}: up to date (${existing.dir})`);
    return existing;
  }
  const spec = envSpec(name);
  const base = basePython();
  const t0 = performance.now();
  const hash = pythonEnvHash(name);
  const dir = pythonEnvDir(name, hash);
  fs.mkdirSync(pythonRoot(), { recursive: true });
  const tmp = path.join(pythonRoot(), `.${name}-${hash}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', ...(spec.env?.() ?? {}) };
  try {
    log(`${name}: creating a virtual environment with ${base.python} (Python ${base.version})`);
    const v = await run(base.python, ['-m', 'venv', tmp], env);
    if (v.code !== 0) throw new EnvironmentError(`'${base.python} -m venv' failed (exit code ${v.code}): ${v.output.trim().split('\n').slice(-3).join(' | ')}`);
    const py = venvPython(tmp);
    let lastOutput = '';
    for (const step of spec.steps) {
      log(`${name}: pip install -r drivers/python/${step.file}`);
      const r = await run(py, ['-m', 'pip', 'install', '--require-hashes', ...step.args, '-r', path.join(pythonDriverDir, step.file)], env);
      fs.appendFileSync(path.join(tmp, 'kbench-setup.log'), `$ pip install -r ${step.file}\n${r.output}\n`);
      if (r.code !== 0) throw pipFailure(name, step.file, r.output, r.code);
      lastOutput = r.output;
    }
    const versions = await run(py, ['-c', `import json, importlib.metadata as m; print(json.dumps({p: m.version(p) for p in ${JSON.stringify(spec.packages)}}))`], env);
    const packages = JSON.parse(versions.output.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
    // In place before the marker is written (the environment is not visible until then).
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    const marker: PythonEnvMarker = { env: name, hash, python: base.version, packages, builtAt: new Date().toISOString(), buildMs: 0 };
    if (name === 'pykafka') {
      const prefix = librdkafkaPrefix().prefix;
      if (prefix) marker.librdkafkaPrefix = prefix;
      marker.extension = await extensionState(venvPython(dir), lastOutput, env);
      log(`pykafka: C extension ${marker.extension.ok ? `built against librdkafka ${marker.extension.librdkafka}` : `NOT usable: ${marker.extension.error}`}`);
    }
    marker.buildMs = Math.round(performance.now() - t0);
    fs.writeFileSync(path.join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    removeOthers(name, dir);
    log(`${name}: ready in ${(marker.buildMs / 1000).toFixed(1)} s (${Object.entries(packages).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    return { dir, python: venvPython(dir), marker };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export const PYTHON_ENVS: readonly PythonEnvName[] = ENVS.map((e) => e.name);

export const target: SetupTarget = {
  name: 'python',
  summary: 'the Python drivers: one virtual environment per drivers/python/requirements-*.txt in the kbench cache',
  async run(log, opts) {
    const failures: string[] = [];
    for (const name of PYTHON_ENVS) {
      try {
        await buildPythonEnv(name, log, opts.force);
      } catch (err) {
        // One broken environment must not keep the others from being made.
        failures.push(err instanceof Error ? err.message : String(err));
        log(`${name}: FAILED`);
      }
    }
    if (failures.length) throw new EnvironmentError(failures.join('\n'));
  },
  async status() {
    return PYTHON_ENVS.map((name) => {
      const e = pythonEnv(name);
      if (!e) return `${name}: not set up`;
      const ext = e.marker.extension ? `, C extension ${e.marker.extension.ok ? 'ok' : 'NOT usable'}` : '';
      return `${name}: ${Object.entries(e.marker.packages).slice(0, 1).map(([k, v]) => `${k} ${v}`).join('')}${ext}`;
    }).join('; ');
  },
};
