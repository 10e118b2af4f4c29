// `kbench sweep`'s options: what they map to, the errors that name them, and that the broker /
// connection / client options are `kbench run`'s own definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { parseRates, runOptionDefinitions, SHARED_RUN_OPTIONS, sweepPlanFrom } from '../../src/cli/sweep.js';
import { registerRun } from '../../src/cli/run.js';
import { buildProgram } from '../../src/cli/program.js';
import { stepSpec } from '../../src/sweep/run.js';
import { UsageError } from '../../src/util/errors.js';
import { runKbench } from '../helpers/broker.js';

test('defaults: doubling from 1,000 to 1M, e2e-latency, p99<20ms, 10 s, one repetition, four Node clients', () => {
  const { plan } = sweepPlanFrom({});
  assert.deepEqual(plan.rates, { mode: 'doubling', start: 1000, max: 1_000_000 });
  assert.equal(plan.scenario, 'e2e-latency');
  assert.equal(plan.slo.text, 'p99<20ms');
  assert.equal(plan.durationMs, 10_000);
  assert.equal(plan.repeat, 1);
  assert.deepEqual(plan.drivers, ['addon', 'node-rdkafka', 'kafkajs', 'platformatic']);
});

test('options map onto each step’s run spec: the rate, the duration, the scenario, run’s own settings', () => {
  const { plan } = sweepPlanFrom({ drivers: 'addon,kafkajs', rates: '4k,1000,2000', scenario: 'producer-async', duration: '3s', repeat: '2', sizes: '1k', acks: '1', brokers: 'h:9092', brokerWarmup: '5000', partitions: '3' });
  assert.deepEqual(plan.rates, { mode: 'list', list: [1000, 2000, 4000] });
  const first = stepSpec(plan, 1000, plan.drivers, true);
  assert.equal(first.settings.rate, 1000);
  assert.equal(first.durationMs, 3000);
  assert.deepEqual(first.scenarios, ['producer-async']);
  assert.equal(first.repeat, 2);
  assert.deepEqual(first.sizes, [1024]);
  assert.equal(first.settings.acks, '1');
  assert.equal(first.partitions, 3);
  assert.deepEqual(first.connection?.brokers, ['h:9092']);
  assert.equal(first.brokerWarmup.messages, 5000);
  const later = stepSpec(plan, 2000, ['kafkajs'], false);
  assert.equal(later.brokerWarmup.messages, 0, 'the broker is warmed up at the first step only');
  assert.deepEqual(later.drivers, ['kafkajs']);
  assert.equal(later.settings.rate, 2000);
});

test('bad options are UsageErrors naming the option', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ slo: 'p99<abc' }, /^--slo/],
    [{ slo: 'p42<1ms' }, /^--slo: unknown percentile 'p42'/],
    [{ rates: '0' }, /^--rates/],
    [{ rates: '1000,x' }, /^--rates/],
    [{ rates: '1000', start: '10' }, /--rates and --start/],
    [{ start: '0' }, /^--start/],
    [{ start: '5000', max: '1000' }, /--start 5000 is above --max 1000/],
    [{ scenario: 'consumer' }, /^--scenario must be one of e2e-latency, producer-sync, producer-async/],
    [{ duration: '0s' }, /^--duration/],
    [{ repeat: '0' }, /^--repeat/],
    [{ drivers: 'nope' }, /^--drivers: unknown driver 'nope'/],
    [{ acks: '2' }, /^--acks/],
  ];
  for (const [o, re] of cases) {
    assert.throws(() => {
      const { plan } = sweepPlanFrom(o);
      stepSpec(plan, 1000, plan.drivers, true);
    }, (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(o));
  }
  assert.deepEqual(parseRates('5000,1000,1000'), [1000, 5000]);
});

test('the shared options are kbench run’s definitions (same flags, descriptions and parsers)', () => {
  const tmp = new Command();
  registerRun(tmp);
  const run = tmp.commands.find((c) => c.name() === 'run') as Command;
  const shared = runOptionDefinitions();
  assert.deepEqual(shared.map((o) => o.long), [...SHARED_RUN_OPTIONS]);
  for (const o of shared) {
    const r = run.options.find((x) => x.long === o.long);
    assert.equal(o.description, r?.description, o.long);
    assert.equal(o.flags, r?.flags, o.long);
  }
  const sweep = buildProgram().commands.find((c) => c.name() === 'sweep') as Command;
  for (const f of ['--brokers', '--sasl', '--tls-ca', '--cpus', '--broker-warmup', '--client-config', '--slo', '--rates', '--start', '--max', '--report', '--md', '--out']) {
    assert.ok(sweep.options.some((o) => o.long === f), f);
  }
});

test('kbench sweep with bad input exits ≠ 0 naming the option, before starting anything', async () => {
  for (const [args, re] of [
    [['--slo', 'p99<abc'], /--slo/],
    [['--rates', '0'], /--rates/],
    [['--slo', 'p97<20ms'], /unknown percentile 'p97'/],
  ] as const) {
    const r = await runKbench(['sweep', ...args, '--quiet'], process.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
});
