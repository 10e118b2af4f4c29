// Looking for a secret everywhere kbench could have put it: files under a directory, and the command
// lines of every running process.
import fs from 'node:fs';
import path from 'node:path';

/** Files under `root` (recursively) whose bytes contain `secret`, except those `exclude` accepts. */
export function filesContaining(root: string, secret: string, exclude: (file: string) => boolean = () => false): string[] {
  const hits: string[] = [];
  const needle = Buffer.from(secret);
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !exclude(p)) {
        try {
          if (fs.readFileSync(p).includes(needle)) hits.push(p);
        } catch {
          // removed meanwhile
        }
      }
    }
  };
  walk(root);
  return hits;
}

/** Every file under `root`, for the record of what a search covered. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Pids of running processes whose command line contains `secret`. */
export function processesWithSecretInArgs(secret: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`).includes(Buffer.from(secret))) out.push(Number(pid));
    } catch {
      // exited
    }
  }
  return out;
}

/** Polls process command lines every `everyMs` until stopped; returns the pids ever seen with the secret. */
export function watchProcessArgs(secret: string, everyMs = 100): { stop(): number[] } {
  const seen = new Set<number>();
  const timer = setInterval(() => {
    for (const pid of processesWithSecretInArgs(secret)) if (pid !== process.pid) seen.add(pid);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return [...seen];
    },
  };
}
