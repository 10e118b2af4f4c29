// The addon in worker threads: several at once, each with its own clients, and terminated workers
// leave no librdkafka handle (and no librdkafka thread) behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { expectedChecksum } from '../../src/verify/payload.js';
import type { ProduceTask, ProduceTaskResult } from './fixtures/produce-worker.js';
import { sleep } from './helpers.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

function threadCount(): number {
  return fs.readdirSync('/proc/self/task').length;
}

test('a piscina pool of 2 workers produces concurrently, each worker with its own producers', async (t) => {
  const pool = new Piscina({ filename: fixture('produce-worker.js').href, minThreads: 2, maxThreads: 2 });
  t.after(() => pool.destroy());
  const tasks: ProduceTask[] = [];
  for (let i = 0; i < 6; i++) tasks.push({ topic: `workers-${i}`, count: 20_000, size: 64, firstSeq: i * 20_000, loop: i % 2 === 1 });
  const results = (await Promise.all(tasks.map((task) => pool.run(task)))) as ProduceTaskResult[];
  assert.equal(new Set(results.map((r) => r.threadId)).size, 2, 'both workers ran tasks');
  for (const [i, r] of results.entries()) {
    assert.equal(r.enqueued, 20_000, `task ${i}`);
    assert.equal(r.delivered, 20_000, `task ${i}`);
    assert.equal(r.failed, 0, `task ${i}`);
    if (r.checksum !== undefined) assert.equal(r.checksum, expectedChecksum(64, i * 20_000, 20_000).hex, `task ${i}`);
  }
});

test('terminating a worker with busy clients destroys their handles and threads', async () => {
  // Warm up what the process starts lazily (libuv pool, a first worker) before counting threads.
  await fs.promises.readFile(new URL(import.meta.url));
  const warm = new Worker('', { eval: true });
  await warm.terminate();
  await sleep(100);
  const before = threadCount();

  const worker = new Worker(fixture('abandon-worker.js'));
  const ready = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  assert.equal(ready, 'busy');
  const during = threadCount();
  assert.ok(during > before + 3, `librdkafka threads exist while the worker runs (${before} → ${during})`);
  await worker.terminate();

  let after = threadCount();
  for (let i = 0; i < 50 && after > before; i++) {
    await sleep(100);
    after = threadCount();
  }
  assert.ok(after <= before, `threads after terminate: ${after}, before the worker: ${before}`);
});
