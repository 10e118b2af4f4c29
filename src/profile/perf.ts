// Linux perf for `kbench profile --perf`: can it sample here (and with which event), and the flame
// graph from its samples, rendered by inferno (crates.io; `kbench setup profiling` installs it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from '../paths.js';

export interface PerfCheck {
  ok: boolean;
  /** The event to sample on: cycles where the CPU's counters are visible, else the cpu-clock software event. */
  event?: 'cycles' | 'cpu-clock';
  /** Why perf cannot sample here (ok = false). */
  why?: string;
  notes: string[];
}

function run(cmd: string, args: string[]): { code: number | null; out: string; missing: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing };
}

function paranoid(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim();
  } catch {
    return '?';
  }
}

/** Probes `perf stat -e instructions true`, then a cpu-clock recording, and says what works. */
export function checkPerf(): PerfCheck {
  const v = run('perf', ['--version']);
  if (v.missing) return { ok: false, why: 'perf is not installed (Debian: apt-get install linux-perf, or `kbench setup profiling`)', notes: [] };
  if (v.code !== 0) return { ok: false, why: `perf does not run: ${v.out.trim().split('\n')[0] ?? ''} (a perf that does not match the kernel? Debian: linux-perf)`, notes: [] };
  const notes: string[] = [];
  const hw = run('perf', ['stat', '-e', 'instructions', 'true']);
  let event: PerfCheck['event'] = 'cycles';
  if (/not supported/i.test(hw.out)) {
    event = 'cpu-clock';
    notes.push('hardware counters are not available here (`perf stat -e instructions true` says <not supported>: a VM without a virtual PMU); sampling on the cpu-clock software event instead');
  } else if (/permission|paranoid|not permitted|EACCES/i.test(hw.out) || hw.code !== 0) {
    return { ok: false, why: `perf may not read performance counters here (kernel.perf_event_paranoid = ${paranoid()}; needs root or a lower value): ${hw.out.trim().split('\n').slice(-2).join(' ')}`, notes };
  }
  const tmp = path.join(os.tmpdir(), `kbench-perf-probe-${process.pid}.data`);
  const rec = run('perf', ['record', '-q', '-e', event, '-F', '99', '-g', '-o', tmp, '--', 'true']);
  fs.rmSync(tmp, { force: true });
  if (rec.code !== 0) return { ok: false, why: `perf record -e ${event} failed: ${rec.out.trim().split('\n').slice(-2).join(' ')} (kernel.perf_event_paranoid = ${paranoid()})`, notes };
  return { ok: true, event, notes };
}

/** Where inferno's programs are: PATH, or the user cache `kbench setup profiling` installs into. */
export function infernoBin(name: 'inferno-flamegraph' | 'inferno-collapse-perf'): string | undefined {
  const local = path.join(cacheDir(), 'tools', 'bin', name);
  if (fs.existsSync(local)) return local;
  const r = spawnSync(name, ['--help'], { encoding: 'utf8' });
  return r.error ? undefined : name;
}

/** perf.data → flame graph SVG (perf script | inferno-collapse-perf | inferno-flamegraph). Returns the SVG path. */
export function renderFlameGraph(perfData: string, svg: string, title: string): string {
  const collapse = infernoBin('inferno-collapse-perf');
  const flame = infernoBin('inferno-flamegraph');
  if (!collapse || !flame) throw new Error('inferno is not installed (run `kbench setup profiling`: cargo install inferno into the kbench cache)');
  const script = `${perfData}.script`;
  const folded = `${perfData}.folded`;
  const s = spawnSync('perf', ['script', '-i', perfData], { maxBuffer: 1 << 30 });
  if (s.status !== 0) throw new Error(`perf script failed: ${String(s.stderr).trim().split('\n').slice(-2).join(' ')}`);
  fs.writeFileSync(script, s.stdout);
  const c = spawnSync(collapse, [script], { maxBuffer: 1 << 30 });
  if (c.status !== 0) throw new Error(`inferno-collapse-perf failed: ${String(c.stderr).trim()}`);
  fs.writeFileSync(folded, c.stdout);
  const f = spawnSync(flame, ['--title', title, folded], { maxBuffer: 1 << 30 });
  if (f.status !== 0) throw new Error(`inferno-flamegraph failed: ${String(f.stderr).trim()}`);
  fs.writeFileSync(svg, f.stdout);
  fs.rmSync(script, { force: true });
  return svg;
}
