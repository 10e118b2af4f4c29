// `kbench broker start|status|stop|fetch`: a local Kafka that outlives one command. `start` spawns a
// detached supervisor (the hidden `kbench broker serve`) that owns the JVMs, so they die with it, and
// records it in <cache>/broker/state.json; `stop` ends the supervisor and waits until no JVM is left.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { startBroker, type BrokerHandle } from '../broker/cluster.js';
import { describeCluster, type ClusterInfo } from '../broker/admin.js';
import { cpuAffinityPrefix, formatCpuList, parseCpuList } from '../util/cpus.js';
import { DEFAULT_STORAGE, STORAGE_REQUESTS, TMPFS_MIN_FREE_BYTES, TMPFS_ROOT, parseStorage, type BrokerStorage } from '../broker/storage.js';
import { cachedKafkaJars, resolveKafkaJars } from '../broker/jars.js';
import { MIN_JAVA_MAJOR, preflight } from '../broker/preflight.js';
import { processesMentioning, waitForExit, waitForNoProcesses } from '../broker/procs.js';
import {
  claimBrokerState,
  liveBrokerState,
  removeBrokerCredentials,
  removeBrokerState,
  supervisorLogPath,
  writeBrokerCredentials,
  writeBrokerState,
  type BrokerState,
} from '../broker/state.js';
import { DEFAULT_SASL_USERNAME, brokerUser, generatePassword, validateBrokerUser, type BrokerListener, type SaslUser } from '../broker/security.js';
import { registerSecret } from '../util/redact.js';
import { ENV_PASSWORD, ENV_USERNAME, resolveCredentials } from './secrets.js';
import { DEFAULT_HEAP, DEFAULT_KAFKA_VERSION, KAFKA_VERSION_ALIASES, MAX_NODES, parseHeap, parseKafkaVersion, parseNodes } from '../broker/versions.js';
import { projectRoot } from '../paths.js';
import { EnvironmentError, UsageError, errorMessage } from '../util/errors.js';

interface StartOptions {
  nodes: string;
  kafkaVersion: string;
  heap: string;
  runRoot: string;
  keep?: boolean;
  json?: boolean;
  sasl?: boolean;
  tls?: boolean;
  secretsFile?: string;
  storage: string;
  cpus?: string;
}

/** Messages from the supervisor to the `start` command that launched it (over the IPC channel). */
type ServeMessage =
  | { type: 'progress'; message: string }
  | { type: 'ready'; state: BrokerState }
  | { type: 'error'; message: string; exitCode: number };

const SUPERVISOR_STOP_TIMEOUT_MS = 30_000;
const kbenchBin = path.join(projectRoot, 'bin', 'kbench.js');

