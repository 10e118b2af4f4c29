// kbench run --scenarios failover end to end on its own embedded 3-node cluster, once per fault
// mode: the fault lands on the arm's fault line (node 2, the preferred leader of partitions 2 and
// 5), the node comes back, the topic is read back and every measured message is accounted for —
// what the client acknowledged, reported failed or left open against what the topic holds. The
// accounting must add up to the records read back, whatever the client did.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { FaultMode, ResultsDocument } from '../../src/results/types.js';
import { describeRun, runKbench } from '../helpers/broker.js';

async function failoverRun(t: { after(fn: () => void): void }, mode: FaultMode, drivers: string): Promise<{ doc: ResultsDocument; stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kbench-failover-${mode}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'f.json');
  const args = ['run', '--scenarios', 'failover', '--drivers', drivers, '--messages', '20000', '--rate', '5000', '--fault', mode, '--fault-at', '5000', '--fault-down', '2s', '--repeat', '1', '--broker-warmup', '0', '--out', out];
  const r = await runKbench(args, { ...process.env, NO_COLOR: '1' }, { timeoutMs: 400_000 });
  assert.equal(r.code, 0, describeRun(r));
  return { doc: JSON.parse(fs.readFileSync(out, 'utf8')) as ResultsDocument, stdout: r.stdout };
}

function checkAccounting(doc: ResultsDocument, mode: FaultMode, drivers: string[]): void {
  assert.equal(doc.env.broker.nodes, 3);
  assert.deepEqual(doc.runs.map((r) => r.driver).sort(), [...drivers].sort());
  for (const run of doc.runs) {
    assert.equal(run.scenario, 'failover');
    assert.equal(run.replication, 3);
    assert.equal(run.settings.acks, 'all');
    assert.equal(run.settings.idempotence, true);
    const rep = run.repetitions[0];
    assert.ok(rep, run.driver);
    assert.equal(rep.verification.verified, true, `${run.driver}: ${rep.verification.failures.join('; ')} ${rep.error ?? ''}`);
    const f = rep.failover;
    assert.ok(f, `${run.driver}: a failover result`);
    assert.equal(f.fault.mode, mode);
    assert.equal(f.fault.node, 2);
    assert.deepEqual(f.fault.partitionsLed, [2, 5], 'node 2 leads partitions p ≡ 2 (mod 3)');
    assert.equal(f.fault.atMessage, 5000);
    assert.equal(f.fault.error, undefined);
    assert.ok(f.fault.backMs !== undefined && f.fault.backMs - f.fault.atMs >= 2000, `${run.driver}: back only after the down time (${f.fault.atMs} → ${f.fault.backMs})`);
    assert.equal(f.sent, 20_000);
    assert.equal(f.foreignRecords, 0);
    // The node came back: every message got an outcome from the client (acknowledged or failed).
    assert.equal(f.unsettled, 0, `${run.driver}: messages without an outcome`);
    assert.ok(f.acked + f.failed >= f.sent, `${run.driver}: ${f.acked} acked + ${f.failed} failed < ${f.sent} sent`);
    // What the topic holds (read back, warm-up excluded) = acked and present + unacked but present + extra copies.
    const records = Number(/read back all (\d+) records/.exec(rep.verification.checks.join(' '))?.[1]);
    assert.equal(records - run.warmup, f.acked - f.ackedLost + f.unackedPresent + f.duplicates, `${run.driver}: the accounting adds up to the records read back`);
  }
}

test('failover --fault kill: the leader of partitions 2 and 5 SIGKILLed mid-arm and restarted; every message accounted for (addon, node-rdkafka)', { timeout: 420_000 }, async (t) => {
  const { doc, stdout } = await failoverRun(t, 'kill', 'addon,node-rdkafka');
  checkAccounting(doc, 'kill', ['addon', 'node-rdkafka']);
  assert.match(stdout, /Failover: acknowledged against read back/);
  assert.match(stdout, /fault: kill \(SIGKILL\) of node 2 \(leader of partitions 2, 5\) after 5,000 messages/);
});

test('failover --fault pause: SIGSTOP, SIGCONT after the down time (addon)', { timeout: 420_000 }, async (t) => {
  const { doc } = await failoverRun(t, 'pause', 'addon');
  checkAccounting(doc, 'pause', ['addon']);
});

test('failover --fault restart: a clean stop, started again after the down time (addon)', { timeout: 420_000 }, async (t) => {
  const { doc } = await failoverRun(t, 'restart', 'addon');
  checkAccounting(doc, 'restart', ['addon']);
});
