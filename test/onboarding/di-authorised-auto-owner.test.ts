/**
 * The DI authorisation beyond the main listener: a request marked as coming in on the factory
 * listener is authorised as `factory` while the same anonymous request on the main listener is
 * refused; and auto-owner acts only on vouchers whose DI recorded an authorisation, so its
 * ServiceInfo could not reach a device even if the rule in front of DI were loosened.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { runDi } from '../../src/fdo/client/flows.ts';
import { inProcessTransport } from '../../src/fdo/client/in-process.ts';
import { runClient } from '../../src/fdo/client/run-client.ts';
import { ErrorCode } from '../../src/fdo/constants/error-codes.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { createDiDevice } from '../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../../src/fdo/protocol/di-manufacturer.ts';
import type { ManufacturerVoucherStore } from '../../src/fdo/protocol/ports.ts';
import { type AutoOwnerOptions, sweepAutoOwner, withAutoOwner } from '../../src/onboarding/auto-owner.ts';
import { diAuthoriser } from '../../src/onboarding/di-authorisation.ts';
import { diAuthorised } from '../../src/onboarding/di-authorised.ts';
import { storeManufacturerVoucherStore } from '../../src/onboarding/manufacturer-vouchers.ts';
import { storeOwnerKeyRing } from '../../src/onboarding/owner-key-ring.ts';
import { storeOwnerVoucherStore } from '../../src/onboarding/owner-vouchers.ts';
import { createApp } from '../../src/server/app.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import type { Platform } from '../../src/server/platform/platform.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { systemRandom as random } from '../helpers/random.ts';

const clock = () => new Date();

/** DI on the platform's keys, storing through `sink`. */
const diWith = (p: Platform, sink: ManufacturerVoucherStore) =>
  createDiManufacturer({
    random,
    clock,
    store: sink,
    rvInfo: [],
    deviceCa: { privateKey: p.keys.deviceCa.privateKey, chain: [p.keys.deviceCa.certificate] },
    manufacturerKeys: p.keys.manufacturer.map((k) => ({ privateKey: k.privateKey, chain: k.chain })),
  });

const newDevice = async () => {
  const { privateKey } = await generateKeyPair('secp256r1');
  return { random, deviceKey: privateKey, serialNumber: `F-${randomBytes(4).toString('hex')}`, model: 'factory test' };
};

describe('the factory listener', () => {
  let t: TestPlatform;
  const apps: FastifyInstance[] = [];
  let main: string;
  let factory: string;
  before(async () => {
    t = await startTestPlatform('iotopia-factory-', { autoOwner: false }, { loopbackOnly: false });
    const { store } = t.platform;
    // A factory listener on an interface of its own makes the server not loopback-only.
    const authorise = diAuthoriser({ store, policy: { loopbackOnly: false }, clock });
    const di = diAuthorised(authorise, (by) => diWith(t.platform, storeManufacturerVoucherStore(store, { diAuthorisedBy: by })), clock);
    const sessions = new MemorySessionStore();
    for (const listener of ['main', 'factory'] as const) {
      const app = createApp({ fdo: { roles: { manufacturer: { di } }, sessions } });
      // What the server's factory listener does to each request it accepts.
      if (listener === 'factory')
        app.addHook('onRequest', async (request) => {
          (request as { iotopiaListener?: string }).iotopiaListener = 'factory';
        });
      apps.push(app);
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      if (listener === 'main') main = url;
      else factory = url;
    }
  });
  after(async () => {
    for (const app of apps) await app.close();
    await t.close();
  });

  test('anonymous DI on the main listener is refused while a factory listener exists; on the factory listener it is made and recorded', async () => {
    await assert.rejects(
      runDi(main, await newDevice()),
      (e: unknown) => (e as { peerCode?: number }).peerCode === ErrorCode.INVALID_JWT_TOKEN,
    );
    const made: DeviceCredential = await runDi(factory, await newDevice());
    assert.equal((await t.platform.store.vouchers.get('manufacturer', made.guid))?.diAuthorisedBy, 'factory');
    const refused = (await t.platform.store.audit.list({ subject: 'di' })).items.filter((r) => r.action === 'di.refused');
    assert.equal(refused.at(-1)?.details['listener'], 'main');
  });
});

describe('auto-owner and the recorded DI authorisation', () => {
  let t: TestPlatform;
  let options: AutoOwnerOptions;
  const errors: { code?: string; guid: string }[] = [];
  before(async () => {
    t = await startTestPlatform('iotopia-ao-auth-', { autoOwner: false }, { loopbackOnly: false });
    const { store, keys } = t.platform;
    options = {
      store,
      manufacturerKeys: keys.manufacturer,
      ownerKeys: keys.owner,
      ownerStore: storeOwnerVoucherStore(store),
      ownerKeyRing: storeOwnerKeyRing(store),
      to2Address: [],
      clock,
      onError: (e, guid) => errors.push({ code: (e as { code?: string }).code, guid: Buffer.from(guid).toString('hex') }),
    };
  });
  after(() => t.close());

  /** DI straight to a voucher sink, as if the rule in front of DI were loosened. */
  const manufactureInto = async (sink: ManufacturerVoucherStore) => {
    const device = createDiDevice(await newDevice());
    return runClient({ start: () => device.start(), receive: device.receive }, inProcessTransport(diWith(t.platform, sink)));
  };

  test('a voucher whose DI records no authorisation is not extended to the owner; one that records a token is', async () => {
    const { store } = t.platform;
    const loose = await manufactureInto(withAutoOwner(storeManufacturerVoucherStore(store), options));
    assert.ok(await store.vouchers.get('manufacturer', loose.guid), 'the manufacturer keeps its voucher');
    assert.equal(await store.vouchers.get('owner', loose.guid), undefined, 'the owner side never got it: no ServiceInfo for this device');
    assert.deepEqual(errors.at(-1), { code: 'ERR_AUTO_OWNER_DI_UNAUTHORISED', guid: Buffer.from(loose.guid).toString('hex') });

    const authorised = await manufactureInto(
      withAutoOwner(storeManufacturerVoucherStore(store, { diAuthorisedBy: 'token:0123abcd' }), options),
    );
    assert.equal((await store.vouchers.get('owner', authorised.guid))?.state, 'imported');

    // A voucher with a forged-looking record is no better than none.
    const odd = await manufactureInto(withAutoOwner(storeManufacturerVoucherStore(store, { diAuthorisedBy: 'anonymous' }), options));
    assert.equal(await store.vouchers.get('owner', odd.guid), undefined);

    // The start-up sweep leaves both alone too.
    const swept = await sweepAutoOwner(store, options);
    assert.equal(swept.unauthorised, 2);
    assert.equal(swept.imported, 0);
    assert.equal(await store.vouchers.get('owner', loose.guid), undefined);
    assert.equal(await store.vouchers.get('owner', odd.guid), undefined);
  });
});
