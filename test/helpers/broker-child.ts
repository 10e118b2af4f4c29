// A process that starts an embedded broker for the lifecycle tests, prints one JSON line
// {runDir, pids, bootstrap}, then, depending on argv[2]:
//   wait    stay alive until killed or signalled (the library's SIGINT/SIGTERM handling applies)
//   forget  return without stopping it (the 'beforeExit' hook must stop it)
// Without an argument it does nothing: `node --test dist/test/` runs every file under test/, this one too.
import { startBroker } from '../../src/broker/index.js';

const mode = process.argv[2];
if (mode === 'wait' || mode === 'forget') {
  const broker = await startBroker({ heap: '512m' });
  process.stdout.write(
    `${JSON.stringify({ runDir: broker.runDir, bootstrap: broker.bootstrap, pids: broker.nodes.map((n) => n.pid) })}\n`,
  );
  if (mode === 'wait') setInterval(() => undefined, 1 << 30);
}
