// The embedded Kafka cluster: N KRaft nodes (each broker + controller) on 127.0.0.1, in a fresh run
// directory, each JVM started through kbench-exec so it dies with this process whatever happens.
// Ready means a real metadata round trip sees every node, never a sleep.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolPath } from '../paths.js';
import { EnvironmentError, UsageError, errorMessage } from '../util/errors.js';
import { spawnSupervised, type SupervisedChild } from '../util/proc.js';
import { describeCluster, type KafkaConnection } from './admin.js';
import { CONTROLLER_LISTENER, newClusterId, nodeProperties, renderProperties, type SecurityProtocol } from './config.js';
import {
  SASL_MECHANISMS,
  brokerUser,
  generateBrokerTls,
  saslListenerConfig,
  scramFormatArgs,
  securedListenerProtocols,
  tlsServerProperties,
  writeJavaArgFile,
  type BrokerListener,
  type BrokerTls,
  type SaslMechanism,
  type SaslUser,
} from './security.js';
import { cpuAffinityPrefix, formatCpuList, validateCpus } from '../util/cpus.js';
import { brokerTemplateDir, cachedKafkaJars, resolveKafkaJars, type KafkaJars } from './jars.js';
import { freePorts } from './ports.js';
import { preflight } from './preflight.js';
import { childPids, processesMentioning, processRunning, waitForNoProcesses } from './procs.js';
import { createStorage, nodeDataDir, parseStorage, removeAbandonedStorage, removeStorage, TMPFS_ROOT, type BrokerStorage, type StorageRequest } from './storage.js';
import { parseHeap, parseKafkaVersion, parseNodes, type KafkaVersionInfo } from './versions.js';

/** A client listener every node gets; its port is chosen at start. */
export interface ListenerTemplate {
  name: string;
  securityProtocol: SecurityProtocol;
  /** Per-listener broker settings (`listener.name.<name>.<key>`), e.g. a JAAS config or keystore. */
  config?: Readonly<Record<string, string>>;
}

export interface BrokerOptions {
  /** Number of KRaft nodes, 1–9 (default 1). */
  nodes?: number;
  /** Kafka version or alias (default DEFAULT_KAFKA_VERSION). */
  kafkaVersion?: string;
  /** JVM heap per node, e.g. '512m' (default '1g'). */
  heap?: string;
  /** Keep the run directory (data, server.log) after stop. */
  keepDir?: boolean;
  /** Progress messages (resolving jars, starting, ready). */
  log?: (message: string) => void;
  /** Where the run directory is created (default: the OS temp directory). */
  runRoot?: string;
  /** Client listeners (default: one PLAINTEXT). The first one is what `bootstrap` points at. */
  listeners?: readonly ListenerTemplate[];
  interBrokerListener?: string;
  /** Extra broker settings, applied over kbench's own (e.g. for SASL: sasl.enabled.mechanisms). */
  serverProperties?: Readonly<Record<string, string | number | boolean>>;
  /** Extra JVM flags for every node. */
  jvmArgs?: readonly string[];
  /**
   * A SASL listener (SASL_PLAINTEXT, and SASL_SSL with `tls`) accepting SCRAM-SHA-512, SCRAM-SHA-256 and
   * PLAIN for one user: `true` for the user `kbench` with a generated password, or the user to create.
   * Not combinable with `listeners`.
   */
  sasl?: boolean | Partial<SaslUser>;
  /** A TLS listener (SSL, and SASL_SSL with `sasl`) with a certificate made by keytool at start; see `caFile`. */
  tls?: boolean;
  /** Start-up limit, excluding the one-off jar download (default 90 s). */
  startTimeoutMs?: number;
  /** Stop the brokers on SIGINT/SIGTERM, then exit 130/143 (default true). */
  handleSignals?: boolean;
  /** Environment used to find java / mvn (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the nodes' data directories (log.dirs) live: 'tmpfs' in a fresh directory under /dev/shm
   * (memory: no disk in the measurement), 'disk' in the run directory, 'auto' (default) tmpfs when
   * /dev/shm is a tmpfs with TMPFS_MIN_FREE_BYTES free, else disk. 'tmpfs' that is unavailable fails.
   * The choice is `storage` on the handle. The run directory (server.log, settings) stays on disk.
   */
  storage?: StorageRequest;
  /** Where tmpfs data directories are made (default /dev/shm; tests point it elsewhere). */
  tmpfsRoot?: string;
  /**
   * CPUs every broker JVM may run on (`taskset -c`), e.g. [0] to keep the broker off the client's CPU.
   * Only the brokers, not Kafka tools started against them. Default: no placement (all CPUs).
   */
  cpus?: readonly number[];
}

export interface BrokerNode {
  /** KRaft node.id, equal to the node's index in `nodes`. */
  readonly id: number;
  readonly host: string;
  /** Port of the first client listener. */
  readonly port: number;
  /** Every listener's port, by listener name (CONTROLLER included). */
  readonly ports: Readonly<Record<string, number>>;
  /** The JVM's pid while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** This node's directory in the run directory (server.properties, server.log; data/ on disk storage). */
  readonly dir: string;
  readonly logFile: string;
  /** This node's Kafka data directory (log.dirs): under `storage.path`. */
  readonly dataDir: string;
}

