// The addon loader and what the addon says about itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { binding } from '../../src/native/binding.js';
import { addonPath, errorName, librdkafkaVersion } from '../../src/native/index.js';

const paths = createRequire(import.meta.url)('../../../scripts/paths.cjs') as { librdkafkaVersion: string };

test("the addon runs on the project's librdkafka and was compiled against the same version", () => {
  assert.equal(librdkafkaVersion(), paths.librdkafkaVersion);
  assert.equal(binding().headerVersion, paths.librdkafkaVersion);
  assert.match(addonPath(), /kbench\.node$/);
  // `npm run test:asan` sets this: the suite must really run on the sanitizer build.
  if (process.env.KBENCH_EXPECT_BUILD) assert.equal(binding().build, process.env.KBENCH_EXPECT_BUILD);
});

test("errorName gives librdkafka's enum names", () => {
  assert.equal(errorName(-185), 'ERR__TIMED_OUT');
  assert.equal(errorName(-184), 'ERR__QUEUE_FULL');
  assert.equal(errorName(-192), 'ERR__MSG_TIMED_OUT');
  assert.equal(errorName(3), 'ERR_UNKNOWN_TOPIC_OR_PART');
});

test('a missing addon is one clear error that says how to build it', () => {
  const index = fileURLToPath(new URL('../../src/native/index.js', import.meta.url));
  const script = `
    const { NativeProducer } = await import(${JSON.stringify(index)});
    try { new NativeProducer({}); } catch (e) { console.log(e.name + ': ' + e.message); }
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, KBENCH_ADDON: '/nonexistent/kbench.node' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /EnvironmentError: KBENCH_ADDON points at \/nonexistent\/kbench\.node, which does not exist/);
});
