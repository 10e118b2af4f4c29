// CPU lists as taskset(1) and /proc take them: "0", "0,2", "0-3", "0-1,4".
import fs from 'node:fs';

/** Parses a CPU list; every CPU must exist on this machine (0 … cores − 1). Throws naming the bad part. */
export function parseCpuList(text: string, cores: number): number[] {
  const out = new Set<number>();
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`'${part}' is not a CPU number or range (e.g. 0, 0-1, 0,2)`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo) throw new Error(`'${part}': the range runs backwards`);
    for (let c = lo; c <= hi; c++) {
      if (c >= cores) throw new Error(`CPU ${c} does not exist (this machine has CPUs 0-${cores - 1})`);
      out.add(c);
    }
  }
  if (out.size === 0) throw new Error('no CPU given');
  return [...out].sort((a, b) => a - b);
}

/** The list as taskset -c takes it. */
export function formatCpuList(cpus: readonly number[]): string {
  return cpus.join(',');
}

/** The taskset binary, when installed (util-linux). */
export function tasksetPath(): string | undefined {
  for (const p of ['/usr/bin/taskset', '/bin/taskset']) if (fs.existsSync(p)) return p;
  return undefined;
}
