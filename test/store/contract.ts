/**
 * The one storage contract: every backend runs exactly these tests (sqlite.test.ts,
 * postgres.test.ts). A harness per test gives each its own empty database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Kysely, Migrator } from 'kysely';
import { hashSecret } from '../../src/store/hash-secret.ts';
import { migrations } from '../../src/store/migrations/migrate.ts';
import { MAX_MUD_FILE_BYTES, MAX_MUD_SIGNATURE_BYTES } from '../../src/store/mud-file-repository.ts';
import { createPostgresDialect } from '../../src/store/postgres/dialect.ts';
import type { Database } from '../../src/store/schema.ts';
import { createSqliteDialect } from '../../src/store/sqlite/dialect.ts';
import type { Store } from '../../src/store/store.ts';
import { runFdoAdapterContract } from './fdo-contract.ts';
import type { StoreHarness } from './harness.ts';

const WRITER = new URL('./fixtures/writer.ts', import.meta.url).pathname;

export const KEK = new Uint8Array(32).fill(7);
const OTHER_KEK = new Uint8Array(32).fill(9);

export const guid = (n: number): Uint8Array => {
  const g = new Uint8Array(16);
  g[15] = n;
  g[0] = 0xa0;
  return g;
};

const hasCode = (code: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, code, `expected ${code}, got ${String(e)}`);
  return true;
};

/** A clock tests can move. */
export function movableClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms), now: () => now };
}

export type HarnessFactory = () => Promise<StoreHarness>;

async function withStore(make: HarnessFactory, fn: (store: Store, h: StoreHarness) => Promise<void>, clock?: () => Date) {
  const h = await make();
  const store = await h.open(KEK, clock);
  try {
    await fn(store, h);
  } finally {
    await store.close();
    await h.destroy();
  }
}

