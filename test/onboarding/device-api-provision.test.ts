import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { exportPublicKey } from '../../src/crypto/key-export.ts';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import type { OwnerModulePlan } from '../../src/fdo/serviceinfo/owner-plans.ts';
import type { OwnershipVoucher } from '../../src/fdo/voucher/voucher.ts';
import { deviceCredentials } from '../../src/lifecycle/device-credentials.ts';
import { withDeviceApiPlan } from '../../src/onboarding/device-api-provision.ts';
import { storeOwnerVoucherStore } from '../../src/onboarding/owner-vouchers.ts';
import { hashSecret } from '../../src/store/hash-secret.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const GUID = new Uint8Array(16).fill(0x42);
const VOUCHER = {} as OwnershipVoucher;
const ENDPOINT = 'https://owner.example.com/device/v1';

/** A store whose clock moves 1 ms at each reading, so that credentials minted in turn are ordered. */
async function withStore(fn: (store: Store, anchor: Uint8Array) => Promise<void>): Promise<void> {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const store = await openStore(':memory:', { kek: randomBytes(32), clock: () => new Date(now++) });
  const anchor = exportPublicKey((await generateKeyPair('secp256r1')).privateKey, 'cose-key');
  try {
    await fn(store, anchor);
  } finally {
    await store.close();
  }
}

const operatorPlans: OwnerModulePlan[] = [{ module: 'fdo.command', command: 'true', args: [] } as unknown as OwnerModulePlan];

test('the device API plan follows the operator plans, not required, with a pending credential for this GUID', async () => {
  await withStore(async (store, anchor) => {
    const credentials = deviceCredentials({ store });
    const plans = withDeviceApiPlan(async () => operatorPlans, { endpoint: ENDPOINT, credentials, trustAnchors: async () => [anchor] });
    const got = await plans(GUID, VOUCHER);
    assert.equal(got.length, 2);
    assert.equal(got[0], operatorPlans[0]);
    const plan = got[1];
    assert.ok(plan?.module === 'iotopia.onboard');
    assert.equal(plan.required, false);
    assert.equal(plan.provision.endpoint, ENDPOINT);
    assert.deepEqual(plan.provision.trustAnchors, [anchor]);
    assert.ok(plan.provision.credential.type === 'bearer');
    const token = plan.provision.credential.token;
    const stored = await store.deviceCredentials.findByHash(hashSecret(token));
    assert.deepEqual(stored?.guid, GUID);
    assert.equal(stored?.activatedAt, undefined, 'pending until TO2 commits');
    assert.deepEqual(await credentials.verify(token), { ok: false, refusal: 'unknown' });
  });
});

test("an operator's own iotopia.onboard plan is kept; without a valid provision no plan is added and nothing is minted", async () => {
  await withStore(async (store, anchor) => {
    const credentials = deviceCredentials({ store });
    const own = [
      {
        module: 'iotopia.onboard',
        provision: { endpoint: ENDPOINT, credential: { type: 'bearer', token: 'x'.repeat(43) }, trustAnchors: [anchor] },
      },
    ];
    const kept = withDeviceApiPlan(async () => own as OwnerModulePlan[], {
      endpoint: ENDPOINT,
      credentials,
      trustAnchors: async () => [anchor],
    });
    assert.deepEqual(await kept(GUID, VOUCHER), own);
    const warnings: string[] = [];
    for (const [endpoint, anchors] of [
      [ENDPOINT, []],
      ['http://owner.example.com/device/v1', [anchor]],
    ] as const) {
      const plans = withDeviceApiPlan(async () => operatorPlans, {
        endpoint,
        credentials,
        trustAnchors: async () => [...anchors],
        warn: (m) => void warnings.push(m),
      });
      assert.deepEqual(await plans(GUID, VOUCHER), operatorPlans);
    }
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /trust-anchors/);
    assert.match(warnings[1] ?? '', /https/);
    assert.deepEqual(await store.deviceCredentials.listForDevice(GUID), []);
  });
});

test('the TO2 outcome activates the credential it delivered, in its transaction; an outcome that rolls back leaves it unusable', async () => {
  await withStore(async (store, anchor) => {
    const credentials = deviceCredentials({ store, cacheMs: 0 });
    const owner = storeOwnerVoucherStore(store);
    const plans = withDeviceApiPlan(async () => [], { endpoint: ENDPOINT, credentials, trustAnchors: async () => [anchor] });
    const tokenOf = async () => {
      const p = (await plans(GUID, VOUCHER))[0];
      assert.ok(p?.module === 'iotopia.onboard' && p.provision.credential.type === 'bearer');
      return p.provision.credential.token;
    };
    const delivered = (token: string) => ({ type: 'bearer' as const, token });
    await owner.add(GUID, Uint8Array.of(1));
    const abandoned = await tokenOf();
    const first = await tokenOf();
    await owner.onboarded(GUID, { replacementGuid: GUID, deliveredCredential: delivered(first) });
    assert.equal((await credentials.verify(first)).ok, true);
    assert.deepEqual(await credentials.verify(abandoned), { ok: false, refusal: 'unknown' });
    const left = await store.deviceCredentials.findByHash(hashSecret(abandoned));
    assert.equal(left?.activatedAt, undefined, 'a pending one of an unfinished TO2 stays pending');
    assert.ok(left?.expiresAt !== undefined, 'and expires');
    const audit = (await store.audit.list({ subject: Buffer.from(GUID).toString('hex') })).items.find(
      (a) => a.action === 'device.onboarded',
    );
    assert.equal(audit?.details.deviceApiCredential, 'activated');

    // A device that is decommissioned cannot end a TO2 here: the outcome rolls back, the new token stays pending.
    await store.devices.upsert({ guid: GUID, state: 'decommissioned' });
    const late = await tokenOf();
    await assert.rejects(owner.onboarded(GUID, { replacementGuid: GUID, deliveredCredential: delivered(late) }), {
      code: 'ERR_DEVICE_TRANSITION',
    });
    assert.deepEqual(await credentials.verify(late), { ok: false, refusal: 'unknown' });
    assert.equal((await store.deviceCredentials.findByHash(hashSecret(late)))?.activatedAt, undefined);
  });
});

