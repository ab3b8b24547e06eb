import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { runFenced, type SessionFence } from '../../../src/store/session-fence.ts';
import { forEachDialect } from './dialects.ts';
import { guid, hasCode, KEK, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('session states: DI, TO0 and TO1 states are kept as JSON, TO2 states sealed; an unsealed TO2 state is refused', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store, h) => {
        const expiresAt = new Date(c.now() + 60_000);
        const di = randomBytes(24).toString('base64url');
        const to2 = randomBytes(24).toString('base64url');
        const diState = { protocol: 'di-manufacturer', step: 'set-hmac', guid: 'ab' };
        const to2State = { protocol: 'to2-owner', step: 'prove-device', secret: 'a2V5LWV4Y2hhbmdlLXNlY3JldA' };
        await store.sessions.create(di, { role: 'manufacturer', protocol: 'di', state: diState, expiresAt });
        await store.sessions.create(to2, { role: 'owner', protocol: 'to2', state: to2State, expiresAt });
        assert.deepEqual((await store.sessions.get(di))?.state, diState);
        assert.deepEqual((await store.sessions.get(to2))?.state, to2State);
        if (h.raw === undefined) return;
        const rows = await h.raw('SELECT protocol, state FROM sessions ORDER BY protocol');
        const text = (v: unknown) => Buffer.from(v as Uint8Array).toString('latin1');
        assert.equal(text(rows[0]?.['state']), JSON.stringify(diState));
        assert.ok(!text(rows[1]?.['state']).includes('a2V5LWV4Y2hhbmdlLXNlY3JldA'), 'the TO2 secret is not stored in clear');
        // A TO2 state written in clear behind the store's back does not pass.
        const clear = Buffer.from(JSON.stringify(to2State)).toString('hex');
        const literal = store.dialect === 'postgres' ? `'\\x${clear}'::bytea` : `X'${clear}'`;
        await h.raw(`UPDATE sessions SET state = ${literal} WHERE protocol = 'to2'`);
        await assert.rejects(store.sessions.get(to2), TypeError);
      },
      c.clock,
    );
  });

  test('a session fence: of two replicas handling one message, only the first transaction commits; the second rolls back', async () => {
    await withStore(make, async (a, h) => {
      const b = h.shared ? await h.open(KEK) : a;
      try {
        const token = randomBytes(24).toString('base64url');
        const expiresAt = new Date(Date.now() + 60_000);
        await a.sessions.create(token, { role: 'owner', protocol: 'to2', state: { n: 1 }, expiresAt });
        const write = (store: typeof a, fence: SessionFence) =>
          runFenced(fence, () =>
            store.transaction((r) => r.audit.append({ actor: 'test', action: 'fenced.write', subject: 'x', details: {} })),
          );
        const first: SessionFence = { sessions: a.sessions, token, version: 1 };
        const second: SessionFence = { sessions: b.sessions, token, version: 1 };
        await write(a, first);
        assert.equal(first.version, 2, 'the committed transaction advanced the version');
        await assert.rejects(write(b, second), hasCode('ERR_STORE_CONFLICT'));
        assert.equal(second.version, 1);
        const audit = await a.audit.list({ limit: 10 });
        assert.equal(audit.items.filter((e) => e.action === 'fenced.write').length, 1);
        // The write-back names the version the transactions left.
        assert.equal(await a.sessions.update(token, first.version, { n: 2 }, expiresAt), true);
        // A fence for another session store, or one whose role returned, fences nothing.
        await runFenced({ sessions: {}, token, version: 1 }, () => a.transaction(async (r) => r.vouchers.get('owner', guid(1))));
        const closed: SessionFence = { sessions: a.sessions, token, version: 1, closed: true };
        await runFenced(closed, async () => undefined);
        await a.transaction(async () => undefined);
        assert.equal((await a.sessions.get(token))?.version, 3);
      } finally {
        if (b !== a) await b.close();
      }
    });
  });
});
