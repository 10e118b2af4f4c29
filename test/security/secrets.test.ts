// The SASL password never leaves kbench: a benchmark over SASL_SSL with the embedded broker (several
// drivers, --out/--report/--md), `kbench broker start --sasl --tls` with status and a `kbench run
// --brokers` against it, and a run with a wrong password. Every output, every file kbench wrote (results,
// reports, the kbench cache, temp files: arms' directories, the broker's run directory and logs) and
// every process's arguments are searched for the password. The files that must hold it — the 0600
// credentials file and the broker's own 0600 server.properties (PLAIN's JAAS user list) — are
// checked to be private instead, and prove that the search finds the password where it is. While a
// command runs, its temp files are scanned too: only the arm's spec (and rdkafka_performance's
// credentials file) and the storage tool's argument file may hold it then, all 0600.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { kafkaCacheRoot } from '../../src/broker/jars.js';
import type { ResultsDocument } from '../../src/results/types.js';
import { runKbench, type RunResult } from '../helpers/broker.js';
import { filesContaining, listFiles, watchProcessArgs } from '../helpers/secrets.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-secret-search-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const tmpdir = path.join(root, 'tmp');
const cache = path.join(root, 'cache');
const outDir = path.join(root, 'out');
for (const d of [tmpdir, cache, outDir]) fs.mkdirSync(d, { recursive: true });

const SECRET = `kbS3cret-${randomBytes(9).toString('base64url')}`;
const WRONG = `kbWr0ng-${randomBytes(9).toString('base64url')}`;
const USER = 'benchuser';
const DRIVERS = 'addon,addon-loop,node-rdkafka,confluent,kafkajs,platformatic,crab,c';

/** kbench's environment: its own temp directory and cache, so everything it writes can be searched. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmpdir, KBENCH_CACHE: cache, KBENCH_KAFKA_CACHE: kafkaCacheRoot(), ...extra };
  for (const k of ['KBENCH_SASL_USERNAME', 'KBENCH_SASL_PASSWORD']) if (!(k in extra)) delete e[k];
  return e;
}

const outputs: { what: string; text: string }[] = [];
const searchedFiles = new Set<string>();
/** Files seen holding the password while kbench ran, with their mode. */
const heldDuringRuns = new Map<string, number>();

