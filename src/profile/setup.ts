// `kbench setup profiling`: what `kbench profile --perf` needs besides Node: Linux perf (Debian's
// linux-perf, when missing and kbench runs as root) and inferno's flame graph tools (crates.io,
// `cargo install inferno` into kbench's cache, not the system).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import type { SetupTarget } from '../setup/targets.js';
import { checkPerf, infernoBin } from './perf.js';

const INFERNO_VERSION = '0.12.8';

function sh(cmd: string, args: string[], log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(`${cmd} is not installed`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

export const target: SetupTarget = {
  name: 'profiling',
  summary: 'Linux perf and inferno (flame graphs) for `kbench profile --perf`',
  async run(log, { force }) {
    const perf = spawnSync('perf', ['--version'], { encoding: 'utf8' });
    if ((perf.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      if (process.getuid?.() !== 0) throw new Error('perf is missing: apt-get install linux-perf (as root)');
      sh('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'linux-perf'], log, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
    }
    const root = path.join(cacheDir(), 'tools');
    if (force || !fs.existsSync(path.join(root, 'bin', 'inferno-flamegraph'))) {
      fs.mkdirSync(root, { recursive: true });
      sh('cargo', ['install', 'inferno', '--version', INFERNO_VERSION, '--locked', '--root', root, ...(force ? ['--force'] : [])], log);
    }
  },
  async status() {
    const check = checkPerf();
    const perf = check.ok ? `perf ok (samples on ${check.event})` : `perf unavailable: ${check.why}`;
    const inferno = infernoBin('inferno-flamegraph') ? 'inferno ok' : 'inferno missing';
    return `${perf}; ${inferno}`;
  },
};