export interface BrokerHandle {
  /** 'host:port,host:port' of the first client listener of every node. */
  readonly bootstrap: string;
  /**
   * The bootstrap as a kafkajs-shaped connection, with the SASL user (SCRAM-SHA-512) and the CA of a
   * secured broker: pass to createTopic() and friends.
   */
  readonly connection: KafkaConnection;
  /** Every client listener, the one `bootstrap` points at first. */
  readonly listeners: readonly BrokerListener[];
  /** The SASL user of a broker started with `sasl`. */
  readonly saslUser: SaslUser | undefined;
  /** The CA certificate (PEM file) of a broker started with `tls`; it lives in the run directory. */
  readonly caFile: string | undefined;
  /** A kafkajs-shaped connection to one listener (default: the first), SASL with `mechanism` (default SCRAM-SHA-512). */
  connectionFor(listener?: string, mechanism?: SaslMechanism): KafkaConnection;
  readonly kafkaVersion: string;
  readonly clusterId: string;
  readonly nodes: readonly BrokerNode[];
  /** Wall time from the first JVM launch to ready (jar resolution excluded). */
  readonly startupMs: number;
  /** Time spent resolving jars in this call (about 0 when they were cached). */
  readonly jarResolveMs: number;
  readonly runDir: string;
  /** Where the data directories are: tmpfs or disk, the directory, and why disk when it is. */
  readonly storage: BrokerStorage;
  /** Every node's data directory (log.dirs), by node id: what deleteTopicAndWait checks. */
  readonly dataDirs: readonly string[];
  /** The CPUs every broker JVM is pinned to, or undefined when they may run anywhere. */
  readonly cpus: readonly number[] | undefined;
  /** The JVM flags of every broker node (heap, GC, pre-touch, extra jvmArgs), for the record. */
  readonly jvmFlags: readonly string[];
  /** The java binary and class path (`<libs>/*`) of this Kafka version, for running Kafka's own tools
   *  (org.apache.kafka.tools.ProducerPerformance, ConsumerPerformance) against this cluster. */
  readonly java: string;
  readonly classpath: string;
  /** SIGTERM every node, SIGKILL after a grace period; removes the run directory unless keepDir. */
  stop(): Promise<void>;
  /** SIGKILL one node's JVM (a crash, for fault tests). */
  killNode(id: number): Promise<void>;
  /** Gracefully stop one node. */
  stopNode(id: number): Promise<void>;
  /** Start one node again (stopping it first if it runs) and wait until the cluster sees it. */
  restartNode(id: number): Promise<void>;
  /** SIGSTOP one node's JVM (a hung broker: connections stay open, nothing answers). */
  pauseNode(id: number): void;
  /** SIGCONT a paused node. */
  resumeNode(id: number): void;
}

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 10_000;
const DEFAULT_START_TIMEOUT_MS = 90_000;
/** How long restartNode waits for the controller to fence a dead node (its session timeout is 9 s). */
const FENCE_WAIT_MS = 20_000;
/** What a KRaft broker logs once the controller has unfenced it (Kafka 3.x and 4.x, BrokerLifecycleManager). */
export const UNFENCED_LINE = 'The broker has been unfenced';

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The text of `file` from byte `start(size)` to its end ('' when it does not exist). */
function readFrom(file: string, start: (size: number) => number): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const from = Math.max(0, Math.min(size, start(size)));
    const buf = Buffer.alloc(size - from);
    fs.readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The text of `file` after byte `from` (all of it when the file is shorter: it rolled over). */
export function logSince(file: string, from: number): string {
  return readFrom(file, (size) => (size < from ? 0 : from));
}
const MAX_START_ATTEMPTS = 3;
const BIND_FAILURE = /Address already in use|BindException/;

/** The last lines of a file (reads at most its last 64 KiB), or [] when it does not exist. */
function tailLines(file: string): string[] {
  return readFrom(file, (size) => size - 64 * 1024).split('\n').filter((l) => l.trim() !== '');
}

/**
 * What a person needs from a broker log after a failure: from the first ERROR/FATAL on (the cause and
 * its stack), else the last lines, without the multi-hundred-line KafkaConfig dump.
 */
export function logExcerpt(lines: readonly string[], max = 25): string {
  const useful = lines.filter((l) => !/^\t[\w.-]+ = /.test(l) && !/^ \(kafka\.server\.KafkaConfig\)$/.test(l));
  const firstError = useful.findIndex((l) => /^\[[^\]]+\] (ERROR|FATAL) /.test(l));
  return (firstError >= 0 ? useful.slice(firstError, firstError + max) : useful.slice(-max)).join('\n');
}

class NodeProcess implements BrokerNode {
  readonly host = HOST;
  readonly dir: string;
  readonly logFile: string;
  readonly outFile: string;
  readonly propsFile: string;
  readonly dataDir: string;
  ports: Record<string, number> = {};
  private proc: SupervisedChild | undefined;
  private wrapped = false;
  private jvmPid: number | undefined;
  /** Set by whoever ends the process on purpose, so the exit is not reported as a crash. */
  expectedExit = false;

