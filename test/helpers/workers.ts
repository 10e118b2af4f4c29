// Runs a driver's describe() in several worker threads at once, as `--workers N` does when a driver
// says it can load in worker threads (src/runner/worker.ts), to check that claim against the client.
import { Worker } from 'node:worker_threads';
import type { DriverDescription } from '../../src/drivers/types.js';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url)
  .then((m) => m.driver.describe())
  .then((d) => parentPort.postMessage({ available: d.available, reason: d.reason }))
  .catch((err) => parentPort.postMessage({ available: false, reason: String(err) }));
`;

/** `driverModule`: file URL of a compiled driver (dist/src/drivers/<id>.js). */
export async function describeInWorkers(driverModule: URL, n: number): Promise<Pick<DriverDescription, 'available' | 'reason'>[]> {
  const workers = Array.from({ length: n }, () => new Worker(WORKER, { eval: true, workerData: { url: driverModule.href } }));
  try {
    return await Promise.all(
      workers.map(
        (w) =>
          new Promise<Pick<DriverDescription, 'available' | 'reason'>>((resolve) => {
            w.once('message', resolve);
            w.once('error', (err) => resolve({ available: false, reason: String(err) }));
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
