// The crossing counter on fake bindings: k calls counted as k, whatever way the binding defines its members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrossingCounter, instrumentBinding } from '../../src/overhead/crossings.js';

function fakeBinding(): Record<string, unknown> {
  class Client {
    calls = 0;
    send(n: number): number {
      this.calls++;
      return n;
    }
    /** Calls `cb` `times` times, as a native delivery-report dispatcher would. */
    dispatch(times: number, cb: (i: number) => void): void {
      for (let i = 0; i < times; i++) cb(i);
    }
    configure(cfg: { event: { delivery_cb: () => void } }, times: number): void {
      for (let i = 0; i < times; i++) cfg.event.delivery_cb();
    }
    later(): Promise<number> {
      return Promise.resolve(7);
    }
    get state(): string {
      return 'open';
    }
  }
  // As node-addon-api defines them: prototype members that cannot be replaced.
  class Fixed {
    poll(): number {
      return 1;
    }
  }
  Object.defineProperty(Fixed.prototype, 'poll', { configurable: false, writable: false, enumerable: false, value: Fixed.prototype.poll });
  return { Client, Fixed, version: () => '1.0', answer: 42 };
}

test('counts k JS→native calls of a prototype method, a plain function, an accessor and a non-configurable method', () => {
  const b = fakeBinding();
  const counter = new CrossingCounter();
  const wrapped = instrumentBinding(b, 'fake', counter);
  assert.ok(wrapped >= 6, `wrapped ${wrapped}`);
  const Client = b.Client as new () => { send(n: number): number; state: string; calls: number };
  const Fixed = b.Fixed as new () => { poll(): number };
  const c = new Client();
  const f = new Fixed();
  const version = (): string => (b.version as () => string)();
  c.send(0); // not counted: the counter is not active yet
  counter.active = true;
  const k = 1234;
  for (let i = 0; i < k; i++) assert.equal(c.send(i), i);
  for (let i = 0; i < 5; i++) version();
  for (let i = 0; i < 3; i++) assert.equal(c.state, 'open');
  for (let i = 0; i < 11; i++) assert.equal(f.poll(), 1);
  counter.active = false;
  c.send(0);
  assert.equal(c.calls, k + 2, 'the original method still runs');
  assert.equal(counter.jsToNative, k + 5 + 3 + 11);
  assert.equal(counter.nativeToJs, 0);
  const s = counter.snapshot();
  assert.equal(s.byFunction['fake.Client.send'], k);
  assert.equal(s.byFunction['fake.version'], 5);
  assert.equal(s.byFunction['fake.Client.state (get)'], 3);
  assert.equal(s.byFunction['fake.Fixed.poll'], 11);
});

test('counts callbacks handed to the binding, nested callback objects and settled promises as native→JS', async () => {
  const b = fakeBinding();
  const counter = new CrossingCounter();
  instrumentBinding(b, 'fake', counter);
  const c = new (b.Client as new () => { dispatch(t: number, cb: (i: number) => void): void; configure(cfg: object, t: number): void; later(): Promise<number> })();
  counter.active = true;
  let seen = 0;
  c.dispatch(250, () => seen++);
  const cb = Object.assign(() => seen++, { dr_msg_cb: true });
  const cfg = { event: { delivery_cb: cb } };
  c.configure(cfg, 40);
  assert.equal(await c.later(), 7);
  counter.active = false;
  assert.equal(seen, 290);
  assert.equal((cfg.event.delivery_cb as unknown as { dr_msg_cb: boolean }).dr_msg_cb, true, 'flags on the callback survive the wrapper');
  assert.equal(counter.jsToNative, 3);
  assert.equal(counter.nativeToJs, 250 + 40 + 1);
});

test('reset() starts a measured region from zero', () => {
  const b = fakeBinding();
  const counter = new CrossingCounter();
  instrumentBinding(b, 'fake', counter);
  const c = new (b.Client as new () => { send(n: number): number })();
  counter.active = true;
  c.send(1);
  counter.reset();
  c.send(2);
  assert.equal(counter.jsToNative, 1);
});
