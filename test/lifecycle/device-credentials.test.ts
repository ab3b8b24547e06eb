import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  activateDeliveredCredential,
  deviceCredentials,
  PENDING_CREDENTIAL_MS,
  ROTATION_OVERLAP_MS,
} from '../../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../../src/lifecycle/device-states.ts';
import type { DeviceState } from '../../src/store/device-repository.ts';
import { hashSecret } from '../../src/store/hash-secret.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const GUID = new Uint8Array(16).fill(3);
const OTHER = new Uint8Array(16).fill(4);

async function withService(fn: (s: { store: Store; now: { ms: number } }) => Promise<void>): Promise<void> {
  const now = { ms: Date.parse('2030-01-01T00:00:00Z') };
  const store = await openStore(':memory:', { kek: randomBytes(32), clock: () => new Date(now.ms) });
  try {
    for (const g of [GUID, OTHER]) await store.transaction((r) => moveDevice(r, g, 'onboarded', { replacementGuid: g }));
    await fn({ store, now });
  } finally {
    await store.close();
  }
}

const setState = (store: Store, state: DeviceState) => store.devices.upsert({ guid: GUID, state });

const bearer = (token: string) => ({ type: 'bearer' as const, token });

test('a pending credential is refused until its TO2 commits; then it verifies as its own device', async () => {
  await withService(async ({ store, now }) => {
    const creds = deviceCredentials({ store, clock: () => new Date(now.ms) });
    const token = await creds.mint(GUID, { pending: true });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await store.deviceCredentials.findByHash(hashSecret(token)))?.expiresAt?.getTime(), now.ms + PENDING_CREDENTIAL_MS);
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'unknown' });
    // Only the credential delivered, for its own device: nothing delivered, another device's GUID, an unknown token.
    assert.equal(await store.transaction((r) => activateDeliveredCredential(r, GUID, undefined)), false);
    assert.equal(await store.transaction((r) => activateDeliveredCredential(r, OTHER, bearer(token))), false);
    assert.equal(
      await store.transaction((r) => activateDeliveredCredential(r, GUID, bearer(randomBytes(32).toString('base64url')))),
      false,
    );
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'unknown' });
    assert.equal(await store.transaction((r) => activateDeliveredCredential(r, GUID, bearer(token))), true);
    assert.equal((await store.deviceCredentials.findByHash(hashSecret(token)))?.expiresAt, undefined, 'a live one has no expiry');
    const v = await creds.verify(token);
    assert.equal(v.ok, true);
    assert.deepEqual(v.ok && v.device.guid, GUID);
    // Only the hash is stored.
    const [row] = await store.deviceCredentials.listForDevice(GUID);
    assert.equal(row?.tokenHash, hashSecret(token));
    assert.equal(await store.transaction((r) => activateDeliveredCredential(r, GUID, bearer(token))), false, 'once only');
  });
});

test('revocation takes effect at once despite the cache; unknown, malformed and foreign-scheme tokens are refused', async () => {
  await withService(async ({ store, now }) => {
    const creds = deviceCredentials({ store, clock: () => new Date(now.ms), cacheMs: 60_000 });
    const token = await creds.mint(GUID, { pending: false });
    const other = await creds.mint(OTHER, { pending: false });
    assert.equal((await creds.verify(token)).ok, true);
    assert.equal(await creds.revoke(GUID), 1);
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'revoked' });
    assert.equal((await creds.verify(other)).ok, true);
    for (const t of [randomBytes(32).toString('base64url'), '', 'a b', 'x'.repeat(5000), `${token}x`]) {
      assert.deepEqual(await creds.verify(t), { ok: false, refusal: 'unknown' }, t.slice(0, 20));
    }
  });
});

test('rotation: the new credential is live, the old one lasts for the overlap only', async () => {
  await withService(async ({ store, now }) => {
    const creds = deviceCredentials({ store, clock: () => new Date(now.ms), cacheMs: 0 });
    const old = await creds.mint(GUID, { pending: false });
    const next = await creds.rotate(GUID);
    assert.notEqual(next, old);
    assert.equal((await creds.verify(old)).ok, true);
    assert.equal((await creds.verify(next)).ok, true);
    now.ms += ROTATION_OVERLAP_MS;
    assert.deepEqual(await creds.verify(old), { ok: false, refusal: 'expired' });
    assert.equal((await creds.verify(next)).ok, true);
  });
});

test('the device state decides: suspended is refused as suspended, decommissioned and resold as retired, quarantined passes', async () => {
  await withService(async ({ store, now }) => {
    const creds = deviceCredentials({ store, clock: () => new Date(now.ms), cacheMs: 60_000 });
    const token = await creds.mint(GUID, { pending: false });
    assert.equal((await creds.verify(token)).ok, true);
    const expected: [DeviceState, string | undefined][] = [
      ['quarantined', undefined],
      ['suspended', 'suspended'],
      ['decommissioned', 'retired'],
      ['resold', 'retired'],
    ];
    for (const [state, refusal] of expected) {
      await setState(store, state);
      const v = await creds.verify(token);
      assert.equal(v.ok ? undefined : v.refusal, refusal, state);
    }
  });
});

test('first contact moves an onboarded device to active once, audited under the device', async () => {
  await withService(async ({ store, now }) => {
    const creds = deviceCredentials({ store, clock: () => new Date(now.ms) });
    const token = await creds.mint(GUID, { pending: false });
    const v = await creds.verify(token);
    assert.ok(v.ok);
    const after = await creds.contact(v.device);
    assert.equal(after.state, 'active');
    assert.equal((await store.devices.get(GUID))?.activatedAt?.getTime(), now.ms);
    await creds.contact(after);
    const audit = (await store.audit.list({ subject: Buffer.from(GUID).toString('hex') })).items.filter(
      (a) => a.action === 'device.activated',
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor, `device:${Buffer.from(GUID).toString('hex')}`);
    assert.deepEqual(audit[0]?.details, { from: 'onboarded', to: 'active', reason: 'first contact on the device API' });
  });
});
