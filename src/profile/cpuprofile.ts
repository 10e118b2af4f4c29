// Reading a V8 .cpuprofile (what `node --cpu-prof` writes, what Chrome DevTools and speedscope load):
// self time per function, and a category for each, from the frame's URL alone.
import fs from 'node:fs';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const CATEGORIES = ['user JS (kbench)', 'client library JS', 'other library JS', 'Node core JS', 'native (addon / V8 / libuv)', 'GC', 'idle'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface FunctionSelf {
  functionName: string;
  url: string;
  line: number;
  category: Category;
  selfUs: number;
}

export interface ProfileSummary {
  totalUs: number;
  samples: number;
  /** Self time by category, µs. */
  categories: Record<Category, number>;
  /** Functions by self time, descending. */
  functions: FunctionSelf[];
}

/** What identifies the profiled client's own files, and kbench's. */
export interface Classifier {
  /** Path fragments of the client library's files, e.g. '/node_modules/kafkajs/'. */
  clientPaths: string[];
  /** Path fragment of kbench's own compiled files. */
  kbenchPath: string;
}

export function readCpuProfile(file: string): CpuProfile {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CpuProfile>;
  if (!Array.isArray(p.nodes) || !Array.isArray(p.samples) || !Array.isArray(p.timeDeltas)) throw new Error(`${file} is not a V8 CPU profile (no nodes/samples/timeDeltas)`);
  return p as CpuProfile;
}

export function categorize(frame: CpuProfileNode['callFrame'], c: Classifier): Category {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)' || fn === '(root)') return 'native (addon / V8 / libuv)';
  if (url === '') return 'native (addon / V8 / libuv)'; // a native function called from JS (a binding method, a V8 builtin)
  const u = url.replace(/\\/g, '/');
  if (c.clientPaths.some((p) => u.includes(p))) return 'client library JS';
  if (u.startsWith('node:') || !u.includes('/')) return 'Node core JS';
  if (u.includes('/node_modules/')) return 'other library JS';
  if (u.includes(c.kbenchPath)) return 'user JS (kbench)';
  return 'other library JS';
}

/** Self time per function (samples × their time deltas), categorized, highest first. */
export function summarizeProfile(p: CpuProfile, c: Classifier): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfById = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    selfById.set(id, (selfById.get(id) ?? 0) + Math.max(0, p.timeDeltas[i] ?? 0));
  }
  const categories = Object.fromEntries(CATEGORIES.map((k) => [k, 0])) as Record<Category, number>;
  const fns = new Map<string, FunctionSelf>();
  let totalUs = 0;
  for (const [id, us] of selfById) {
    const node = byId.get(id);
    if (!node) continue;
    const cat = categorize(node.callFrame, c);
    categories[cat] += us;
    totalUs += us;
    const key = `${node.callFrame.functionName}\u0000${node.callFrame.url}\u0000${node.callFrame.lineNumber}`;
    const f = fns.get(key) ?? { functionName: node.callFrame.functionName || '(anonymous)', url: node.callFrame.url, line: node.callFrame.lineNumber + 1, category: cat, selfUs: 0 };
    f.selfUs += us;
    fns.set(key, f);
  }
  return { totalUs, samples: p.samples.length, categories, functions: [...fns.values()].sort((a, b) => b.selfUs - a.selfUs) };
}

/** The table `kbench profile` prints: category totals, then the top functions by self time. */
export function renderProfileSummary(s: ProfileSummary, top: number, root: string): string {
  const pct = (us: number): string => `${((100 * us) / Math.max(1, s.totalUs)).toFixed(1).padStart(5)} %`;
  const ms = (us: number): string => `${(us / 1000).toFixed(1).padStart(8)} ms`;
  const lines = [`self time by category (${(s.totalUs / 1000).toFixed(0)} ms, ${s.samples} samples):`];
  for (const k of CATEGORIES) if (s.categories[k] > 0) lines.push(`  ${ms(s.categories[k])} ${pct(s.categories[k])}  ${k}`);
  lines.push('', `top ${top} functions by self time:`, `  ${'self'.padStart(11)} ${'share'.padStart(7)}  ${'category'.padEnd(27)} function  (location)`);
  for (const f of s.functions.slice(0, top)) {
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(root, '.')}:${f.line}` : '';
    lines.push(`  ${ms(f.selfUs)} ${pct(f.selfUs)}  ${f.category.padEnd(27)} ${f.functionName}${where ? `  (${where})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