  constructor(readonly id: number, runDir: string, private readonly firstListener: string, storage: BrokerStorage) {
    this.dir = path.join(runDir, `node-${id}`);
    this.logFile = path.join(this.dir, 'server.log');
    this.outFile = path.join(this.dir, 'jvm.out');
    this.propsFile = path.join(this.dir, 'server.properties');
    this.dataDir = nodeDataDir(storage, this.dir, id);
  }

  get port(): number {
    return this.ports[this.firstListener]!;
  }

  get running(): boolean {
    const c = this.proc?.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  get pid(): number | undefined {
    if (!this.running || !this.proc) return undefined;
    if (!this.wrapped) return this.proc.child.pid;
    // kbench-exec forks the JVM right away; its pid appears among the wrapper's children.
    this.jvmPid ??= childPids(this.proc.child.pid!)[0];
    return this.jvmPid;
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.proc ? this.proc.done : Promise.resolve({ code: null, signal: null });
  }

  /**
   * Starts the JVM (`command` is java, or taskset which execs java in the same process); `onCrash` hears
   * of an exit nobody asked for (during start-up the caller fails instead).
   */
  start(command: string, args: readonly string[], onCrash: (how: string) => void): void {
    const out = fs.openSync(this.outFile, 'a');
    try {
      this.wrapped = toolPath('kbench-exec') !== undefined;
      this.jvmPid = undefined;
      this.expectedExit = false;
      // stdout/stderr to a file, not a pipe: the JVM never blocks on us, and JVM-level errors
      // (bad heap size, missing class) are there for the failure report.
      this.proc = spawnSupervised(command, args, { stdio: ['ignore', out, out], cwd: this.dir });
      // A forgotten broker must not keep the process alive: 'beforeExit' stops it instead.
      this.proc.child.unref();
      void this.proc.done.then((r) => {
        if (!this.expectedExit) onCrash(r.signal ? `signal ${r.signal}` : `exit code ${r.code}`);
      });
    } finally {
      fs.closeSync(out);
    }
  }

  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.proc) return;
    this.expectedExit = true;
    // While someone waits for the exit, the child must hold the event loop (it is unref'd otherwise).
    this.proc.child.ref();
    await this.proc.stop(graceMs);
  }

  async kill(): Promise<void> {
    if (!this.proc || !this.running) return;
    this.expectedExit = true;
    this.proc.child.ref();
    this.killNow();
    await this.proc.done;
  }

  /** Synchronous SIGKILL (usable from an 'exit' handler). The wrapper dies too; pdeathsig covers a race. */
  killNow(): void {
    if (!this.running) return;
    this.expectedExit = true;
    const jvm = this.pid;
    try {
      if (jvm !== undefined) process.kill(jvm, 'SIGKILL');
    } catch {
      // already gone
    }
    this.proc?.child.kill('SIGKILL');
  }

  failureReport(): string {
    const parts: string[] = [];
    const out = tailLines(this.outFile).slice(-15).join('\n');
    if (out) parts.push(`--- ${this.outFile} ---\n${out}`);
    const log = logExcerpt(tailLines(this.logFile));
    parts.push(log ? `--- ${this.logFile} ---\n${log}` : `(${this.logFile} is empty or missing)`);
    return parts.join('\n');
  }
}

// Every cluster this process started and has not stopped: stopped on beforeExit and signals, killed on exit.
const live = new Set<EmbeddedCluster>();
let signalsHandled = false;
let exitHooksInstalled = false;
let stoppingOnSignal = false;

function onExit(): void {
  for (const c of live) c.killNow();
}

function onBeforeExit(): void {
  if (live.size > 0) void Promise.allSettled([...live].map((c) => c.stop()));
}

function onSignal(signal: NodeJS.Signals): void {
  const code = 128 + (os.constants.signals[signal] ?? 15);
  if (stoppingOnSignal) {
    // Second Ctrl-C: do not wait for a graceful shutdown.
    onExit();
    process.exit(code);
  }
  stoppingOnSignal = true;
  void Promise.allSettled([...live].map((c) => c.stop())).finally(() => process.exit(code));
}

function updateHooks(): void {
  if (!exitHooksInstalled) {
    process.on('exit', onExit);
    process.on('beforeExit', onBeforeExit);
    exitHooksInstalled = true;
  }
  const want = [...live].some((c) => c.handleSignals);
  if (want && !signalsHandled) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    signalsHandled = true;
  } else if (!want && signalsHandled) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signalsHandled = false;
  }
}

/** The SASL user and TLS material of a secured cluster. */
interface ClusterSecurity {
  user?: SaslUser;
  tls?: BrokerTls;
  /** The CA certificate's PEM text, for kafkajs-shaped connections. */
  caPem?: string;
  /** True when kbench added the PLAINTEXT inter-broker listener itself. */
  internalListener?: boolean;
}

