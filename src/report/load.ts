// Reading a saved results document: every failure names the file and what is wrong with it, so
// `kbench report` / `kbench compare` on the wrong file says why in one line.
import { readFileSync } from 'node:fs';
import { UsageError, errorMessage } from '../util/errors.js';
import { RESULTS_SCHEMA } from '../results/types.js';
import type { ResultsDocument } from '../results/types.js';

type Json = Record<string, unknown>;

class Invalid extends Error {}

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function need(cond: boolean, where: string, what: string, v: unknown): void {
  if (!cond) throw new Invalid(`${where} must be ${what} (got ${kind(v)})`);
}

function obj(parent: Json, key: string, where: string): Json {
  const v = parent[key];
  need(isObj(v), `${where}.${key}`, 'an object', v);
  return v as Json;
}

function str(parent: Json, key: string, where: string): void {
  need(typeof parent[key] === 'string', `${where}.${key}`, 'a string', parent[key]);
}

// JSON has no NaN: the writer's NaN (no data) arrives as null. Views treat both as "no figure".
function num(parent: Json, key: string, where: string): void {
  const v = parent[key];
  if (v === null) parent[key] = NaN;
  else need(typeof v === 'number', `${where}.${key}`, 'a number', v);
}

function arr(parent: Json, key: string, where: string, optional = false): unknown[] {
  const v = parent[key];
  if (v === undefined && optional) {
    parent[key] = [];
    return [];
  }
  need(Array.isArray(v), `${where}.${key}`, 'an array', v);
  return v as unknown[];
}

function summary(parent: Json, key: string, where: string): void {
  const s = obj(parent, key, where);
  for (const k of ['median', 'mean', 'stddev', 'min', 'max', 'cv', 'n']) num(s, k, `${where}.${key}`);
  need(typeof s.spreadFlag === 'boolean', `${where}.${key}.spreadFlag`, 'a boolean', s.spreadFlag);
  if (s.ci !== undefined) {
    const ci = obj(s, 'ci', `${where}.${key}`);
    for (const k of ['low', 'high', 'confidence']) num(ci, k, `${where}.${key}.ci`);
  }
}

function optional(parent: Json, key: string, where: string, type: 'string' | 'boolean' | 'number', allowed?: readonly string[]): void {
  const v = parent[key];
  if (v === undefined) return;
  if (type === 'number') return num(parent, key, where);
  need(typeof v === type, `${where}.${key}`, `a ${type}`, v);
  if (allowed) need(allowed.includes(v as string), `${where}.${key}`, `one of ${allowed.join(', ')}`, v);
}

function numbers(parent: Json, key: string, where: string, optionalArray = false): void {
  if (optionalArray && parent[key] === undefined) return;
  const xs = arr(parent, key, where);
  xs.forEach((x, i) => {
    if (x === null) xs[i] = NaN;
    else need(typeof x === 'number', `${where}.${key}[${i}]`, 'a number', x);
  });
}

/** env.method: what the "method" line prints. */
function method(env: Json): void {
  if (env.method === undefined) return;
  const m = obj(env, 'method', '$.env');
  const w = '$.env.method';
  optional(m, 'brokerStorage', w, 'string');
  optional(m, 'order', w, 'string');
  optional(m, 'repetitions', w, 'number');
  if (m.placement !== undefined) {
    const p = obj(m, 'placement', w);
    numbers(p, 'broker', `${w}.placement`, true);
    numbers(p, 'arms', `${w}.placement`, true);
    optional(p, 'note', `${w}.placement`, 'string');
  }
  if (m.brokerWarmup !== undefined) {
    const b = obj(m, 'brokerWarmup', w);
    arr(b, 'rounds', `${w}.brokerWarmup`).forEach((r, i) => {
      need(isObj(r), `${w}.brokerWarmup.rounds[${i}]`, 'an object', r);
      num(r as Json, 'msgsPerSec', `${w}.brokerWarmup.rounds[${i}]`);
    });
    if (b.latency !== undefined) {
      arr(b, 'latency', `${w}.brokerWarmup`).forEach((r, i) => {
        need(isObj(r), `${w}.brokerWarmup.latency[${i}]`, 'an object', r);
        num(r as Json, 'p50Us', `${w}.brokerWarmup.latency[${i}]`);
      });
      optional(b, 'latencySteady', `${w}.brokerWarmup`, 'boolean');
    }
    need(typeof b.steady === 'boolean', `${w}.brokerWarmup.steady`, 'a boolean', b.steady);
    num(b, 'tolerance', `${w}.brokerWarmup`);
  }
}

/** doc.aa: the A/A section of every view. */
function aa(d: Json): void {
  if (d.aa === undefined) return;
  const a = obj(d, 'aa', '$');
  for (const k of ['alpha', 'flagged', 'total']) num(a, k, '$.aa');
  str(a, 'test', '$.aa');
  arr(a, 'arms', '$.aa').forEach((x, i) => {
    const w = `$.aa.arms[${i}]`;
    need(isObj(x), w, 'an object', x);
    const r = x as Json;
    str(r, 'driver', w);
    str(r, 'scenario', w);
    num(r, 'messageSize', w);
    numbers(r, 'a', w);
    numbers(r, 'b', w);
    num(r, 'p', w);
    num(r, 'ratio', w);
    need(typeof r.significant === 'boolean', `${w}.significant`, 'a boolean', r.significant);
  });
}