test('two overlapping TO2 runs: each commit activates its own token, never the newer one the device may not hold', async () => {
  await withStore(async (store, anchor) => {
    const credentials = deviceCredentials({ store, cacheMs: 0 });
    const owner = storeOwnerVoucherStore(store);
    const plans = withDeviceApiPlan(async () => [], { endpoint: ENDPOINT, credentials, trustAnchors: async () => [anchor] });
    const tokenOf = async () => {
      const p = (await plans(GUID, VOUCHER))[0];
      assert.ok(p?.module === 'iotopia.onboard' && p.provision.credential.type === 'bearer');
      return p.provision.credential.token;
    };
    await owner.add(GUID, Uint8Array.of(1));
    // Run A mints first, run B after it; A commits first.
    const a = await tokenOf();
    const b = await tokenOf();
    await owner.onboarded(GUID, { replacementGuid: GUID, deliveredCredential: { type: 'bearer', token: a } });
    assert.equal((await credentials.verify(a)).ok, true, "A's device holds A's token");
    assert.deepEqual(await credentials.verify(b), { ok: false, refusal: 'unknown' }, 'the newer pending token of B is not activated');
    // B commits later: its token is live, A's runs out after the rotation overlap.
    await owner.onboarded(GUID, { replacementGuid: GUID, deliveredCredential: { type: 'bearer', token: b } });
    assert.equal((await credentials.verify(b)).ok, true);
    const old = await store.deviceCredentials.findByHash(hashSecret(a));
    assert.ok(old?.expiresAt !== undefined && old.revokedAt === undefined, 'A is superseded, with the overlap');
  });
});

test('a device that did not take the provision (no iotopia.onboard) gets no live credential', async () => {
  await withStore(async (store, anchor) => {
    const credentials = deviceCredentials({ store, cacheMs: 0 });
    const owner = storeOwnerVoucherStore(store);
    const plans = withDeviceApiPlan(async () => [], { endpoint: ENDPOINT, credentials, trustAnchors: async () => [anchor] });
    const p = (await plans(GUID, VOUCHER))[0];
    assert.ok(p?.module === 'iotopia.onboard' && p.provision.credential.type === 'bearer');
    await owner.add(GUID, Uint8Array.of(1));
    await owner.onboarded(GUID, { replacementGuid: GUID });
    assert.equal((await store.devices.get(GUID))?.state, 'onboarded');
    assert.deepEqual(await credentials.verify(p.provision.credential.token), { ok: false, refusal: 'unknown' });
    assert.ok((await store.deviceCredentials.listForDevice(GUID)).every((c) => c.activatedAt === undefined));
    const audit = (await store.audit.list({ subject: Buffer.from(GUID).toString('hex') })).items.find(
      (x) => x.action === 'device.onboarded',
    );
    assert.equal(audit?.details.deviceApiCredential, undefined);
  });
});

test('re-onboarding under the replacement GUID: one device record, and the new credential supersedes the first', async () => {
  await withStore(async (store, anchor) => {
    const credentials = deviceCredentials({ store, cacheMs: 0 });
    const owner = storeOwnerVoucherStore(store);
    const plans = withDeviceApiPlan(async () => [], { endpoint: ENDPOINT, credentials, trustAnchors: async () => [anchor] });
    const tokenOf = async (guid: Uint8Array) => {
      const p = (await plans(guid, VOUCHER))[0];
      assert.ok(p?.module === 'iotopia.onboard' && p.provision.credential.type === 'bearer');
      return p.provision.credential.token;
    };
    const replacement = new Uint8Array(16).fill(0x43);
    const next = new Uint8Array(16).fill(0x44);
    await owner.add(GUID, Uint8Array.of(1));
    const first = await tokenOf(GUID);
    await owner.onboarded(GUID, {
      replacementGuid: replacement,
      replacementVoucher: Uint8Array.of(2),
      deliveredCredential: { type: 'bearer', token: first },
    });
    // The device comes back with the GUID TO2 gave it.
    const second = await tokenOf(replacement);
    assert.deepEqual((await store.deviceCredentials.findByHash(hashSecret(second)))?.guid, GUID, "kept under the device's record");
    await owner.onboarded(replacement, {
      replacementGuid: next,
      replacementVoucher: Uint8Array.of(3),
      deliveredCredential: { type: 'bearer', token: second },
    });
    assert.equal(await store.devices.get(replacement), undefined, 'no second record');
    assert.equal((await store.devices.list()).items.length, 1);
    assert.deepEqual((await store.devices.get(GUID))?.replacementGuid, next);
    const v = await credentials.verify(second);
    assert.ok(v.ok && Buffer.from(v.device.guid).equals(Buffer.from(GUID)));
    const old = await store.deviceCredentials.findByHash(hashSecret(first));
    assert.ok(old?.expiresAt !== undefined, 'the first credential runs out after the rotation overlap');
    assert.equal(
      (await store.deviceCredentials.listForDevice(GUID)).filter((c) => c.activatedAt !== undefined && c.expiresAt === undefined).length,
      1,
    );
    // Decommissioning the one record revokes both.
    assert.equal(await credentials.revoke(GUID), 2);
  });
});
