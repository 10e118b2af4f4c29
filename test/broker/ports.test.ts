import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { freePorts } from '../../src/broker/ports.js';

test('freePorts returns distinct ports that can actually be bound', async () => {
  const ports = await freePorts(12);
  assert.equal(ports.length, 12);
  assert.equal(new Set(ports).size, 12);
  const servers: net.Server[] = [];
  try {
    for (const port of ports) {
      assert.ok(port > 0 && port < 65536);
      const s = net.createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve());
      });
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
});

test('freePorts(0) is empty', async () => {
  assert.deepEqual(await freePorts(0), []);
});