/** Scans kbench's temp directory while a command runs (arm specs and broker settings exist only then). */
function watchTempFiles(everyMs = 250): { stop(): void } {
  const timer = setInterval(() => {
    for (const f of listFiles(tmpdir)) searchedFiles.add(f);
    for (const f of filesContaining(tmpdir, SECRET)) {
      try {
        heldDuringRuns.set(f, fs.statSync(f).mode & 0o777);
      } catch {
        // removed meanwhile
      }
    }
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}

async function kbench(what: string, args: string[], e: NodeJS.ProcessEnv): Promise<RunResult> {
  const watch = watchProcessArgs(SECRET);
  const files = watchTempFiles();
  const r = await runKbench(args, e);
  files.stop();
  assert.deepEqual(watch.stop(), [], `${what}: a process had the password in its arguments`);
  outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
  return r;
}

function assertNoSecretInOutputs(): void {
  for (const o of outputs) {
    assert.equal(o.text.includes(SECRET), false, `${o.what} shows the password:\n${o.text}`);
    assert.equal(o.text.includes(WRONG), false, `${o.what} shows the wrong password:\n${o.text}`);
  }
}

/** Files that hold the password by design: private, and proof that the search finds it. */
function isDesignatedHolder(f: string): boolean {
  return f === path.join(cache, 'broker', 'credentials.json') || /node-\d+\/server\.properties$/.test(f);
}

/** The storage tool's argument file (SCRAM users), which exists only while the storage is formatted. */
function isFormatHolder(f: string): boolean {
  return /node-\d+\/format\.args$/.test(f);
}

/** What may hold it while an arm runs: the arm's spec and rdkafka_performance's credentials file, in the arm's 0700 directory. */
function isArmHolder(f: string): boolean {
  return /\/kbench-arm-[^/]+\/(spec\.json|sasl\.properties)$/.test(f);
}

function assertNoSecretInFiles(): string[] {
  const searched = [tmpdir, cache, outDir].flatMap((d) => listFiles(d));
  for (const f of searched) searchedFiles.add(f);
  for (const [f, mode] of heldDuringRuns) {
    assert.ok(isDesignatedHolder(f) || isArmHolder(f) || isFormatHolder(f), `${f} held the password while kbench ran`);
    assert.equal(mode, 0o600, `${f} held the password with mode ${mode.toString(8)}`);
  }
  for (const secret of [SECRET, WRONG]) {
    const hits = [tmpdir, cache, outDir].flatMap((d) => filesContaining(d, secret));
    const unexpected = hits.filter((f) => !isDesignatedHolder(f));
    assert.deepEqual(unexpected, [], 'files other than the credentials file and the broker settings hold a password');
    for (const f of hits) assert.equal(fs.statSync(f).mode & 0o777, 0o600, `${f} holds the password and must be 0600`);
  }
  return searched;
}

test('the SASL password appears in no output, file or process argument', async (t) => {
  // Positive control: the search does find the password where it is.
  const canary = path.join(root, 'canary');
  fs.mkdirSync(canary);
  fs.writeFileSync(path.join(canary, 'f.bin'), Buffer.concat([Buffer.from([0, 1]), Buffer.from(`x${SECRET}y`)]));
  assert.deepEqual(filesContaining(canary, SECRET), [path.join(canary, 'f.bin')]);

  await t.test('kbench run --sasl --tls with the embedded broker, every Node driver and c, all report formats', async () => {
    const out = path.join(outDir, 'embedded.json');
    const r = await kbench('run --sasl --tls', [
      'run', '--sasl', '--tls', '--drivers', DRIVERS, '--scenarios', 'producer-async,consumer', '--messages', '500', '--repeat', '1',
      '--broker-warmup', '500', '--heap', '512m', '--out', out, '--report', path.join(outDir, 'embedded.html'), '--md', path.join(outDir, 'embedded.md'),
    ], env({ KBENCH_SASL_USERNAME: USER, KBENCH_SASL_PASSWORD: SECRET }));
    assert.equal(r.code, 0, r.stderr);
    // It authenticated: the broker's only client listeners need SASL, and every arm verified its counts.
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as ResultsDocument;
    assert.equal(doc.env.broker.security, 'SASL_SSL SCRAM-SHA-512');
    assert.equal(doc.runs.length, 16);
    for (const run of doc.runs) assert.equal(run.verified, true, `${run.driver} ${run.scenario}`);
    assert.match(r.stderr, /broker ready at .* \(Kafka [\d.]+, SASL_SSL SCRAM-SHA-512 as benchuser/);
    assertNoSecretInOutputs();
    const searched = assertNoSecretInFiles();
    assert.ok(searched.some((f) => f.endsWith('embedded.html')) && searched.some((f) => f.endsWith('embedded.md')));
    assert.deepEqual(fs.readdirSync(tmpdir).filter((e) => e.startsWith('kbench-arm-') || e.startsWith('kbench-broker-')), [], 'no arm or broker directory is left behind');
  });

  await t.test('kbench broker start --sasl --tls, status, a run against it, a wrong password, stop', async () => {
    const start = await kbench('broker start', ['broker', 'start', '--sasl', '--tls', '--heap', '512m'], env({ KBENCH_SASL_USERNAME: USER, KBENCH_SASL_PASSWORD: SECRET }));
    t.after(() => runKbench(['broker', 'stop'], env()));
    assert.equal(start.code, 0, start.stderr);
    const credentials = path.join(cache, 'broker', 'credentials.json');
    assert.ok(start.stdout.includes(`SASL user: ${USER}; the password is in ${credentials} (mode 0600)`), start.stdout);
    assert.equal(fs.statSync(credentials).mode & 0o777, 0o600);
    assert.equal((JSON.parse(fs.readFileSync(credentials, 'utf8')) as { password: string }).password, SECRET);
    assert.deepEqual(filesContaining(cache, SECRET), [credentials], 'the credentials file holds it, nothing else in the cache');

    const status = JSON.parse((await kbench('broker status --json', ['broker', 'status', '--json'], env())).stdout) as {
      running: boolean; bootstrap: string; caFile: string; sasl: { username: string; credentialsFile: string };
    };
    assert.equal(status.running, true);
    assert.equal(status.sasl.credentialsFile, credentials);
    await kbench('broker status', ['broker', 'status'], env());

    const secured = ['--brokers', status.bootstrap, '--sasl-mechanism', 'scram-sha-512', '--sasl-username', USER, '--tls-ca', status.caFile];
    const small = ['--drivers', 'kafkajs,addon,c', '--scenarios', 'producer-async', '--messages', '300', '--repeat', '1', '--broker-warmup', '0'];
    const out = path.join(outDir, 'external.json');
    const ok = await kbench('run --brokers --secrets-file', ['run', ...secured, '--secrets-file', credentials, ...small, '--out', out, '--md', path.join(outDir, 'external.md')], env());
    assert.equal(ok.code, 0, ok.stderr);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as ResultsDocument;
    assert.equal(doc.env.broker.security, 'SASL_SSL SCRAM-SHA-512');
    for (const run of doc.runs) assert.equal(run.verified, true, `${run.driver} ${run.scenario}`);

    const wrong = await kbench('run with a wrong password', ['run', ...secured, ...small], env({ KBENCH_SASL_PASSWORD: WRONG }));
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /kbench: cannot reach Kafka at 127\.0\.0\.1:\d+: SASL SCRAM SHA512 authentication failed/);

    // While the broker runs: its logs (serve.log, server.log) and every other file.
    assertNoSecretInOutputs();
    assertNoSecretInFiles();
    const stop = await kbench('broker stop', ['broker', 'stop'], env());
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(fs.existsSync(credentials), false, 'stop removes the credentials file');
    assertNoSecretInOutputs();
    assertNoSecretInFiles();
    assert.deepEqual(filesContaining(cache, SECRET), []);
    assert.ok([...heldDuringRuns.keys()].some((f) => f.endsWith('server.properties')), 'the scan during runs saw the broker settings (so it can see a file holding the password)');
    const names = [...searchedFiles].map((f) => path.relative(root, f).replace(/kbench-(arm|broker)-[^/]+/, 'kbench-$1-*').replace(/kbench-rusage-[^/]+/, 'kbench-rusage-*').replace(/\/data\/.*$/, '/data/** (log segments)').replace(/\/tls\/.*$/, '/tls/*'));
    t.diagnostic(`searched ${outputs.length} outputs and ${searchedFiles.size} files (${[...new Set(names)].sort().join(', ')}); seen holding the password while running (all 0600): ${[...new Set([...heldDuringRuns.keys()].map((f) => path.basename(f)))].join(', ')}`);
  });
});