function seconds(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`;
}

function alreadyRunning(s: BrokerState): string {
  const where = s.bootstrap ? ` at ${s.bootstrap}` : ' (still starting)';
  return `a kbench broker is already running${where}: Kafka ${s.kafkaVersion}, ${s.nodeCount} node(s), supervisor pid ${s.pid}. ` +
    'Use it, or stop it first with `kbench broker stop`.';
}

function addBrokerOptions(cmd: Command): Command {
  return cmd
    .option('--nodes <n>', `number of KRaft nodes, 1-${MAX_NODES} (3 makes replication factor 3 and acks=all meaningful)`, '1')
    .option('--kafka-version <version>', `Kafka version X.Y.Z (3.7+ or 4.x), or ${Object.keys(KAFKA_VERSION_ALIASES).join(' / ')}`, DEFAULT_KAFKA_VERSION)
    .option('--heap <size>', 'JVM heap per node, e.g. 512m or 2g', DEFAULT_HEAP)
    .option('--run-root <dir>', 'where the run directory (data, server.log) is created', os.tmpdir())
    .option('--keep', 'keep the run directory after the broker stops')
    .option('--sasl', 'a SASL listener (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) with one user: ' +
      `${ENV_USERNAME} / ${ENV_PASSWORD} or --secrets-file, else ${DEFAULT_SASL_USERNAME} with a generated password`)
    .option('--tls', 'a TLS listener (SASL_SSL too with --sasl) with a certificate for 127.0.0.1 / localhost made by keytool')
    .option('--storage <kind>', `where the brokers keep their data: ${STORAGE_REQUESTS.join(' | ')}; tmpfs is memory (${TMPFS_ROOT}), ` +
      `disk the run directory, auto tmpfs when ${TMPFS_ROOT} is a tmpfs with ${TMPFS_MIN_FREE_BYTES / 1024 ** 3} GiB free, else disk`, DEFAULT_STORAGE)
    .option('--cpus <list>', 'pin the broker JVMs to these CPUs (taskset -c), e.g. 0, 0,1 or 0-1 (default: all CPUs)');
}

function storageLine(s: BrokerStorage): string {
  return `${s.kind} ${s.path}${s.reason ? ` (${s.reason})` : ''}`;
}

function listenerLine(l: BrokerListener): string {
  const mech = l.saslMechanisms.length ? ` (${l.saslMechanisms.map((m) => m.toUpperCase()).join(', ')})` : '';
  return `${l.securityProtocol.padEnd(14)} ${l.bootstrap}${mech}${l.internal ? '  inter-broker, unauthenticated' : ''}`;
}

/** The `kbench run` command line for a secured broker (the password stays in the credentials file). */
function runHint(s: BrokerState): string | undefined {
  if (!s.sasl && !s.caFile) return undefined;
  const parts = ['kbench run --brokers', s.bootstrap ?? '?'];
  if (s.sasl) parts.push('--sasl-mechanism scram-sha-512 --sasl-username', s.sasl.username, '--secrets-file', s.sasl.credentialsFile);
  if (s.caFile) parts.push('--tls-ca', s.caFile);
  return parts.join(' ');
}

function printState(s: BrokerState, cluster: ClusterInfo | undefined): void {
  const up = new Set(cluster?.brokers.map((b) => b.nodeId));
  const lines = [
    `Kafka ${s.kafkaVersion} running: ${s.nodeCount} node${s.nodeCount > 1 ? 's' : ''}, heap ${s.heap} each`,
    `  bootstrap   ${s.bootstrap ?? '(not ready)'}`,
    ...(s.nodes ?? []).map((n) => `  node ${n.id}      ${n.host}:${n.port}  pid ${n.pid ?? '?'}${cluster ? (up.has(n.id) ? '  up' : '  DOWN') : ''}`),
    ...(s.listeners && s.listeners.length > 1 ? ['  listeners', ...s.listeners.map((l) => `    ${listenerLine(l)}`)] : []),
    ...(s.sasl ? [`  SASL user   ${s.sasl.username}; password in ${s.sasl.credentialsFile} (mode 0600)`] : []),
    ...(s.caFile ? [`  CA (PEM)    ${s.caFile}`] : []),
    `  started     ${s.startedAt} (start-up ${seconds(s.startupMs)})`,
    `  supervisor  pid ${s.pid}, log ${s.logFile}`,
    `  run dir     ${s.runDir ?? '?'}`,
    ...(s.storage ? [`  storage     ${storageLine(s.storage)}`] : []),
    `  cpus        ${s.cpus ? formatCpuList(s.cpus) : 'all (no placement)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function startAction(opts: StartOptions): Promise<void> {
  // Validate here too, so a typo fails at once with exit code 2 and nothing is spawned.
  const nodes = parseNodes(opts.nodes);
  const version = parseKafkaVersion(opts.kafkaVersion);
  const heap = parseHeap(opts.heap);
  const storage = parseStorage(opts.storage);
  const cpus = opts.cpus === undefined ? undefined : parseCpuList(opts.cpus);
  // Fails here (exit 1) rather than in the background when taskset is missing.
  if (cpus) cpuAffinityPrefix(cpus);
  if (opts.secretsFile && !opts.sasl) throw new UsageError('--secrets-file needs --sasl');
  const existing = liveBrokerState();
  if (existing) throw new EnvironmentError(alreadyRunning(existing));
  const user = opts.sasl ? startUser(opts) : undefined;

  const logFile = supervisorLogPath();
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = fs.openSync(logFile, 'a');
  fs.writeSync(logFd, `\n=== kbench broker start ${new Date().toISOString()} ===\n`);
  const args = [kbenchBin, 'broker', 'serve', '--nodes', String(nodes), '--kafka-version', version.version, '--heap', heap, '--run-root', path.resolve(opts.runRoot)];
  args.push('--storage', storage);
  if (cpus) args.push('--cpus', formatCpuList(cpus));
  if (opts.keep) args.push('--keep');
  if (opts.tls) args.push('--tls');
  // The supervisor gets the SASL user through its environment, never its arguments (`ps` shows those).
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[ENV_USERNAME];
  delete env[ENV_PASSWORD];
  if (user) {
    args.push('--sasl');
    env[ENV_USERNAME] = user.username;
    env[ENV_PASSWORD] = user.password;
  }
  // Detached: its own session, so the broker survives this command and the terminal it ran in.
  const child = spawn(process.execPath, args, { detached: true, env, stdio: ['ignore', logFd, logFd, 'ipc'] });
  fs.closeSync(logFd);
  if (!opts.json) process.stderr.write(`starting Kafka ${version.version} (${nodes} node${nodes > 1 ? 's' : ''}) in the background...\n`);

  // Ctrl-C while waiting: take the half-started broker down with us rather than leave it behind.
  const onInterrupt = (): void => {
    child.kill('SIGTERM');
    void waitForExit(child.pid!, SUPERVISOR_STOP_TIMEOUT_MS).finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    const state = await new Promise<BrokerState>((resolve, reject) => {
      let failure: { message: string; exitCode: number } | undefined;
      child.on('message', (m: ServeMessage) => {
        if (m.type === 'progress') {
          if (!opts.json) process.stderr.write(`  ${m.message}\n`);
        } else if (m.type === 'ready') {
          resolve(m.state);
        } else {
          failure = m;
        }
      });
      child.once('exit', (code, signal) => {
        if (failure) {
          reject(failure.exitCode === 2 ? new UsageError(failure.message) : new EnvironmentError(failure.message));
          return;
        }
        const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-20).join('\n');
        reject(new EnvironmentError(`the broker supervisor exited before the broker was ready (${signal ?? `exit code ${code}`}); ${logFile}:\n${tail}`));
      });
    });
    if (child.connected) child.disconnect();
    child.unref();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    } else {
      const main = state.listeners?.[0];
      const lines = [
        `Kafka ${state.kafkaVersion} ready in ${seconds(state.startupMs)}`,
        `bootstrap: ${state.bootstrap}${main && main.securityProtocol !== 'PLAINTEXT' ? `  ${main.securityProtocol}${main.saslMechanisms.length ? ` (${main.saslMechanisms.map((m) => m.toUpperCase()).join(', ')})` : ''}` : ''}`,
        ...(state.listeners && state.listeners.length > 1 ? ['listeners:', ...state.listeners.map((l) => `  ${listenerLine(l)}`)] : []),
        ...(state.sasl ? [`SASL user: ${state.sasl.username}; the password is in ${state.sasl.credentialsFile} (mode 0600)`] : []),
        ...(state.caFile ? [`CA certificate (PEM): ${state.caFile}`] : []),
        ...(state.storage ? [`data: ${storageLine(state.storage)}`] : []),
        ...(state.cpus ? [`broker CPUs: ${formatCpuList(state.cpus)}`] : []),
      ];
      const hint = runHint(state);
      if (hint) lines.push(`benchmark it: ${hint}`);
      lines.push('status: kbench broker status    stop: kbench broker stop');
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The SASL user `broker start --sasl` creates: the environment or --secrets-file, else kbench and a generated password. */
function startUser(opts: StartOptions): SaslUser {
  const creds = resolveCredentials({ ...(opts.secretsFile ? { secretsFile: opts.secretsFile } : {}) });
  for (const w of creds.warnings) process.stderr.write(`warning: ${w}\n`);
  const user = { username: creds.username || DEFAULT_SASL_USERNAME, password: creds.password || generatePassword() };
  validateBrokerUser(user, creds.passwordSource ?? 'the SASL credentials');
  registerSecret(user.password);
  return user;
}

/** The hidden supervisor: starts the cluster, records it, and stops it on SIGTERM/SIGINT. */
async function serveAction(opts: StartOptions): Promise<void> {
  const send = (m: ServeMessage): void => {
    if (process.send && process.connected) process.send(m);
  };
  const log = (message: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${message}\n`);
    send({ type: 'progress', message });
  };
  let handle: BrokerHandle | undefined;
  try {
    const nodeCount = parseNodes(opts.nodes);
    const version = parseKafkaVersion(opts.kafkaVersion);
    const heap = parseHeap(opts.heap);
    const storage = parseStorage(opts.storage);
    const cpus = opts.cpus === undefined ? undefined : parseCpuList(opts.cpus);
    const base: BrokerState = {
      format: 'kbench.broker-state/1',
      status: 'starting',
      pid: process.pid,
      kafkaVersion: version.version,
      nodeCount,
      heap,
      startedAt: new Date().toISOString(),
      logFile: supervisorLogPath(),
    };
    // The SASL user comes from `start` through the environment; it goes no further (not to the JVMs).
    let user: SaslUser | undefined;
    if (opts.sasl) {
      user = brokerUser({ ...(process.env[ENV_USERNAME] ? { username: process.env[ENV_USERNAME] } : {}), ...(process.env[ENV_PASSWORD] ? { password: process.env[ENV_PASSWORD] } : {}) });
      registerSecret(user.password);
    }
    delete process.env[ENV_USERNAME];
    delete process.env[ENV_PASSWORD];
    const existing = claimBrokerState(base);
    if (existing) throw new EnvironmentError(alreadyRunning(existing));
    process.on('exit', () => {
      removeBrokerState(process.pid);
      if (ownsCredentials) removeBrokerCredentials();
    });

    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping the broker`);
      if (!handle) process.exit(143); // still starting: the broker library's exit hook kills what it started
      void handle.stop().then(
        () => {
          log('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log(`stop failed: ${errorMessage(err)}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onSignal);

    handle = await startBroker({
      nodes: nodeCount,
      kafkaVersion: version.version,
      heap,
      keepDir: opts.keep === true,
      runRoot: opts.runRoot,
      handleSignals: false,
      storage,
      ...(cpus ? { cpus } : {}),
      ...(user ? { sasl: user } : {}),
      ...(opts.tls ? { tls: true } : {}),
      log,
    });
    const main = handle.listeners[0];
    let credentialsFile: string | undefined;
    if (user && main) {
      credentialsFile = writeBrokerCredentials({
        format: 'kbench.broker-credentials/1',
        username: user.username,
        password: user.password,
        mechanisms: [...main.saslMechanisms],
        bootstrap: handle.bootstrap,
        securityProtocol: main.securityProtocol,
        ...(handle.caFile ? { caFile: handle.caFile } : {}),
      });
      ownsCredentials = true;
    }
    const ready: BrokerState = {
      ...base,
      status: 'ready',
      bootstrap: handle.bootstrap,
      clusterId: handle.clusterId,
      runDir: handle.runDir,
      startupMs: Math.round(handle.startupMs),
      nodes: handle.nodes.map((n) => ({ id: n.id, host: n.host, port: n.port, pid: n.pid })),
      ...(opts.sasl || opts.tls ? { listeners: [...handle.listeners] } : {}),
      ...(user && credentialsFile ? { sasl: { username: user.username, mechanisms: [...(main?.saslMechanisms ?? [])], credentialsFile } } : {}),
      ...(handle.caFile ? { caFile: handle.caFile } : {}),
      storage: handle.storage,
      ...(handle.cpus ? { cpus: [...handle.cpus] } : {}),
      dataDirs: [...handle.dataDirs],
    };
    writeBrokerState(ready);
    send({ type: 'ready', state: ready });
    if (process.connected) process.disconnect();
    // Nothing else holds the event loop (the JVM handles are unref'd): stay until a signal arrives.
    setInterval(() => undefined, 1 << 30);
  } catch (err) {
    const exitCode = err instanceof UsageError ? 2 : 1;
    send({ type: 'error', message: errorMessage(err), exitCode });
    throw err;
  }
}

/** True once this supervisor has written the credentials file (so its exit removes it). */
let ownsCredentials = false;

async function statusAction(opts: { json?: boolean }): Promise<void> {
  const s = liveBrokerState();
  if (!s) {
    process.stdout.write(opts.json ? `${JSON.stringify({ running: false }, null, 2)}\n` : 'not running\n');
    process.exitCode = 1;
    return;
  }
  let cluster: ClusterInfo | undefined;
  let problem: string | undefined;
  if (s.status === 'ready' && s.bootstrap) {
    try {
      // A secured broker is asked on its unauthenticated inter-broker listener (no password needed here).
      const probe = s.listeners?.find((l) => l.internal)?.bootstrap ?? s.bootstrap;
      cluster = await describeCluster({ brokers: probe.split(',') }, { retries: 0, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 });
    } catch (err) {
      problem = `no metadata answer from ${s.bootstrap}: ${errorMessage(err)}`;
    }
  } else {
    problem = `still starting (see ${s.logFile})`;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ running: problem === undefined, ...s, cluster, problem }, null, 2)}\n`);
  } else {
    printState(s, cluster);
    if (problem) process.stdout.write(`  problem     ${problem}\n`);
  }
  if (problem) process.exitCode = 1;
}

async function stopAction(): Promise<void> {
  const s = liveBrokerState();
  if (!s) {
    process.stdout.write('not running\n');
    return;
  }
  const t0 = performance.now();
  try {
    process.kill(s.pid, 'SIGTERM');
  } catch {
    // exited meanwhile
  }
  if (!(await waitForExit(s.pid, SUPERVISOR_STOP_TIMEOUT_MS))) {
    // The supervisor is stuck; killing it kills its JVMs too (kbench-exec's parent-death signal).
    process.kill(s.pid, 'SIGKILL');
    await waitForExit(s.pid, 5000);
  }
  if (s.runDir) {
    const mark = `${s.runDir}${path.sep}`;
    if (!(await waitForNoProcesses(mark, 10_000))) {
      for (const p of processesMentioning(mark)) process.kill(p.pid, 'SIGKILL');
      if (!(await waitForNoProcesses(mark, 5000))) {
        throw new EnvironmentError(`processes of the broker in ${s.runDir} are still running: ${processesMentioning(mark).map((p) => p.pid).join(', ')}`);
      }
    }
  }
  removeBrokerState(s.pid);
  if (s.sasl) removeBrokerCredentials();
  const kept = s.runDir && fs.existsSync(s.runDir) ? ` (run directory kept: ${s.runDir})` : '';
  process.stdout.write(`stopped Kafka ${s.kafkaVersion}${s.bootstrap ? ` at ${s.bootstrap}` : ''} in ${seconds(performance.now() - t0)}${kept}\n`);
}

async function fetchAction(opts: { kafkaVersion: string }): Promise<void> {
  const version = parseKafkaVersion(opts.kafkaVersion);
  const cached = cachedKafkaJars(version);
  if (cached) {
    process.stdout.write(`Kafka ${version.version}: ${cached.jarCount} jars already in ${cached.libsDir}\n`);
    return;
  }
  const tools = preflight({ needMaven: true });
  const jars = await resolveKafkaJars(version, { mvn: tools.mvn!, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`Kafka ${version.version}: ${jars.jarCount} jars resolved into ${jars.libsDir} in ${seconds(jars.resolveMs)}\n`);
}

export function registerBroker(program: Command): void {
  const broker = program
    .command('broker')
    .description('a local Kafka broker (KRaft, from Maven Central) for kbench runs and your own tests')
    .addHelpText(
      'after',
      `
Examples:
  kbench broker start                      one node, Kafka ${DEFAULT_KAFKA_VERSION}
  kbench broker start --nodes 3 --kafka-version 4
  kbench broker start --sasl --tls         SASL_SSL (SCRAM-SHA-512/256, PLAIN); password in <cache>/broker/credentials.json
  kbench broker start --storage tmpfs --cpus 0   data in memory, the broker on CPU 0 (the client gets the others)
  kbench broker status --json
  kbench broker stop
  kbench broker fetch --kafka-version 4    download the jars only (e.g. in CI)

Needs Java ${MIN_JAVA_MAJOR}+, and Maven the first time a Kafka version is used. Jars are cached
under $KBENCH_CACHE (default ~/.cache/kbench); to use a cluster you already run, pass
--brokers host:port to the commands that talk to Kafka instead.`,
    );

  addBrokerOptions(broker.command('start').description('start a broker in the background; prints its bootstrap address'))
    .option('--secrets-file <file>', `with --sasl: a JSON ({"username", "password"}) or key=value file with the user to create (0600 recommended)`)
    .option('--json', 'print the broker record as JSON (never the password)')
    .action(startAction);

  addBrokerOptions(broker.command('serve', { hidden: true }).description('run a broker in the foreground (used by start)'))
    .action(serveAction);

  broker
    .command('status')
    .description('show the running broker (exit code 1 when none is running or it does not answer)')
    .option('--json', 'print as JSON')
    .action(statusAction);

  broker.command('stop').description('stop the running broker and wait until its JVMs are gone').action(stopAction);

  broker
    .command('fetch')
    .description('resolve the broker jars from Maven Central into the cache, without starting anything')
    .option('--kafka-version <version>', `Kafka version X.Y.Z, or ${Object.keys(KAFKA_VERSION_ALIASES).join(' / ')}`, DEFAULT_KAFKA_VERSION)
    .action(fetchAction);

}
