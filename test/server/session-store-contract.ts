/**
 * The behaviour every SessionStore must have, as a suite any backend can run: pass a factory that
 * returns a fresh, empty store. The memory store runs it here; SQL backends run it against their
 * own databases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionStore } from '../../src/fdo/protocol/ports.ts';
import type { SessionCounter } from '../../src/server/fdo/start-limits.ts';

export function sessionStoreContract(
  name: string,
  make: () => Promise<SessionStore & SessionCounter> | (SessionStore & SessionCounter),
): void {
  const expiresAt = new Date('2030-01-01T00:05:00.000Z');
  const state = { v: 1, role: 'to2-owner', nonce: 'AAEC', nested: { list: [1, 'two', null], flag: true } };

  test(`${name}: create then get returns the session at version 1, the state as a copy`, async () => {
    const store = await make();
    await store.create('tok-a', { role: 'owner', protocol: 'to2', state, expiresAt });
    const got = await store.get('tok-a');
    assert.deepEqual(got, { role: 'owner', protocol: 'to2', state, version: 1, expiresAt });
    assert.notEqual(got?.state, state);
    assert.equal(await store.get('tok-b'), undefined);
  });

  test(`${name}: update with the current version replaces state and expiry and bumps the version`, async () => {
    const store = await make();
    await store.create('tok', { role: 'manufacturer', protocol: 'di', state: { step: 1 }, expiresAt });
    const later = new Date(expiresAt.getTime() + 60_000);
    assert.equal(await store.update('tok', 1, { step: 2 }, later), true);
    assert.deepEqual(await store.get('tok'), { role: 'manufacturer', protocol: 'di', state: { step: 2 }, version: 2, expiresAt: later });
    assert.equal(await store.update('tok', 2, null, later), true, 'null is the in-flight claim');
    assert.equal((await store.get('tok'))?.state, null);
  });

  test(`${name}: update with a stale version or for a missing session fails and changes nothing`, async () => {
    const store = await make();
    await store.create('tok', { role: 'rendezvous', protocol: 'to1', state: { step: 1 }, expiresAt });
    assert.equal(await store.update('tok', 1, { step: 2 }, expiresAt), true);
    assert.equal(await store.update('tok', 1, { step: 'stale' }, expiresAt), false);
    assert.equal(await store.update('missing', 1, { step: 2 }, expiresAt), false);
    assert.deepEqual((await store.get('tok'))?.state, { step: 2 });
    assert.equal((await store.get('tok'))?.version, 2);
  });

  test(`${name}: of two racing updates with the same version exactly one wins`, async () => {
    const store = await make();
    await store.create('tok', { role: 'owner', protocol: 'to2', state: { n: 0 }, expiresAt });
    const results = await Promise.all([store.update('tok', 1, { n: 1 }, expiresAt), store.update('tok', 1, { n: 2 }, expiresAt)]);
    assert.deepEqual(results.filter(Boolean).length, 1);
    assert.equal((await store.get('tok'))?.version, 2);
  });

  test(`${name}: delete removes the session; with a version only when it still matches`, async () => {
    const store = await make();
    await store.create('tok', { role: 'rendezvous', protocol: 'to0', state: {}, expiresAt });
    assert.equal(await store.delete('tok', 2), false);
    assert.notEqual(await store.get('tok'), undefined);
    assert.equal(await store.delete('tok', 1), true);
    assert.equal(await store.get('tok'), undefined);
    assert.equal(await store.delete('tok'), false);
    await store.create('tok2', { role: 'rendezvous', protocol: 'to0', state: {}, expiresAt });
    assert.equal(await store.delete('tok2'), true);
  });

  test(`${name}: a token already in use cannot be created again`, async () => {
    const store = await make();
    await store.create('tok', { role: 'owner', protocol: 'to2', state: { a: 1 }, expiresAt });
    await assert.rejects(store.create('tok', { role: 'owner', protocol: 'to2', state: { a: 2 }, expiresAt }));
    assert.deepEqual((await store.get('tok'))?.state, { a: 1 });
  });

  test(`${name}: deleteExpired removes the sessions expired at or before the time given, and only those`, async () => {
    const store = await make();
    const t = expiresAt.getTime();
    await store.create('old', { role: 'owner', protocol: 'to2', state: {}, expiresAt: new Date(t - 1000) });
    await store.create('edge', { role: 'owner', protocol: 'to2', state: {}, expiresAt: new Date(t) });
    await store.create('live', { role: 'owner', protocol: 'to2', state: {}, expiresAt: new Date(t + 1000) });
    assert.equal(await store.deleteExpired(new Date(t)), 2);
    assert.equal(await store.get('old'), undefined);
    assert.equal(await store.get('edge'), undefined);
    assert.notEqual(await store.get('live'), undefined);
    assert.equal(await store.deleteExpired(new Date(t)), 0);
  });

  test(`${name}: countOpen counts the live sessions of one protocol; expired, ended and other protocols' do not count`, async () => {
    const store = await make();
    const t = expiresAt.getTime();
    const now = new Date(t);
    assert.equal(await store.countOpen('di', now), 0);
    await store.create('di-1', { role: 'manufacturer', protocol: 'di', state: {}, expiresAt: new Date(t + 1000) });
    await store.create('di-2', { role: 'manufacturer', protocol: 'di', state: {}, expiresAt: new Date(t + 2000) });
    await store.create('di-edge', { role: 'manufacturer', protocol: 'di', state: {}, expiresAt: new Date(t) });
    await store.create('di-old', { role: 'manufacturer', protocol: 'di', state: {}, expiresAt: new Date(t - 1000) });
    await store.create('to0-1', { role: 'rendezvous', protocol: 'to0', state: {}, expiresAt: new Date(t + 1000) });
    await store.create('to1-1', { role: 'rendezvous', protocol: 'to1', state: {}, expiresAt: new Date(t + 1000) });
    assert.equal(await store.countOpen('di', now), 2, 'one expiring exactly now and one expired earlier are not open');
    assert.equal(await store.countOpen('to0', now), 1);
    assert.equal(await store.countOpen('to1', now), 1, 'TO0 and TO1 share a role but are counted apart');
    assert.equal(await store.countOpen('to2', now), 0);
    assert.equal(await store.countOpen('di', new Date(t + 1000)), 1, 'later, one more has expired');
    assert.equal(await store.delete('di-2'), true);
    assert.equal(await store.countOpen('di', now), 1, 'an ended session no longer counts');
    assert.equal(await store.update('di-old', 1, {}, new Date(t + 5000)), true);
    assert.equal(await store.countOpen('di', now), 2, 'a session whose expiry moved on counts again');
  });
}
