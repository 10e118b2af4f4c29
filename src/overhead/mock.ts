// librdkafka's mock cluster in a process of its own (native/cbench/mock.c → kbench-mock), for the
// delivery and consume paths: no JVM, ready in milliseconds, outside every measured process. It
// serves until kbench closes its standard input (or dies: kbench-exec kills it then).
import { toolPath } from '../paths.js';
import { EnvironmentError } from '../util/errors.js';
import { spawnSupervised, type SupervisedChild } from '../util/proc.js';

export interface MockCluster {
  bootstrap: string;
  topic: string;
  partitions: number;
  prefilled: number;
  stop(): Promise<void>;
}

export function mockTool(): string {
  const tool = toolPath('kbench-mock');
  if (!tool) throw new EnvironmentError('kbench-mock is not built; run `node scripts/install.mjs --only tools`');
  return tool;
}

/** Starts a mock cluster with one topic; with `prefill`, writes that many kbench payloads of `size` bytes first. */
export async function startMock(o: { topic: string; partitions: number; prefill?: number; size?: number; timeoutMs?: number }): Promise<MockCluster> {
  const args = ['--topic', o.topic, '--partitions', String(o.partitions)];
  if (o.prefill) args.push('--prefill', String(o.prefill), '--size', String(o.size ?? 100));
  const proc: SupervisedChild = spawnSupervised(mockTool(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kbench-mock gave no address within ${(o.timeoutMs ?? 120_000) / 1000} s`)), o.timeoutMs ?? 120_000);
    proc.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    void proc.done.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`kbench-mock exited with code ${code}: ${err.trim().split('\n').slice(-2).join(' | ')}`));
    });
  }).catch(async (e: unknown) => {
    await proc.stop(1000);
    throw e;
  });
  const info = JSON.parse(line) as { bootstrap: string; topic: string; partitions: number; prefilled: number };
  return {
    ...info,
    async stop() {
      proc.child.stdin?.end(); // the mock exits when its input closes
      const timer = setTimeout(() => void proc.stop(2000), 5000);
      await proc.done;
      clearTimeout(timer);
    },
  };
}
