import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hashSecret } from '../../../src/store/hash-secret.ts';
import { forEachDialect } from './dialects.ts';
import { hasCode, KEK, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
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

  test('sessions: open sessions are counted per protocol from the (protocol, expires_at) index, expired ones left out', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store, h) => {
        const later = new Date(c.now() + 60_000);
        for (let i = 0; i < 3; i++)
          await store.sessions.create(`di-${i}`, { role: 'manufacturer', protocol: 'di', state: {}, expiresAt: later });
        await store.sessions.create('to2', { role: 'owner', protocol: 'to2', state: {}, expiresAt: later });
        await store.sessions.create('gone', { role: 'manufacturer', protocol: 'di', state: {}, expiresAt: new Date(c.now() - 1) });
        assert.equal(await store.sessions.countOpen('di', new Date(c.now())), 3);
        assert.equal(await store.sessions.countOpen('to2', new Date(c.now())), 1);
        assert.equal(await store.sessions.countOpen('di', later), 0);
        if (h.raw === undefined) return;
        if (h.location?.startsWith('sqlite:') === true) {
          const plan = await h.raw(`EXPLAIN QUERY PLAN SELECT count(*) FROM sessions WHERE protocol = 'di' AND expires_at > ${c.now()}`);
          const detail = plan.map((r) => String(r['detail'])).join(' ');
          assert.match(detail, /COVERING INDEX sessions_protocol_expires_at/, detail);
        } else {
          const rows = await h.raw(
            `SELECT indexdef FROM pg_indexes WHERE tablename = 'sessions' AND indexname = 'sessions_protocol_expires_at'`,
          );
          assert.match(String(rows[0]?.['indexdef']), /\(protocol, expires_at\)/);
        }
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
});
