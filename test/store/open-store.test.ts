import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';

const kek = new Uint8Array(32).fill(3);

test('openStore: sqlite:PATH, a plain path, { path } and :memory: open SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-open-'));
  try {
    for (const location of [
      `sqlite:${join(dir, 'a.db')}`,
      `sqlite://${join(dir, 'b.db')}`,
      join(dir, 'c.db'),
      { path: join(dir, 'd.db') },
      ':memory:',
    ]) {
      const store = await openStore(location, { kek });
      assert.equal(store.dialect, 'sqlite');
      await store.close();
    }
    // The same file opened again by URL and by path is the same database.
    const a = await openStore(`sqlite:${join(dir, 'a.db')}`, { kek });
    await a.audit.append({ actor: 't', action: 'x', subject: 's' });
    await a.close();
    const again = await openStore(join(dir, 'a.db'), { kek });
    assert.equal((await again.audit.list()).items.length, 1);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openStore: an unknown scheme is ERR_STORE_URL and the message hides credentials; nonsense is a TypeError', async () => {
  await assert.rejects(openStore('mysql://root:hunter2@db/iotopia', { kek }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ERR_STORE_URL');
    assert.equal(e.message.includes('hunter2'), false);
    return true;
  });
  assert.throws(() => openStore('', { kek }), TypeError);
  await assert.rejects(async () => openStore(':memory:', { kek: new Uint8Array(8) }), TypeError);
});
