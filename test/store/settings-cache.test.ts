import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SCOPE_ROWS_MAX,
  SETTINGS_CACHE_MS,
  type SettingsCacheIo,
  type StoredSetting,
  settingsCache,
} from '../../src/store/sql/settings-cache.ts';

/** A settings table in memory behind the cache, counting the queries the cache makes. */
function table() {
  const rows = new Map<string, StoredSetting>();
  const calls = { generation: 0, scope: 0, row: 0 };
  let generation = 0;
  const id = (scope: string, key: string) => JSON.stringify([scope, key]);
  const io: SettingsCacheIo = {
    async generation() {
      calls.generation++;
      return generation;
    },
    async scope(scope, limit) {
      calls.scope++;
      return [...rows.values()]
        .filter((r) => r.scope === scope)
        .sort((a, b) => (a.key < b.key ? -1 : 1))
        .slice(0, limit);
    },
    async row(scope, key) {
      calls.row++;
      return rows.get(id(scope, key));
    },
  };
  return {
    io,
    calls,
    /** A write as any replica's trigger counts it. */
    set(scope: string, key: string, value: unknown) {
      rows.set(id(scope, key), { scope, key, value: JSON.stringify(value), sealed: 0, updated_at: 0 });
      generation++;
    },
  };
}

const jsonOf = (r: StoredSetting | undefined) => (r === undefined ? undefined : JSON.parse(r.value));

test('settings cache: a small scope is read once, whole, and answers for keys it lacks', async () => {
  let now = 0;
  const t = table();
  t.set('owner', 'to2-address', 'a');
  const cache = settingsCache(() => now);
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'a');
  assert.equal(await cache.get('owner', 'serviceinfo-default', t.io), undefined);
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'a');
  assert.deepEqual(t.calls, { generation: 1, scope: 1, row: 0 });
  // Past the interval the generation is asked again; unchanged, nothing else is read.
  now += SETTINGS_CACHE_MS;
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'a');
  assert.deepEqual(t.calls, { generation: 2, scope: 1, row: 0 });
});

test('settings cache: another replica`s change is seen once the interval has passed, not before', async () => {
  let now = 0;
  const t = table();
  t.set('owner', 'to2-address', 'a');
  const cache = settingsCache(() => now);
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'a');
  t.set('owner', 'to2-address', 'b');
  now += SETTINGS_CACHE_MS - 1;
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'a', 'within the bound: what was read');
  now += 1;
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'b', 'at the bound: the change');
});

test('settings cache: a write of this process is seen at once, also one committed after its statement', async () => {
  let now = 0;
  const t = table();
  t.set('owner', 'to2-address', 'a');
  const cache = settingsCache(() => now);
  await cache.get('owner', 'to2-address', t.io);
  await cache.write(async () => t.set('owner', 'to2-address', 'b'));
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'b');
  // A transaction's write: its statement runs (nothing visible yet), a read meanwhile keeps the old
  // row, the commit comes after the write returned. The next read checks the generation again.
  let commit = () => {};
  await cache.write(async () => {
    commit = () => t.set('owner', 'to2-address', 'c');
  });
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'b');
  commit();
  now += 1;
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'c');
});

test('settings cache: a read that overlaps a write keeps nothing', async () => {
  const t = table();
  t.set('owner', 'to2-address', 'a');
  const cache = settingsCache(() => 0);
  let release = () => {};
  const slow: SettingsCacheIo = {
    ...t.io,
    scope: async (scope, limit) => {
      const rows = await t.io.scope(scope, limit);
      await new Promise<void>((r) => {
        release = r;
      });
      return rows;
    },
  };
  const reading = cache.get('owner', 'to2-address', slow);
  await new Promise((r) => setImmediate(r));
  await cache.write(async () => t.set('owner', 'to2-address', 'b'));
  release();
  assert.equal(jsonOf(await reading), 'a');
  assert.equal(jsonOf(await cache.get('owner', 'to2-address', t.io)), 'b');
});

test('settings cache: a large scope is read key by key', async () => {
  const t = table();
  for (let i = 0; i <= SCOPE_ROWS_MAX; i++) t.set('owner.serviceinfo', `k${String(i).padStart(3, '0')}`, i);
  const cache = settingsCache(() => 0);
  assert.equal(jsonOf(await cache.get('owner.serviceinfo', 'k005', t.io)), 5);
  assert.equal(await cache.get('owner.serviceinfo', 'absent', t.io), undefined);
  assert.deepEqual(t.calls, { generation: 1, scope: 1, row: 2 });
});

test('settings cache: forget drops everything', async () => {
  const t = table();
  t.set('owner', 'to2-address', 'a');
  const cache = settingsCache(() => 0);
  await cache.get('owner', 'to2-address', t.io);
  cache.forget();
  await cache.get('owner', 'to2-address', t.io);
  assert.deepEqual(t.calls, { generation: 2, scope: 2, row: 0 });
});