/** Listeners and settings of a broker started with `sasl` / `tls` (the TLS material is made by the caller). */
function securedLayout(user: SaslUser | undefined, tls: BrokerTls | undefined): { listeners: ListenerTemplate[]; serverProperties: Record<string, string> } {
  const listeners = securedListenerProtocols(user !== undefined, tls !== undefined).map((p): ListenerTemplate => ({
    name: p,
    securityProtocol: p,
    ...(p.startsWith('SASL_') && user ? { config: saslListenerConfig(user) } : {}),
  }));
  const serverProperties: Record<string, string> = tls ? tlsServerProperties(tls) : {};
  if (user) serverProperties['sasl.enabled.mechanisms'] = SASL_MECHANISMS.map((m) => m.toUpperCase()).join(',');
  return { listeners, serverProperties };
}

interface StartContext {
  version: KafkaVersionInfo;
  jars: KafkaJars;
  java: string;
  heap: string;
  log: (message: string) => void;
  storage: BrokerStorage;
  /** Validated, sorted CPUs, and the taskset prefix that applies them. */
  cpus?: { list: readonly number[]; prefix: { command: string; args: string[] } };
}

class EmbeddedCluster implements BrokerHandle {
  readonly nodes: NodeProcess[];
  readonly clusterId = newClusterId();
  startupMs = 0;
  jarResolveMs = 0;
  private stopping: Promise<void> | undefined;
  /** Nodes paused with pauseNode and not resumed yet (resumed before a stop). */
  private readonly paused = new Set<number>();

  constructor(
    readonly runDir: string,
    nodeCount: number,
    private readonly ctx: StartContext,
    private readonly listenerTemplates: readonly ListenerTemplate[],
    private readonly options: BrokerOptions,
    readonly handleSignals: boolean,
    private readonly security: ClusterSecurity = {},
  ) {
    this.nodes = Array.from({ length: nodeCount }, (_, id) => new NodeProcess(id, runDir, listenerTemplates[0]!.name, ctx.storage));
  }

  get storage(): BrokerStorage {
    return { ...this.ctx.storage };
  }

  get dataDirs(): string[] {
    return this.nodes.map((n) => n.dataDir);
  }

  get cpus(): number[] | undefined {
    return this.ctx.cpus ? [...this.ctx.cpus.list] : undefined;
  }

  get kafkaVersion(): string {
    return this.ctx.version.version;
  }

  get java(): string {
    return this.ctx.java;
  }

  get classpath(): string {
    return this.ctx.jars.classpath;
  }

  get bootstrap(): string {
    return this.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  }

  get connection(): KafkaConnection {
    return this.connectionFor();
  }

  get listeners(): BrokerListener[] {
    return this.listenerTemplates.map((l) => ({
      name: l.name,
      securityProtocol: l.securityProtocol,
      bootstrap: this.nodes.map((n) => `${n.host}:${n.ports[l.name]}`).join(','),
      saslMechanisms: l.securityProtocol.startsWith('SASL_') && this.security.user ? [...SASL_MECHANISMS] : [],
      internal: l.name === this.options.interBrokerListener && this.security.internalListener === true,
    }));
  }

  get saslUser(): SaslUser | undefined {
    return this.security.user ? { ...this.security.user } : undefined;
  }

  get caFile(): string | undefined {
    return this.security.tls?.caFile;
  }

  connectionFor(listener?: string, mechanism: SaslMechanism = 'scram-sha-512'): KafkaConnection {
    const l = listener === undefined ? this.listenerTemplates[0]! : this.listenerTemplates.find((x) => x.name === listener);
    if (!l) throw new RangeError(`no listener ${listener} (listeners: ${this.listenerTemplates.map((x) => x.name).join(', ')})`);
    return this.securedConnection(l, this.nodes.map((n) => `${n.host}:${n.ports[l.name]}`), mechanism);
  }

  private securedConnection(l: ListenerTemplate, brokers: string[], mechanism: SaslMechanism): KafkaConnection {
    const out: KafkaConnection = { brokers };
    if ((l.securityProtocol === 'SSL' || l.securityProtocol === 'SASL_SSL') && this.security.caPem) out.ssl = { ca: [this.security.caPem] };
    if (l.securityProtocol.startsWith('SASL_') && this.security.user) {
      const { username, password } = this.security.user;
      out.sasl = { mechanism, username, password } as KafkaConnection['sasl'];
    }
    return out;
  }

  /** What the readiness probe asks one node on: the PLAINTEXT listener if there is one, else the first. */
  private probeConnection(n: NodeProcess): KafkaConnection {
    const l = this.listenerTemplates.find((x) => x.securityProtocol === 'PLAINTEXT') ?? this.listenerTemplates[0]!;
    return this.securedConnection(l, [`${n.host}:${n.ports[l.name]}`], 'scram-sha-512');
  }

  private node(id: number): NodeProcess {
    const n = this.nodes[id];
    if (!n) throw new RangeError(`no broker node ${id} (nodes are 0..${this.nodes.length - 1})`);
    return n;
  }