async function drain<T>(list: (after?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  do {
    const p = await list(after);
    pages.push(p.items);
    after = p.next;
  } while (after !== undefined);
  return pages;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function runStoreContract(name: string, make: HarnessFactory): void {
  describe(`store contract: ${name}`, () => {
    test('migrations ran at open; running them again changes nothing; reopening keeps the data', async () => {
      const h = await make();
      try {
        const store = await h.open(KEK);
        assert.deepEqual(await store.migrate(), []);
        await store.vouchers.put({ side: 'owner', guid: guid(1), voucher: Uint8Array.of(1, 2, 3), state: 'imported' });
        await store.close();
        if (!h.shared) return;
        const again = await h.open(KEK);
        assert.deepEqual(await again.migrate(), []);
        assert.deepEqual((await again.vouchers.get('owner', guid(1)))?.voucher, Uint8Array.of(1, 2, 3));
        await again.close();
      } finally {
        await h.destroy();
      }
    });

    test('close is idempotent: a second and a concurrent close resolve; a replica on the same database keeps working', async () => {
      const h = await make();
      try {
        const store = await h.open(KEK);
        const other = h.shared ? await h.open(KEK) : undefined;
        await Promise.all([store.close(), store.close()]);
        await store.close();
        if (other !== undefined) {
          await other.vouchers.put({ side: 'owner', guid: guid(2), voucher: Uint8Array.of(2), state: 'imported' });
          assert.equal((await other.vouchers.get('owner', guid(2)))?.state, 'imported');
          await other.close();
          await other.close();
        }
      } finally {
        await h.destroy();
      }
    });

    test('migrations: a database at an older schema is brought up to date at open, data kept', async (t) => {
      const h = await make();
      try {
        if (h.location === undefined) return t.skip('needs a database that outlives one connection');
        const dialect = h.location.startsWith('postgres') ? 'postgres' : 'sqlite';
        const db = new Kysely<Database>({
          dialect: dialect === 'postgres' ? createPostgresDialect(h.location) : createSqliteDialect(h.location.slice('sqlite:'.length)),
        });
        const old = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
        const first = await old.migrateTo('0001-initial');
        assert.equal(first.error, undefined);
        await db.insertInto('audit_log').values({ at: 1, actor: 'v1', action: 'a', subject: 's', details: '{}' }).execute();
        await db.updateTable('audit_log').set({ actor: 'still mutable at 0001' }).execute();
        await db.destroy();
        const store = await h.open(KEK);
        try {
          assert.deepEqual(await store.migrate(), []);
          assert.equal((await store.audit.list()).items[0]?.actor, 'still mutable at 0001');
          if (h.raw) await assert.rejects(h.raw("UPDATE audit_log SET actor = 'x'"), /append-only/);
        } finally {
          await store.close();
        }
      } finally {
        await h.destroy();
      }
    });

    test('vouchers: put, get, replace, state, sides apart, pagination in GUID order', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store) => {
          for (const n of [5, 3, 1, 4, 2])
            await store.vouchers.put({ side: 'owner', guid: guid(n), voucher: Uint8Array.of(n), state: 'imported' });
          await store.vouchers.put({ side: 'manufacturer', guid: guid(1), voucher: Uint8Array.of(99), state: 'created' });
          const v = await store.vouchers.get('owner', guid(1));
          assert.ok(v);
          assert.equal(v.voucher.constructor, Uint8Array);
          assert.deepEqual(v.voucher, Uint8Array.of(1));
          assert.deepEqual(v.guid, guid(1));
          assert.equal(v.createdAt.getTime(), c.now());
          assert.deepEqual((await store.vouchers.get('manufacturer', guid(1)))?.voucher, Uint8Array.of(99));
          assert.equal(await store.vouchers.get('owner', guid(9)), undefined);

          c.advance(1000);
          await store.vouchers.put({ side: 'owner', guid: guid(1), voucher: Uint8Array.of(11), state: 'registered' });
          const replaced = await store.vouchers.get('owner', guid(1));
          assert.deepEqual(replaced?.voucher, Uint8Array.of(11));
          assert.equal(replaced?.state, 'registered');
          assert.equal(replaced?.createdAt.getTime(), c.now() - 1000);
          assert.equal(replaced?.updatedAt.getTime(), c.now());

          await store.vouchers.setState('owner', guid(2), 'onboarded');
          assert.equal((await store.vouchers.get('owner', guid(2)))?.state, 'onboarded');
          await assert.rejects(store.vouchers.setState('owner', guid(9), 'onboarded'), hasCode('ERR_STORE_NOT_FOUND'));

          const pages = await drain((after) => store.vouchers.list('owner', { limit: 2, ...(after === undefined ? {} : { after }) }));
          assert.deepEqual(
            pages.map((p) => p.map((x) => x.guid[15])),
            [[1, 2], [3, 4], [5]],
          );
          const imported = await store.vouchers.list('owner', { state: 'imported' });
          assert.deepEqual(
            imported.items.map((x) => x.guid[15]),
            [3, 4, 5],
          );
          assert.equal(imported.next, undefined);
          assert.equal((await store.vouchers.list('manufacturer')).items.length, 1);
          await assert.rejects(store.vouchers.list('owner', { after: '%%%' }), hasCode('ERR_STORE_CURSOR'));

          await store.vouchers.setRegisteredUntil('owner', guid(3), new Date(c.now() + 1000));
          await store.vouchers.setRegisteredUntil('owner', guid(4), new Date(c.now() + 9000));
          await assert.rejects(store.vouchers.setRegisteredUntil('owner', guid(9), new Date()), hasCode('ERR_STORE_NOT_FOUND'));
          assert.deepEqual((await store.vouchers.get('owner', guid(3)))?.registeredUntil, new Date(c.now() + 1000));
          assert.deepEqual(
            (await store.vouchers.list('owner', { registeredBefore: new Date(c.now() + 5000) })).items.map((x) => x.guid[15]),
            [3],
          );
          await store.vouchers.put({ side: 'owner', guid: guid(3), voucher: Uint8Array.of(33), state: 'imported' });
          assert.equal((await store.vouchers.get('owner', guid(3)))?.registeredUntil, undefined, 'new bytes are not registered yet');
          await assert.rejects(store.vouchers.list('owner', { limit: 0 }), TypeError);
        },
        c.clock,
      );
    });

    test('devices: upsert keeps creation time, onboarding records the replacement GUID, filtered pages', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store) => {
          for (let n = 1; n <= 4; n++) await store.devices.upsert({ guid: guid(n), state: 'manufactured' });
          c.advance(5000);
          await store.devices.upsert({ guid: guid(1), state: 'owned' });
          const d = await store.devices.get(guid(1));
          assert.equal(d?.state, 'owned');
          assert.equal(d?.createdAt.getTime(), c.now() - 5000);
          assert.equal(d?.updatedAt.getTime(), c.now());
          assert.equal(d?.replacementGuid, undefined);
          await store.devices.markOnboarded(guid(1), guid(100));
          const o = await store.devices.get(guid(1));
          assert.equal(o?.state, 'onboarded');
          assert.deepEqual(o?.replacementGuid, guid(100));
          assert.equal(o?.onboardedAt?.getTime(), c.now());
          assert.deepEqual((await store.devices.getByReplacementGuid(guid(100)))?.guid, guid(1));
          assert.equal(await store.devices.getByReplacementGuid(guid(101)), undefined);
          await assert.rejects(store.devices.markOnboarded(guid(9), guid(10)), hasCode('ERR_STORE_NOT_FOUND'));
          assert.equal(await store.devices.get(guid(9)), undefined);
          const pages = await drain((after) =>
            store.devices.list({ limit: 2, state: 'manufactured', ...(after === undefined ? {} : { after }) }),
          );
          assert.deepEqual(
            pages.map((p) => p.map((x) => x.guid[15])),
            [[2, 3], [4]],
          );
        },
        c.clock,
      );
    });

    test('sessions: create, read, advance by version, expiry, delete; the token and state are not stored in clear', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store, h) => {
          const token = randomBytes(24).toString('base64url');
          const expiresAt = new Date(c.now() + 60_000);
          const state = { step: 1, sessionKey: 'c2VjcmV0LXNlc3Npb24ta2V5' };
          await store.sessions.create(token, { role: 'owner', protocol: 'to2', state, expiresAt });
          await assert.rejects(
            store.sessions.create(token, { role: 'owner', protocol: 'to2', state, expiresAt }),
            hasCode('ERR_STORE_DUPLICATE'),
          );
          assert.deepEqual(await store.sessions.get(token), { role: 'owner', protocol: 'to2', state, version: 1, expiresAt });
          assert.equal(await store.sessions.get('unknown-token'), undefined);

          assert.equal(await store.sessions.update(token, 1, { step: 2 }, expiresAt), true);
          assert.deepEqual((await store.sessions.get(token))?.state, { step: 2 });
          assert.equal(await store.sessions.update(token, 1, { step: 3 }, expiresAt), false);
          assert.equal(await store.sessions.update('unknown-token', 1, { step: 3 }, expiresAt), false);
          assert.equal(await store.sessions.update(token, 2, null, new Date(c.now() + 120_000)), true, 'null: a replica claimed it');
          assert.deepEqual(await store.sessions.get(token), {
            role: 'owner',
            protocol: 'to2',
            state: null,
            version: 3,
            expiresAt: new Date(c.now() + 120_000),
          });

          if (h.raw) {
            const rows = await h.raw('SELECT token_hash, state FROM sessions');
            assert.equal(rows.length, 1);
            assert.equal(rows[0]?.['token_hash'], hashSecret(token));
            await store.sessions.update(token, 3, state, expiresAt);
            const [row] = await h.raw('SELECT state FROM sessions');
            const raw = Buffer.from(row?.['state'] as Uint8Array);
            assert.equal(raw.includes(Buffer.from('sessionKey')), false);
            assert.equal(raw.includes(Buffer.from(state.sessionKey)), false);
            await store.sessions.update(token, 4, null, new Date(c.now() + 120_000));
          }

          c.advance(120_000);
          assert.ok(await store.sessions.get(token), 'an expired session is still there until removed: the transport decides');
          await store.sessions.create('fresh', { role: 'rendezvous', protocol: 'to1', state: {}, expiresAt: new Date(c.now() + 1000) });
          assert.equal(await store.sessions.deleteExpired(), 1);
          assert.equal(await store.sessions.get(token), undefined);
          assert.ok(await store.sessions.get('fresh'));

          assert.equal(await store.sessions.delete('fresh', 2), false);
          assert.equal(await store.sessions.delete('fresh', 1), true);
          assert.equal(await store.sessions.delete('fresh'), false);
          assert.equal(await store.sessions.get('fresh'), undefined);
        },
        c.clock,
      );
    });

    test('sessions: of two concurrent updates from the same version exactly one wins (one store, and two replicas)', async () => {
      const h = await make();
      const a = await h.open(KEK);
      const b = h.shared ? await h.open(KEK) : a;
      const expiresAt = new Date(Date.now() + 60_000);
      try {
        for (const [x, y] of [
          [a, a],
          [a, b],
        ] as const) {
          const token = randomBytes(16).toString('hex');
          await x.sessions.create(token, { role: 'owner', protocol: 'to2', state: { n: 0 }, expiresAt });
          for (let round = 1; round <= 5; round++) {
            const results = await Promise.all([
              x.sessions.update(token, round, { n: round, by: 'x' }, expiresAt),
              y.sessions.update(token, round, { n: round, by: 'y' }, expiresAt),
            ]);
            assert.equal(results.filter(Boolean).length, 1, `round ${round}: exactly one update wins`);
            assert.deepEqual((await y.sessions.get(token))?.state, { n: round, by: results[0] ? 'x' : 'y' });
            assert.equal((await x.sessions.get(token))?.version, round + 1);
          }
        }
      } finally {
        if (b !== a) await b.close();
        await a.close();
        await h.destroy();
      }
    });

    test('rendezvous: put replaces, get returns expired ones too, pages, expired ones removed', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store) => {
          for (let n = 1; n <= 3; n++) {
            await store.rendezvous.put({
              guid: guid(n),
              to1d: Uint8Array.of(n),
              voucher: Uint8Array.of(n, n),
              expiresAt: new Date(c.now() + n * 1000),
            });
          }
          await store.rendezvous.put({
            guid: guid(1),
            to1d: Uint8Array.of(42),
            voucher: Uint8Array.of(43),
            expiresAt: new Date(c.now() + 500),
          });
          assert.deepEqual(await store.rendezvous.get(guid(1)), {
            guid: guid(1),
            to1d: Uint8Array.of(42),
            voucher: Uint8Array.of(43),
            expiresAt: new Date(c.now() + 500),
          });
          assert.equal(await store.rendezvous.get(guid(9)), undefined);
          const pages = await drain((after) => store.rendezvous.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
          assert.deepEqual(
            pages.map((p) => p.map((x) => x.guid[15])),
            [[1, 2], [3]],
          );
          c.advance(2000);
          assert.ok(await store.rendezvous.get(guid(1)), 'expiry is the protocol role’s decision');
          assert.equal(await store.rendezvous.deleteExpired(), 2);
          assert.deepEqual(
            (await store.rendezvous.list()).items.map((x) => x.guid[15]),
            [3],
          );
        },
        c.clock,
      );
    });

    test('keys: private halves round-trip sealed; lookup by public key; never replaced; list has no private keys', async () => {
      await withStore(make, async (store, h) => {
        const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const spki = new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' }));
        const pkcs8 = new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
        await store.keys.create({ name: 'owner', type: 'secp256r1', publicKey: spki, privateKey: pkcs8 });
        await store.keys.create({ name: 'peer', type: 'secp256r1', publicKey: Uint8Array.of(1, 2, 3) });
        await assert.rejects(store.keys.create({ name: 'owner', type: 'x', publicKey: spki }), hasCode('ERR_STORE_DUPLICATE'));
        const k = await store.keys.get('owner');
        assert.deepEqual(k?.privateKey, pkcs8);
        assert.deepEqual(k?.publicKey, spki);
        assert.equal((await store.keys.findByPublicKey(spki))?.name, 'owner');
        assert.equal(await store.keys.findByPublicKey(Uint8Array.of(9)), undefined);
        assert.equal((await store.keys.get('peer'))?.privateKey, undefined);
        const list = await store.keys.list();
        assert.deepEqual(
          list.map((x) => x.name),
          ['owner', 'peer'],
        );
        assert.ok(list.every((x) => !('privateKey' in x)));

        if (h.raw) {
          const rows = await h.raw("SELECT private_key FROM keys WHERE name = 'owner'");
          const raw = Buffer.from(rows[0]?.['private_key'] as Uint8Array);
          assert.notEqual(raw.length, 0);
          assert.equal(raw.includes(Buffer.from(pkcs8)), false, 'the PKCS#8 bytes are not in the column');
          assert.equal(raw.includes(Buffer.from(pkcs8.subarray(pkcs8.length - 32))), false, 'nor the scalar');
        }
      });
    });

    test('encryption at rest: a wrong key-encryption key is refused at open; a sealed value moved to another row does not open', async (t) => {
      const h = await make();
      try {
        if (!h.shared || !h.raw) return t.skip('needs a database two opens share');
        const store = await h.open(KEK);
        await store.keys.create({ name: 'a', type: 't', publicKey: Uint8Array.of(1), privateKey: Uint8Array.of(1, 1, 1) });
        await store.keys.create({ name: 'b', type: 't', publicKey: Uint8Array.of(2), privateKey: Uint8Array.of(2, 2, 2) });
        await store.close();
        await assert.rejects(h.open(OTHER_KEK), hasCode('ERR_STORE_KEK_MISMATCH'));
        await assert.rejects(h.open(new Uint8Array(16)), TypeError);
        await h.raw("UPDATE keys SET private_key = (SELECT private_key FROM keys WHERE name = 'a') WHERE name = 'b'");
        const again = await h.open(KEK);
        try {
          assert.deepEqual((await again.keys.get('a'))?.privateKey, Uint8Array.of(1, 1, 1));
          await assert.rejects(again.keys.get('b'), hasCode('ERR_STORE_DECRYPT'));
        } finally {
          await again.close();
        }
      } finally {
        await h.destroy();
      }
    });

    test('rekey: every sealed column moves to the new key-encryption key in one go; the old key no longer opens the database', async () => {
      const h = await make();
      try {
        const store = await h.open(KEK);
        const expiresAt = new Date(Date.now() + 60_000);
        await store.keys.create({ name: 'a', type: 't', publicKey: Uint8Array.of(1), privateKey: Uint8Array.of(1, 1, 1) });
        await store.keys.create({ name: 'pub', type: 't', publicKey: Uint8Array.of(2) });
        await store.sessions.create('tok', { role: 'owner', protocol: 'to2', state: { k: 'secret' }, expiresAt });
        const before = h.raw ? await h.raw("SELECT private_key FROM keys WHERE name = 'a'") : [];
        await store.rekey(OTHER_KEK);
        assert.deepEqual((await store.keys.get('a'))?.privateKey, Uint8Array.of(1, 1, 1));
        const session = await store.sessions.get('tok');
        assert.deepEqual(session?.state, { k: 'secret' });
        assert.equal(session?.version, 2, 'a replica that read version 1 under the old key cannot write it back');
        await assert.rejects(store.rekey(new Uint8Array(3)), TypeError);
        if (h.raw) {
          const after = await h.raw("SELECT private_key FROM keys WHERE name = 'a'");
          assert.notDeepEqual(after[0]?.['private_key'], before[0]?.['private_key']);
        }
        await store.close();
        if (!h.shared) return;
        await assert.rejects(h.open(KEK), hasCode('ERR_STORE_KEK_MISMATCH'));
        const again = await h.open(OTHER_KEK);
        assert.deepEqual((await again.keys.get('a'))?.privateKey, Uint8Array.of(1, 1, 1));
        assert.deepEqual((await again.sessions.get('tok'))?.state, { k: 'secret' });
        await again.close();
      } finally {
        await h.destroy();
      }
    });

    test('audit log: appends in order with time and actor, pages, filters by subject; no way to change a record, not even in SQL', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store, h) => {
          const first = await store.audit.append({ actor: 'system', action: 'voucher.created', subject: 'aa', details: { n: 1 } });
          assert.equal(first.at.getTime(), c.now());
          for (let n = 2; n <= 5; n++) {
            c.advance(10);
            await store.audit.append({ actor: 'token:t1', action: 'device.onboarded', subject: n % 2 ? 'aa' : 'bb', details: { n } });
          }
          const pages = await drain((after) => store.audit.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
          assert.deepEqual(
            pages.map((p) => p.map((x) => x.details['n'])),
            [[1, 2], [3, 4], [5]],
          );
          const all = pages.flat();
          assert.ok(all.every((r, i) => i === 0 || r.id > (all[i - 1] as { id: number }).id));
          assert.equal(all[4]?.at.getTime(), c.now());
          assert.equal(all[4]?.actor, 'token:t1');
          assert.deepEqual(
            (await store.audit.list({ subject: 'aa' })).items.map((x) => x.details['n']),
            [1, 3, 5],
          );
          assert.deepEqual(Object.keys(store.audit).sort(), ['append', 'list']);
          const bare = await store.audit.append({ actor: 'a', action: 'b', subject: 'c' });
          assert.deepEqual(bare.details, {});
          if (h.raw) {
            await assert.rejects(h.raw("UPDATE audit_log SET actor = 'mallory'"), /append-only/);
            await assert.rejects(h.raw('DELETE FROM audit_log'), /append-only/);
            assert.equal((await store.audit.list()).items.length, 6);
          }
        },
        c.clock,
      );
    });

    test('API tokens: stored by hash, found by hash, revoked once, unique, paged', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store) => {
          const secret = randomBytes(32).toString('base64url');
          await store.apiTokens.create({ id: 't1', name: 'admin', roles: ['admin'], secretHash: hashSecret(secret) });
          await store.apiTokens.create({ id: 't2', name: 'ci', roles: ['owner', 'auditor'], secretHash: hashSecret('other') });
          await assert.rejects(
            store.apiTokens.create({ id: 't3', name: 'x', roles: [], secretHash: hashSecret(secret) }),
            hasCode('ERR_STORE_DUPLICATE'),
          );
          await assert.rejects(store.apiTokens.create({ id: 't1', name: 'x', roles: [], secretHash: 'h' }), hasCode('ERR_STORE_DUPLICATE'));
          const t = await store.apiTokens.findBySecretHash(hashSecret(secret));
          assert.deepEqual(t, { id: 't1', name: 'admin', roles: ['admin'], secretHash: hashSecret(secret), createdAt: new Date(c.now()) });
          assert.equal(await store.apiTokens.findBySecretHash(hashSecret('nope')), undefined);
          c.advance(1000);
          await store.apiTokens.revoke('t2');
          c.advance(1000);
          await store.apiTokens.revoke('t2');
          assert.equal((await store.apiTokens.get('t2'))?.revokedAt?.getTime(), c.now() - 1000);
          assert.deepEqual((await store.apiTokens.get('t2'))?.roles, ['owner', 'auditor']);
          await assert.rejects(store.apiTokens.revoke('t9'), hasCode('ERR_STORE_NOT_FOUND'));
          const pages = await drain((after) => store.apiTokens.list({ limit: 1, ...(after === undefined ? {} : { after }) }));
          assert.deepEqual(
            pages.map((p) => p.map((x) => x.id)),
            [['t1'], ['t2']],
          );
        },
        c.clock,
      );
    });

    test('settings: JSON values per scope and key, replaced in place, deleted, paged, size-limited', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store) => {
          assert.equal(await store.settings.get('owner', 'to2-address'), undefined);
          await store.settings.put('owner', 'to2-address', [{ dns: 'owner.example', port: 8080, protocol: 'http' }]);
          await store.settings.put('manufacturer', 'to2-address', { other: true });
          assert.deepEqual(await store.settings.get('owner', 'to2-address'), [{ dns: 'owner.example', port: 8080, protocol: 'http' }]);
          c.advance(5000);
          await store.settings.put('owner', 'to2-address', { replaced: 1, nested: { list: [null, 'x', 2.5] } });
          assert.deepEqual(await store.settings.get('owner', 'to2-address'), { replaced: 1, nested: { list: [null, 'x', 2.5] } });
          assert.deepEqual(await store.settings.get('manufacturer', 'to2-address'), { other: true });
          for (const k of ['c', 'a', 'b']) await store.settings.put('owner.serviceinfo', k, k.toUpperCase());
          const pages = await drain((after) =>
            store.settings.list('owner.serviceinfo', { limit: 2, ...(after === undefined ? {} : { after }) }),
          );
          assert.deepEqual(
            pages.map((p) => p.map((x) => [x.key, x.value])),
            [
              [
                ['a', 'A'],
                ['b', 'B'],
              ],
              [['c', 'C']],
            ],
          );
          const owner = await store.settings.list('owner');
          assert.deepEqual(
            owner.items.map((x) => [x.key, x.updatedAt.getTime()]),
            [['to2-address', c.now()]],
          );
          assert.equal(await store.settings.delete('owner.serviceinfo', 'b'), true);
          assert.equal(await store.settings.delete('owner.serviceinfo', 'b'), false);
          assert.equal(await store.settings.get('owner.serviceinfo', 'b'), undefined);
          await assert.rejects(store.settings.put('owner', 'big', 'x'.repeat(256 * 1024)), RangeError);
          await assert.rejects(store.settings.put('owner', 'nothing', undefined), TypeError);
          assert.equal(await store.settings.get('owner', 'big'), undefined);
          await assert.rejects(
            store.transaction(async (r) => {
              await r.settings.put('rendezvous', 'acceptance', { mode: 'trusted' });
              throw new Error('boom');
            }),
            /boom/,
          );
          assert.equal(await store.settings.get('rendezvous', 'acceptance'), undefined);
        },
        c.clock,
      );
    });

    test('mud files: bytes kept exactly, digests, replace keeps the first publication time, paged without bytes, limits', async () => {
      const c = movableClock();
      await withStore(
        make,
        async (store) => {
          const file = (name: string, content: Uint8Array, signature: Uint8Array = randomBytes(300)) => ({
            name,
            content,
            signature: new Uint8Array(signature),
            cacheValidity: 24,
            mudUrl: `https://mud.example/${name}`,
            signer: 'O=Example, CN=mud.example',
          });
          const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');
          assert.equal(await store.mudFiles.get('bulb.json'), undefined);
          // The largest file and signature the store keeps, with every byte value, survive byte for byte.
          const big = new Uint8Array(MAX_MUD_FILE_BYTES).map((_, i) => (i * 7) & 0xff);
          const bigSig = new Uint8Array(MAX_MUD_SIGNATURE_BYTES).map((_, i) => (i * 13) & 0xff);
          const stored = await store.mudFiles.put(file('bulb.json', big, bigSig));
          assert.equal(stored.contentDigest, sha(big));
          assert.equal(stored.signatureDigest, sha(bigSig));
          assert.deepEqual([stored.contentBytes, stored.signatureBytes], [big.length, bigSig.length]);
          assert.equal(stored.publishedAt.getTime(), c.now());
          const got = await store.mudFiles.get('bulb.json');
          assert.ok(got !== undefined);
          assert.ok(Buffer.from(got.content).equals(Buffer.from(big)));
          assert.ok(Buffer.from(got.signature).equals(Buffer.from(bigSig)));
          assert.deepEqual(
            [got.cacheValidity, got.mudUrl, got.signer, got.contentDigest],
            [24, 'https://mud.example/bulb.json', 'O=Example, CN=mud.example', sha(big)],
          );
          const first = c.now();
          c.advance(60_000);
          const replaced = await store.mudFiles.put({ ...file('bulb.json', Uint8Array.of(1, 2, 3)), cacheValidity: 168 });
          assert.equal(replaced.publishedAt.getTime(), first);
          assert.equal(replaced.updatedAt.getTime(), c.now());
          const again = await store.mudFiles.get('bulb.json');
          assert.deepEqual(again?.content, Uint8Array.of(1, 2, 3));
          assert.equal(again?.cacheValidity, 168);
          assert.equal(again?.contentDigest, sha(Uint8Array.of(1, 2, 3)));

          for (const n of ['c.json', 'a.json', 'b']) await store.mudFiles.put(file(n, Uint8Array.of(n.charCodeAt(0))));
          const pages = await drain((after) => store.mudFiles.list({ limit: 3, ...(after === undefined ? {} : { after }) }));
          assert.deepEqual(
            pages.map((p) => p.map((x) => x.name)),
            [['a.json', 'b', 'bulb.json'], ['c.json']],
          );
          assert.ok(pages.flat().every((x) => !('content' in x) && !('signature' in x)));
          assert.equal(pages[0]?.[2]?.contentBytes, 3);

          assert.equal(await store.mudFiles.delete('b'), true);
          assert.equal(await store.mudFiles.delete('b'), false);
          assert.equal(await store.mudFiles.get('b'), undefined);
          assert.equal(await store.mudFiles.delete('../x'), false);
          assert.equal(await store.mudFiles.get('../x'), undefined);

          await assert.rejects(
            store.mudFiles.put(file('x.json', new Uint8Array(MAX_MUD_FILE_BYTES + 1))),
            hasCode('ERR_STORE_MUD_FILE_TOO_LARGE'),
          );
          await assert.rejects(
            store.mudFiles.put(file('x.json', Uint8Array.of(1), new Uint8Array(MAX_MUD_SIGNATURE_BYTES + 1))),
            hasCode('ERR_STORE_MUD_FILE_TOO_LARGE'),
          );
          for (const bad of ['', 'x.p7s', '../x.json', 'a/b', '.hidden', 'x'.repeat(129)])
            await assert.rejects(store.mudFiles.put(file(bad, Uint8Array.of(1))), hasCode('ERR_STORE_MUD_FILE_NAME'), bad);
          await assert.rejects(store.mudFiles.put({ ...file('x.json', Uint8Array.of(1)), cacheValidity: 169 }), TypeError);
          assert.equal(await store.mudFiles.get('x.json'), undefined);
          await assert.rejects(
            store.transaction(async (r) => {
              await r.mudFiles.put(file('t.json', Uint8Array.of(9)));
              await r.mudFiles.delete('a.json');
              throw new Error('boom');
            }),
            /boom/,
          );
          assert.equal(await store.mudFiles.get('t.json'), undefined);
          assert.ok(await store.mudFiles.get('a.json'));
        },
        c.clock,
      );
    });

    test('mud files published into settings before the table (scope mud) move to it once at open; other records stay', async (t) => {
      const h = await make();
      try {
        if (h.location === undefined) return t.skip('needs a database that outlives one connection');
        const dialect = h.location.startsWith('postgres') ? 'postgres' : 'sqlite';
        const db = new Kysely<Database>({
          dialect: dialect === 'postgres' ? createPostgresDialect(h.location) : createSqliteDialect(h.location.slice('sqlite:'.length)),
        });
        const content = randomBytes(5000);
        const signature = randomBytes(700);
        const record = {
          name: 'bulb.json',
          content: content.toString('base64'),
          signature: signature.toString('base64'),
          contentEtag: '"x"',
          signatureEtag: '"y"',
          cacheValidity: 12,
          mudUrl: 'https://mud.example/bulb.json',
          signer: 'CN=mud.example',
          publishedAt: '2029-05-01T10:00:00.000Z',
        };
        try {
          const old = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
          assert.equal((await old.migrateTo('0004-settings')).error, undefined);
          const setting = (scope: string, key: string, value: unknown) => ({ scope, key, value: JSON.stringify(value), updated_at: 1 });
          await db
            .insertInto('settings')
            .values([
              setting('mud', 'bulb.json', record),
              setting('mud', 'broken.json', { content: 42 }),
              setting('owner', 'bulb.json', { keep: true }),
            ])
            .execute();
        } finally {
          await db.destroy();
        }
        const store = await h.open(KEK);
        try {
          const moved = await store.mudFiles.get('bulb.json');
          assert.ok(moved !== undefined);
          assert.ok(Buffer.from(moved.content).equals(content));
          assert.ok(Buffer.from(moved.signature).equals(signature));
          assert.equal(moved.contentDigest, createHash('sha256').update(content).digest('base64url'));
          assert.deepEqual(
            [moved.cacheValidity, moved.mudUrl, moved.signer, moved.publishedAt.toISOString(), moved.updatedAt.toISOString()],
            [12, record.mudUrl, record.signer, record.publishedAt, record.publishedAt],
          );
          assert.deepEqual(
            (await store.settings.list('mud')).items.map((i) => i.key),
            ['broken.json'],
          );
          assert.deepEqual(await store.settings.get('owner', 'bulb.json'), { keep: true });
          assert.deepEqual(
            (await store.mudFiles.list()).items.map((i) => i.name),
            ['bulb.json'],
          );
          // Running the migrations again (and reopening) moves nothing twice and loses nothing.
          assert.deepEqual(await store.migrate(), []);
        } finally {
          await store.close();
        }
        const reopened = await h.open(KEK);
        try {
          assert.equal((await reopened.mudFiles.list()).items.length, 1);
          assert.equal((await reopened.settings.list('mud')).items.length, 1);
        } finally {
          await reopened.close();
        }
      } finally {
        await h.destroy();
      }
    });

    test('transactions: commit together, or on a throw leave nothing behind', async () => {
      await withStore(make, async (store) => {
        const value = await store.transaction(async (r) => {
          await r.vouchers.put({ side: 'owner', guid: guid(1), voucher: Uint8Array.of(1), state: 'imported' });
          await r.devices.upsert({ guid: guid(1), state: 'owned' });
          await r.audit.append({ actor: 'test', action: 'voucher.imported', subject: hex(guid(1)) });
          return 'done';
        });
        assert.equal(value, 'done');
        const boom = new Error('boom');
        await assert.rejects(
          store.transaction(async (r) => {
            await r.vouchers.put({ side: 'owner', guid: guid(2), voucher: Uint8Array.of(2), state: 'imported' });
            await r.vouchers.setState('owner', guid(1), 'onboarded');
            await r.devices.upsert({ guid: guid(2), state: 'owned' });
            await r.keys.create({ name: 'k', type: 't', publicKey: Uint8Array.of(1), privateKey: Uint8Array.of(2) });
            await r.sessions.create('tok', { role: 'owner', protocol: 'to2', state: {}, expiresAt: new Date(Date.now() + 9e6) });
            await r.apiTokens.create({ id: 'x', name: 'x', roles: [], secretHash: 'x' });
            await r.rendezvous.put({ guid: guid(2), to1d: Uint8Array.of(1), voucher: Uint8Array.of(1), expiresAt: new Date() });
            await r.audit.append({ actor: 'test', action: 'voucher.imported', subject: hex(guid(2)) });
            assert.ok(await r.vouchers.get('owner', guid(2)), 'the transaction sees its own writes');
            throw boom;
          }),
          (e) => e === boom,
        );
        assert.equal(await store.vouchers.get('owner', guid(2)), undefined);
        assert.equal((await store.vouchers.get('owner', guid(1)))?.state, 'imported');
        assert.equal(await store.devices.get(guid(2)), undefined);
        assert.equal(await store.keys.get('k'), undefined);
        assert.equal(await store.sessions.get('tok'), undefined);
        assert.equal(await store.apiTokens.get('x'), undefined);
        assert.equal(await store.rendezvous.get(guid(2)), undefined);
        assert.equal((await store.audit.list()).items.length, 1);
        // A failed statement inside a transaction rolls the whole transaction back too.
        await assert.rejects(
          store.transaction(async (r) => {
            await r.devices.upsert({ guid: guid(3), state: 'owned' });
            await r.devices.markOnboarded(guid(4), guid(5));
          }),
          hasCode('ERR_STORE_NOT_FOUND'),
        );
        assert.equal(await store.devices.get(guid(3)), undefined);
      });
    });

    test('two stores on one database (replicas in one process): overlapping transactions both commit', async () => {
      const h = await make();
      const a = await h.open(KEK);
      const b = h.shared ? await h.open(KEK) : a;
      try {
        const write = (s: Store, n: number) =>
          s.transaction(async (r) => {
            await r.devices.upsert({ guid: guid(n), state: 'owned' });
            await new Promise((resolve) => setTimeout(resolve, 20));
            await r.audit.append({ actor: 'test', action: 'device.owned', subject: hex(guid(n)) });
          });
        const started = Date.now();
        await Promise.all([write(a, 1), write(b, 2), write(a, 3), write(b, 4)]);
        assert.ok(Date.now() - started < 2000, 'no lock wait ran into the busy timeout');
        assert.equal((await b.devices.list()).items.length, 4);
        assert.equal((await a.audit.list()).items.length, 4);
        if (b !== a) await b.close();
        // The other store keeps working after one of them closed.
        assert.equal((await a.devices.list()).items.length, 4);
      } finally {
        await a.close();
        await h.destroy();
      }
    });

    test('processes killed mid-write (SIGKILL), two writing at once: nothing committed is lost, nothing is half-written', async (t) => {
      const h = await make();
      try {
        if (h.location === undefined) return t.skip('needs a database another process can open');
        const location = h.location;
        // Migrate first, so the children's start-up is not part of what is killed.
        await (await h.open(KEK)).close();
        const writer = (first: number) =>
          new Promise<number>((resolve, reject) => {
            const child = spawn(process.execPath, [WRITER, location, Buffer.from(KEK).toString('hex'), String(first)], {
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let acknowledged = 0;
            let stderr = '';
            child.stderr.on('data', (d) => (stderr += d));
            child.stdout.on('data', (d: Buffer) => {
              acknowledged = Math.max(acknowledged, Number(d.toString().trim().split('\n').pop()));
              if (acknowledged >= 30) child.kill('SIGKILL');
            });
            child.on('exit', (_code, signal) =>
              signal === 'SIGKILL' ? resolve(acknowledged) : reject(new Error(`writer ended on its own: ${stderr}`)),
            );
          });
        const acknowledged = (await Promise.all([writer(1), writer(100_000)])).reduce((a, b) => a + b);
        const store = await h.open(KEK);
        try {
          const all = <T>(list: (after?: string) => Promise<{ items: T[]; next?: string }>) => drain(list).then((p) => p.flat());
          const vouchers = await all((after) => store.vouchers.list('owner', { limit: 1000, ...(after === undefined ? {} : { after }) }));
          const devices = await all((after) => store.devices.list({ limit: 1000, ...(after === undefined ? {} : { after }) }));
          const audit = await all((after) => store.audit.list({ limit: 1000, ...(after === undefined ? {} : { after }) }));
          assert.ok(vouchers.length >= acknowledged, `${vouchers.length} vouchers, ${acknowledged} acknowledged`);
          assert.equal(devices.length, vouchers.length);
          assert.equal(audit.length, vouchers.length);
          assert.deepEqual(audit.map((a) => a.subject).sort(), vouchers.map((v) => hex(v.guid)).sort());
          assert.ok(vouchers.every((v) => v.voucher.length === 512));
        } finally {
          await store.close();
        }
      } finally {
        await h.destroy();
      }
    });

    runFdoAdapterContract(async (fn) => withStore(make, fn));
  });
}
