import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  STORAGE_DIR_PREFIX,
  TMPFS_MIN_FREE_BYTES,
  TMPFS_ROOT,
  createStorage,
  nodeDataDir,
  parseStorage,
  removeAbandonedStorage,
  removeStorage,
  tmpfsProblem,
} from '../../src/broker/storage.js';
import { EnvironmentError, UsageError } from '../../src/util/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-storage-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const shmUsable = tmpfsProblem() === undefined;

test('parseStorage: tmpfs, disk, auto (default auto); anything else names the option', () => {
  assert.equal(parseStorage(undefined), 'auto');
  assert.equal(parseStorage('tmpfs'), 'tmpfs');
  assert.equal(parseStorage(' DISK '), 'disk');
  assert.throws(() => parseStorage('ram'), (e: unknown) => e instanceof UsageError && /^--storage must be tmpfs, disk, auto \(got 'ram'\)/.test(e.message));
  assert.throws(() => parseStorage('', 'storage'), (e: unknown) => e instanceof UsageError && e.message.startsWith('storage must be'));
});

test('tmpfsProblem: a disk directory, a missing one, too little free space', () => {
  assert.match(tmpfsProblem(tmp) ?? '', /is not a tmpfs \(filesystem type 0x[0-9a-f]+\)/);
  assert.match(tmpfsProblem(path.join(tmp, 'missing')) ?? '', /is not usable \(ENOENT\)/);
  if (shmUsable) {
    assert.equal(tmpfsProblem(TMPFS_ROOT, TMPFS_MIN_FREE_BYTES), undefined);
    assert.match(tmpfsProblem(TMPFS_ROOT, 2 ** 60) ?? '', /GiB free, less than the \d+\.\d GiB kbench requires/);
  }
  assert.equal(TMPFS_MIN_FREE_BYTES, 2 * 1024 ** 3);
});

test('disk storage is the run directory', () => {
  const s = createStorage('disk', { keep: false, runDir: '/r' });
  assert.deepEqual(s, { kind: 'disk', path: '/r', reason: 'disk storage was asked for' });
  assert.equal(nodeDataDir(s, '/r/node-1', 1), '/r/node-1/data');
});

test('auto falls back to disk with the reason; explicit tmpfs fails instead', () => {
  const s = createStorage('auto', { tmpfsRoot: tmp, keep: false, runDir: '/r' });
  assert.equal(s.kind, 'disk');
  assert.equal(s.path, '/r');
  assert.match(s.reason ?? '', /^tmpfs unavailable: .* is not a tmpfs/);
  assert.throws(
    () => createStorage('tmpfs', { tmpfsRoot: tmp, keep: false, runDir: '/r' }),
    (e: unknown) => e instanceof EnvironmentError && /tmpfs storage was asked for, but .* is not a tmpfs.*use storage 'auto' or 'disk'/.test(e.message),
  );
});

test('tmpfs storage: a fresh directory with an owner record, removed by removeStorage', { skip: !shmUsable && 'no usable tmpfs at /dev/shm' }, () => {
  for (const request of ['tmpfs', 'auto'] as const) {
    const s = createStorage(request, { keep: false, runDir: '/r' });
    try {
      assert.equal(s.kind, 'tmpfs');
      assert.equal(s.reason, undefined);
      assert.equal(path.dirname(s.path), TMPFS_ROOT);
      assert.ok(path.basename(s.path).startsWith(STORAGE_DIR_PREFIX));
      const owner = JSON.parse(fs.readFileSync(path.join(s.path, 'owner.json'), 'utf8')) as { pid: number; runDir: string };
      assert.equal(owner.pid, process.pid);
      assert.equal(owner.runDir, '/r');
      assert.equal(nodeDataDir(s, '/r/node-2', 2), path.join(s.path, 'node-2'));
    } finally {
      removeStorage(s);
    }
    assert.equal(fs.existsSync(s.path), false);
  }
});

test('removeAbandonedStorage removes only directories whose owner is gone and that were not to be kept', () => {
  const root = path.join(tmp, 'abandoned');
  fs.mkdirSync(root);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  const make = (name: string, owner: object | undefined): string => {
    const d = path.join(root, name);
    fs.mkdirSync(path.join(d, 'node-0'), { recursive: true });
    if (owner) fs.writeFileSync(path.join(d, 'owner.json'), JSON.stringify(owner));
    return d;
  };
  const gone = make(`${STORAGE_DIR_PREFIX}gone`, { pid: deadPid, keep: false, runDir: path.join(tmp, 'no-run') });
  const kept = make(`${STORAGE_DIR_PREFIX}kept`, { pid: deadPid, keep: true });
  const alive = make(`${STORAGE_DIR_PREFIX}alive`, { pid: process.pid, keep: false });
  const unowned = make(`${STORAGE_DIR_PREFIX}unowned`, undefined);
  const other = make('something-else', { pid: deadPid, keep: false });
  removeAbandonedStorage(root);
  assert.equal(fs.existsSync(gone), false);
  for (const d of [kept, alive, unowned, other]) assert.ok(fs.existsSync(d), d);
});