function latency(parent: Json, key: string, where: string): void {
  if (parent[key] === undefined) return;
  const l = obj(parent, key, where);
  for (const k of ['p50', 'p95', 'p99', 'p999', 'max', 'count']) num(l, k, `${where}.${key}`);
}

/** Checks the parts of the document the views read; returns it typed. Throws Invalid with a JSON path. */
function validate(doc: unknown): ResultsDocument {
  need(isObj(doc), 'the document', 'a JSON object', doc);
  const d = doc as Json;
  if (d.schema === undefined) throw new Invalid(`has no "schema" field: not a kbench results document (expected "${RESULTS_SCHEMA}")`);
  if (d.schema !== RESULTS_SCHEMA) throw new Invalid(`has schema ${JSON.stringify(d.schema)}, but this kbench reads "${RESULTS_SCHEMA}"`);

  const env = obj(d, 'env', '$');
  for (const k of ['cpu', 'os', 'node', 'kbench', 'startedAt']) str(env, k, '$.env');
  num(env, 'cores', '$.env');
  method(env);
  const broker = obj(env, 'broker', '$.env');
  str(broker, 'kind', '$.env.broker');
  str(broker, 'bootstrap', '$.env.broker');
  num(broker, 'nodes', '$.env.broker');
  const drivers = obj(env, 'drivers', '$.env');
  for (const [id, de] of Object.entries(drivers)) {
    const w = `$.env.drivers[${JSON.stringify(id)}]`;
    need(isObj(de), w, 'an object', de);
    for (const k of ['version', 'runtime', 'client']) str(de as Json, k, w);
  }
  if (d.options === undefined) d.options = {};
  need(isObj(d.options), '$.options', 'an object', d.options);
  if (d.baseline !== undefined) str(d, 'baseline', '$');

  arr(d, 'runs', '$').forEach((run, i) => {
    const w = `$.runs[${i}]`;
    need(isObj(run), w, 'an object', run);
    const r = run as Json;
    str(r, 'driver', w);
    str(r, 'scenario', w);
    for (const k of ['messageSize', 'messages', 'warmup', 'partitions', 'replication', 'workers']) num(r, k, w);
    obj(r, 'settings', w);
    const config = obj(r, 'config', w);
    for (const [k, v] of Object.entries(config)) need(['string', 'number', 'boolean'].includes(typeof v), `${w}.config[${JSON.stringify(k)}]`, 'a string, number or boolean', v);
    need(typeof r.verified === 'boolean', `${w}.verified`, 'a boolean', r.verified);
    arr(r, 'repetitions', w).forEach((rep, j) => {
      const wr = `${w}.repetitions[${j}]`;
      need(isObj(rep), wr, 'an object', rep);
      const p = rep as Json;
      for (const k of ['repetition', 'msgsPerSec', 'mbPerSec', 'cpuUsPerMsg', 'rssPeakBytes']) num(p, k, wr);
      need(typeof p.ok === 'boolean', `${wr}.ok`, 'a boolean', p.ok);
      const v = obj(p, 'verification', wr);
      optional(v, 'method', `${wr}.verification`, 'string', ['read-back', 'checksum', 'sequence', 'count-only']);
      optional(p, 'shortWindow', wr, 'boolean');
      optional(p, 'aaGroup', wr, 'string', ['A', 'B']);
      for (const k of ['messages', 'elapsedNs']) if (p[k] !== undefined) num(p, k, wr);
      arr(v, 'failures', `${wr}.verification`).forEach((f, k) => need(typeof f === 'string', `${wr}.verification.failures[${k}]`, 'a string', f));
      latency(p, 'latencyUs', wr);
    });
    const s = obj(r, 'summary', w);
    for (const k of ['msgsPerSec', 'mbPerSec', 'cpuUsPerMsg', 'rssPeakBytes']) summary(s, k, `${w}.summary`);
    latency(s, 'latencyUs', `${w}.summary`);
  });
  arr(d, 'skipped', '$', true).forEach((sk, i) => {
    const w = `$.skipped[${i}]`;
    need(isObj(sk), w, 'an object', sk);
    for (const k of ['driver', 'scenario', 'reason']) str(sk as Json, k, w);
  });
  arr(d, 'warnings', '$', true).forEach((x, i) => need(typeof x === 'string', `$.warnings[${i}]`, 'a string', x));
  aa(d);
  return d as unknown as ResultsDocument;
}

/** Parses and checks a results document; `source` names it in errors (a UsageError, exit code 2). */
export function parseResults(text: string, source: string): ResultsDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not JSON: ${errorMessage(err)}`);
  }
  try {
    return validate(data);
  } catch (err) {
    if (err instanceof Invalid) throw new UsageError(`${source} ${err.message.startsWith('has ') ? '' : 'is not a valid kbench results document: '}${err.message}`);
    throw err;
  }
}

export function loadResults(file: string): ResultsDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `cannot read ${file}: ${errorMessage(err)}`);
  }
  return parseResults(text, file);
}