  /** Chooses ports, writes each node's server.properties and formats its storage. */
  async prepare(): Promise<void> {
    const perNode = this.listenerTemplates.length + 1;
    const ports = await freePorts(this.nodes.length * perNode, HOST);
    this.nodes.forEach((n, i) => {
      n.ports = {};
      this.listenerTemplates.forEach((l, j) => (n.ports[l.name] = ports[i * perNode + j]!));
      n.ports[CONTROLLER_LISTENER] = ports[i * perNode + this.listenerTemplates.length]!;
    });
    const voters = this.nodes.map((n) => ({ id: n.id, host: n.host, port: n.ports[CONTROLLER_LISTENER]! }));
    for (const n of this.nodes) {
      fs.rmSync(n.dir, { recursive: true, force: true });
      fs.mkdirSync(n.dir, { recursive: true });
      if (this.ctx.storage.kind === 'tmpfs') {
        // A retry after a port clash formats again, with a new cluster id: the old data must go.
        fs.rmSync(n.dataDir, { recursive: true, force: true });
        fs.mkdirSync(n.dataDir, { recursive: true });
        // So the run directory still shows where each node's data is.
        fs.symlinkSync(n.dataDir, path.join(n.dir, 'data'));
      }
      const props = nodeProperties({
        nodeId: n.id,
        host: n.host,
        listeners: this.listenerTemplates.map((l) => ({ ...l, port: n.ports[l.name]! })),
        ...(this.options.interBrokerListener ? { interBrokerListener: this.options.interBrokerListener } : {}),
        controllerPort: n.ports[CONTROLLER_LISTENER]!,
        voters,
        dataDir: n.dataDir,
        clusterSize: this.nodes.length,
        kafkaMajor: this.ctx.version.major,
        kafkaMinor: this.ctx.version.minor,
        ...(this.options.serverProperties ? { overrides: this.options.serverProperties } : {}),
      });
      // 0600: a secured broker's settings hold the PLAIN user's password and the keystore password.
      fs.writeFileSync(n.propsFile, renderProperties(props, `kbench embedded Kafka ${this.kafkaVersion}, node ${n.id} of ${this.nodes.length}`), { mode: 0o600 });
    }
    fs.writeFileSync(
      path.join(this.runDir, 'cluster.json'),
      `${JSON.stringify({
        clusterId: this.clusterId,
        kafkaVersion: this.kafkaVersion,
        storage: this.ctx.storage,
        ...(this.ctx.cpus ? { cpus: this.ctx.cpus.list } : {}),
        jvmFlags: this.jvmFlags,
        nodes: this.nodes.map((n) => ({ id: n.id, ports: n.ports, dataDir: n.dataDir })),
      }, null, 2)}\n`,
    );
    await Promise.all(this.nodes.map((n) => this.format(n)));
  }

  private loggingArgs(logDir: string): string[] {
    const conf = this.ctx.version.loggingProfile === 'log4j2'
      ? `-Dlog4j2.configurationFile=${path.join(brokerTemplateDir, 'log4j2.xml')}`
      : `-Dlog4j.configuration=file:${path.join(brokerTemplateDir, 'log4j.properties')}`;
    return [`-Dkafka.logs.dir=${logDir}`, conf];
  }

