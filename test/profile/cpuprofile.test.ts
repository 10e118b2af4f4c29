// Reading a .cpuprofile: self time per function and its category, from a hand-made profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categorize, summarizeProfile, type CpuProfile } from '../../src/profile/cpuprofile.js';

const classifier = { clientPaths: ['/node_modules/kafkajs/'], kbenchPath: '/repo/dist/' };
const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

test('categorize: GC, idle, native, client library, Node core, other libraries, kbench', () => {
  assert.equal(categorize(frame('(garbage collector)'), classifier), 'GC');
  assert.equal(categorize(frame('(idle)'), classifier), 'idle');
  assert.equal(categorize(frame('(program)'), classifier), 'native (addon / V8 / libuv)');
  assert.equal(categorize(frame('produce'), classifier), 'native (addon / V8 / libuv)');
  assert.equal(categorize(frame('send', 'file:///repo/node_modules/kafkajs/src/producer.js'), classifier), 'client library JS');
  assert.equal(categorize(frame('emit', 'node:events'), classifier), 'Node core JS');
  assert.equal(categorize(frame('x', 'file:///repo/node_modules/piscina/dist/index.js'), classifier), 'other library JS');
  assert.equal(categorize(frame('producerAsync', 'file:///repo/dist/src/scenarios/producer.js'), classifier), 'user JS (kbench)');
});

test('summarizeProfile: self time = the time deltas of the samples that landed in each node', () => {
  const p: CpuProfile = {
    startTime: 0,
    endTime: 1000,
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 4] },
      { id: 2, callFrame: frame('send', 'file:///repo/node_modules/kafkajs/src/producer.js') },
      { id: 3, callFrame: frame('(garbage collector)') },
      { id: 4, callFrame: frame('producerAsync', 'file:///repo/dist/src/scenarios/producer.js') },
    ],
    samples: [2, 2, 3, 4, 2],
    timeDeltas: [100, 200, 50, 25, 300],
  };
  const s = summarizeProfile(p, classifier);
  assert.equal(s.totalUs, 675);
  assert.equal(s.categories['client library JS'], 600);
  assert.equal(s.categories.GC, 50);
  assert.equal(s.categories['user JS (kbench)'], 25);
  assert.equal(s.functions[0]?.functionName, 'send');
  assert.equal(s.functions[0]?.selfUs, 600);
});