  private async format(node: NodeProcess): Promise<void> {
    // A short-lived tool: a small heap and the C1 compiler only start it faster.
    let args = [
      // Its own log directory, so server.log holds only the broker's story.
      // No hsperfdata file: it would repeat the arguments (SCRAM passwords) under /tmp while the tool runs.
      '-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.awt.headless=true', ...this.loggingArgs(path.join(node.dir, 'format')),
      '-cp', this.ctx.jars.classpath, 'kafka.tools.StorageTool', 'format', '-t', this.clusterId, '-c', node.propsFile,
      ...(this.security.user ? scramFormatArgs(this.security.user) : []),
    ];
    // The SCRAM users' passwords go through a 0600 argument file, never the process list.
    const argFile = this.security.user ? path.join(node.dir, 'format.args') : undefined;
    if (argFile) {
      writeJavaArgFile(argFile, args);
      args = [`@${argFile}`];
    }
    const p = spawnSupervised(this.ctx.java, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: node.dir });
    let output = '';
    p.child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    p.child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const r = await p.done;
    if (argFile) fs.rmSync(argFile, { force: true });
    if (this.security.user) output = output.split(this.security.user.password).join('***');
    if (r.code !== 0) {
      throw new EnvironmentError(
        `formatting the storage of Kafka node ${node.id} failed (exit code ${r.code ?? r.signal}):\n${output.trim()}\n${node.failureReport()}`,
      );
    }
  }

  /** kbench's own JVM flags for a broker node. */
  private get baseJvmFlags(): string[] {
    return [
      // Fixed heap, every page of it touched at start: the heap never grows (or page-faults in) under a benchmark.
      `-Xms${this.ctx.heap}`, `-Xmx${this.ctx.heap}`, '-XX:+AlwaysPreTouch',
      // The JVM flags of Kafka's own start script: short G1 pauses keep broker latency low.
      '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15', '-Djava.awt.headless=true',
      // A broker out of memory would otherwise limp on and stall the benchmark.
      '-XX:+ExitOnOutOfMemoryError',
    ];
  }

  get jvmFlags(): string[] {
    return [...this.baseJvmFlags, ...(this.options.jvmArgs ?? [])];
  }

  private serverArgs(node: NodeProcess): string[] {
    return [
      ...this.baseJvmFlags,
      ...this.loggingArgs(node.dir),
      ...(this.options.jvmArgs ?? []),
      '-cp', this.ctx.jars.classpath, 'kafka.Kafka', node.propsFile,
    ];
  }

  /**
   * Waits until every node in `ids` answers a metadata request listing all of `ids`.
   * Fails fast (NodeExitedError) when one of their JVMs exits, with its log tail.
   */
  private async waitReady(ids: readonly number[], timeoutMs: number, limitForMessageMs = timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let died: { node: NodeProcess; how: string } | undefined;
    let onDeath: () => void = () => undefined;
    const death = new Promise<void>((resolve) => (onDeath = resolve));
    for (const id of ids) {
      const n = this.node(id);
      void n.exited.then((r) => {
        if (n.expectedExit || died) return;
        died = { node: n, how: r.signal ? `signal ${r.signal}` : `exit code ${r.code}` };
        onDeath();
      });
    }
    let lastError = 'no answer yet';
    // Each node is asked itself: a restarted node must answer on its own port (the others may still
    // list its old registration), and on a fresh start every node must have caught up.
    const probeNode = async (id: number): Promise<boolean> => {
      const n = this.node(id);
      try {
        const info = await describeCluster(this.probeConnection(n), { retries: 0, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 });
        const seen = new Set(info.brokers.map((b) => b.nodeId));
        const missing = ids.filter((x) => !seen.has(x));
        if (missing.length === 0) return true;
        lastError = `node ${id} reports nodes [${[...seen].join(', ')}], waiting for [${missing.join(', ')}]`;
      } catch (err) {
        lastError = `node ${id}: ${errorMessage(err)}`;
      }
      return false;
    };
    while (!died) {
      const probe = Promise.all(ids.map(probeNode)).then((ok) => ok.every(Boolean));
      if (await Promise.race([probe, death.then(() => false)])) return;
      if (died) break;
      if (Date.now() > deadline) {
        throw new EnvironmentError(
          `Kafka did not become ready within ${Math.round(limitForMessageMs / 1000)} s (last probe: ${lastError}).\n` +
            ids.map((id) => this.node(id).failureReport()).join('\n'),
        );
      }
      await Promise.race([new Promise((r) => setTimeout(r, 250)), death]);
    }
    const d: { node: NodeProcess; how: string } = died;
    throw new NodeExitedError(d.node.id, d.how, d.node.failureReport());
  }

  /**
   * Waits until no other running node lists node `id` in its metadata (the controller fenced it).
   * Gives up silently after `timeoutMs`: readiness after the restart is still checked by waitReady.
   */
  private async waitFenced(id: number, timeoutMs: number): Promise<void> {
    const others = this.nodes.filter((x) => x.running && x.id !== id);
    const deadline = Date.now() + timeoutMs;
    while (others.length > 0 && Date.now() < deadline) {
      const listed = await Promise.all(
        others.map(async (o) => {
          try {
            const info = await describeCluster(this.probeConnection(o), { retries: 0, connectionTimeoutMs: 1000, requestTimeoutMs: 3000 });
            return info.brokers.some((b) => b.nodeId === id);
          } catch {
            return true;
          }
        }),
      );
      if (!listed.some(Boolean)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Starts every node and waits for the cluster, until `deadline` (the start-up limit is `limitMs`). */
  async launch(deadline: number, limitMs: number): Promise<void> {
    for (const n of this.nodes) this.startNode(n);
    await this.waitReady(this.nodes.map((n) => n.id), Math.max(1000, deadline - Date.now()), limitMs);
  }

  private startNode(n: NodeProcess): void {
    // taskset sets the affinity and execs java: the JVM and every thread it starts run on those CPUs.
    const affinity = this.ctx.cpus?.prefix;
    const command = affinity ? affinity.command : this.ctx.java;
    const args = affinity ? [...affinity.args, this.ctx.java, ...this.serverArgs(n)] : this.serverArgs(n);
    n.start(command, args, (how) => {
      if (live.has(this)) this.ctx.log(`Kafka node ${n.id} exited unexpectedly (${how}); see ${n.logFile}`);
    });
  }

  async killNode(id: number): Promise<void> {
    await this.node(id).kill();
  }

  pauseNode(id: number): void {
    this.signalJvm(id, 'SIGSTOP');
    this.paused.add(id);
  }

  resumeNode(id: number): void {
    this.signalJvm(id, 'SIGCONT');
    this.paused.delete(id);
  }

  private signalJvm(id: number, sig: 'SIGSTOP' | 'SIGCONT'): void {
    const n = this.node(id);
    if (!n.running || n.pid === undefined) throw new Error(`Kafka node ${id} is not running`);
    process.kill(n.pid, sig);
  }

  async stopNode(id: number): Promise<void> {
    await this.node(id).stop();
  }

  async restartNode(id: number): Promise<void> {
    const n = this.node(id);
    if (this.stopping) throw new Error('the cluster is stopped');
    if (n.running) await n.stop();
    // Until the controller has fenced the dead incarnation (broker.session.timeout.ms, 9 s by default),
    // the metadata log still lists the node as alive; a restarted node would replay that, answer "ready",
    // and then drop out of its own metadata while its new registration is fenced. Wait for the fence
    // first so that readiness below means the new incarnation is registered and unfenced.
    await this.waitFenced(id, FENCE_WAIT_MS);
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const logFrom = fileSize(n.logFile);
    this.startNode(n);
    // The new incarnation is registered and unfenced only when its own log says so: metadata probes
    // alone can see the old registration (a fence that took longer than FENCE_WAIT_MS) and pass early.
    await this.waitUnfenced(n, logFrom, timeoutMs);
    const expected = this.nodes.filter((x) => x.running).map((x) => x.id);
    await this.waitReady(expected, timeoutMs);
  }

  /** Waits for node `n`'s "The broker has been unfenced" in its server.log after byte `from` (the restart). */
  private async waitUnfenced(n: NodeProcess, from: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited: string | undefined;
    void n.exited.then((r) => void (exited = r.signal ? `signal ${r.signal}` : `exit code ${r.code}`));
    for (;;) {
      if (logSince(n.logFile, from).includes(UNFENCED_LINE)) return;
      if (exited && !n.expectedExit) throw new NodeExitedError(n.id, exited, n.failureReport());
      if (Date.now() > deadline) {
        throw new EnvironmentError(`Kafka node ${n.id} was restarted but not unfenced within ${Math.round(timeoutMs / 1000)} s (no "${UNFENCED_LINE}" in ${n.logFile}).\n${n.failureReport()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    try {
      // A paused JVM would hold its SIGTERM until the grace period ends: resume it first.
      for (const id of this.paused) {
        try {
          this.resumeNode(id);
        } catch {
          // it died meanwhile
        }
      }
      await Promise.all(this.nodes.map((n) => n.stop(STOP_GRACE_MS)));
      // The wrappers are gone; make sure nothing of this run is left (e.g. a JVM killed via pdeathsig).
      const mark = `${this.runDir}${path.sep}`;
      if (!(await waitForNoProcesses(mark, 5000))) {
        for (const p of processesMentioning(mark)) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
        await waitForNoProcesses(mark, 5000);
      }
      if (!this.options.keepDir) {
        fs.rmSync(this.runDir, { recursive: true, force: true, maxRetries: 3 });
        removeStorage(this.ctx.storage);
      }
    } finally {
      live.delete(this);
      updateHooks();
    }
  }

  /** Synchronous last resort from the 'exit' handler. */
  killNow(): void {
    for (const n of this.nodes) n.killNow();
    if (!this.options.keepDir) {
      try {
        fs.rmSync(this.runDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // a dying JVM may still hold a file; the directory is in a temp location
      }
      removeStorage(this.ctx.storage);
    }
  }

  register(): void {
    live.add(this);
    updateHooks();
  }
}

class NodeExitedError extends EnvironmentError {
  constructor(readonly nodeId: number, exitInfo: string, report: string) {
    super(`Kafka node ${nodeId} exited during start-up (${exitInfo}).\n${report}`);
  }
  get bindFailure(): boolean {
    return BIND_FAILURE.test(this.message);
  }
}

const RUN_DIR_PREFIX = 'kbench-broker-';
const OWNER_FILE = 'owner.json';

function makeRunDir(runRoot: string, keep: boolean): string {
  try {
    fs.mkdirSync(runRoot, { recursive: true });
    const dir = fs.mkdtempSync(path.join(runRoot, RUN_DIR_PREFIX));
    // Lets a later start clean up after a process that was SIGKILLed (its JVMs died with it, its files did not).
    fs.writeFileSync(path.join(dir, OWNER_FILE), `${JSON.stringify({ pid: process.pid, keep, createdAt: new Date().toISOString() })}\n`);
    return dir;
  } catch (err) {
    throw new EnvironmentError(`cannot create the broker run directory in ${runRoot}: ${errorMessage(err)}`);
  }
}

/** Removes run directories whose owner process is gone (unless they were to be kept). Best effort. */
function removeAbandonedRunDirs(runRoot: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(runRoot).filter((e) => e.startsWith(RUN_DIR_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(runRoot, e);
    try {
      const owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as { pid?: unknown; keep?: unknown };
      if (owner.keep === true || typeof owner.pid !== 'number' || processRunning(owner.pid)) continue;
      if (processesMentioning(`${dir}${path.sep}`).length > 0) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or half-written: leave it
    }
  }
}

/**
 * Starts an embedded Kafka cluster and resolves once a metadata round trip sees every node.
 * Throws UsageError for bad options, EnvironmentError when Java/Maven/Kafka fail (nothing is left running).
 */
export async function startBroker(options: BrokerOptions = {}): Promise<BrokerHandle> {
  const nodeCount = parseNodes(options.nodes);
  const version = parseKafkaVersion(options.kafkaVersion);
  const heap = parseHeap(options.heap);
  const storageRequest = parseStorage(options.storage, 'storage');
  const cpuList = options.cpus === undefined ? undefined : validateCpus(options.cpus, 'cpus');
  const secured = Boolean(options.sasl) || options.tls === true;
  if (secured && options.listeners?.length) throw new UsageError('startBroker: give either `listeners` or `sasl` / `tls`, not both');
  const user = options.sasl ? brokerUser(typeof options.sasl === 'object' ? options.sasl : {}) : undefined;
  let listeners: readonly ListenerTemplate[] = options.listeners?.length ? options.listeners : [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT' as const }];
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  const cached = cachedKafkaJars(version, env);
  const tools = preflight({ env, needMaven: cached === undefined });
  // Before anything is created: cpus without taskset is an EnvironmentError naming what is missing.
  const cpus = cpuList ? { list: cpuList, prefix: cpuAffinityPrefix(cpuList) } : undefined;
  if (toolPath('kbench-exec') === undefined) {
    log('warning: kbench-exec is not built (run `npm run build:native`), so broker JVMs could outlive a killed kbench');
  }
  const runRoot = options.runRoot ?? os.tmpdir();
  removeAbandonedRunDirs(runRoot);
  const tmpfsRoot = options.tmpfsRoot ?? TMPFS_ROOT;
  removeAbandonedStorage(tmpfsRoot);
  const runDir = makeRunDir(runRoot, options.keepDir === true);
  let cluster: EmbeddedCluster | undefined;
  let storage: BrokerStorage | undefined;
  try {
    storage = createStorage(storageRequest, { tmpfsRoot, keep: options.keepDir === true, runDir });
    log(storage.kind === 'tmpfs' ? `broker data on tmpfs in ${storage.path}` : `broker data on disk in ${runDir} (${storage.reason})`);
    if (cpus) log(`broker JVMs pinned to CPUs ${formatCpuList(cpus.list)}`);
    const jars = cached ?? (await resolveKafkaJars(version, { mvn: tools.mvn!, env, log }));
    if (!jars.cached) log(`resolved ${jars.jarCount} jars into ${jars.libsDir} in ${(jars.resolveMs / 1000).toFixed(1)} s`);
    const security: ClusterSecurity = {};
    let clusterOptions = options;
    if (secured) {
      if (user) security.user = user;
      if (options.tls) {
        const t0 = performance.now();
        security.tls = await generateBrokerTls(path.join(runDir, 'tls'), tools.java, env);
        security.caPem = fs.readFileSync(security.tls.caFile, 'utf8');
        log(`made a TLS certificate for 127.0.0.1 / localhost with keytool in ${((performance.now() - t0) / 1000).toFixed(1)} s (CA: ${security.tls.caFile})`);
      }
      const layout = securedLayout(user, security.tls);
      listeners = layout.listeners;
      security.internalListener = true;
      clusterOptions = { ...options, interBrokerListener: 'PLAINTEXT', serverProperties: { ...layout.serverProperties, ...(options.serverProperties ?? {}) } };
    }
    const tStart = performance.now();
    // One limit for all attempts: retries after a port clash must not extend it.
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      cluster = new EmbeddedCluster(runDir, nodeCount, { version, jars, java: tools.java, heap, log, storage, ...(cpus ? { cpus } : {}) }, listeners, clusterOptions, options.handleSignals ?? true, security);
      // Registered before any JVM starts, so a signal during start-up also cleans up.
      cluster.register();
      log(`starting Kafka ${version.version}: ${nodeCount} node${nodeCount > 1 ? 's' : ''}, heap ${heap} each, in ${runDir}`);
      try {
        await cluster.prepare();
        await cluster.launch(deadline, timeoutMs);
        break;
      } catch (err) {
        await stopNodes(cluster);
        if (err instanceof NodeExitedError && err.bindFailure && attempt < MAX_START_ATTEMPTS) {
          log(`a port was taken before Kafka could bind it; retrying with new ports (attempt ${attempt + 1} of ${MAX_START_ATTEMPTS})`);
          continue;
        }
        throw err;
      }
    }
    cluster.jarResolveMs = jars.cached ? 0 : jars.resolveMs;
    cluster.startupMs = performance.now() - tStart;
    log(`Kafka ${version.version} ready at ${cluster.bootstrap} in ${(cluster.startupMs / 1000).toFixed(1)} s`);
    return cluster;
  } catch (err) {
    if (cluster) await cluster.stop().catch(() => undefined);
    if (!options.keepDir) {
      fs.rmSync(runDir, { recursive: true, force: true });
      if (storage) removeStorage(storage);
    }
    if (err instanceof EnvironmentError && !options.keepDir && err.message.includes(runDir)) {
      err.message += `\n(the run directory ${runDir} was removed; pass keepDir / --keep to keep it)`;
    }
    throw err;
  }
}

/** Stops the nodes of a failed attempt (the run directory stays for the next attempt). */
async function stopNodes(cluster: EmbeddedCluster): Promise<void> {
  await Promise.all(cluster.nodes.map((n) => n.stop(2000)));
  live.delete(cluster);
  updateHooks();
}
