/**
 * TO0 with a remote rendezvous and keeping the registration fresh: one server is the manufacturer
 * and the rendezvous, the other only the owner, on loopback. The owner's clock is moved forward
 * to make registrations run out; the rendezvous keeps real time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../src/crypto/private-key-handle.ts';
import { runDi, runOnboard } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { decodeTo1d } from '../../src/fdo/messages/to0.ts';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { DEFAULT_TO0_BACKOFF_MS } from '../../src/onboarding/to0-refresh.ts';
import type { To0Status } from '../../src/onboarding/to0-status.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { BACKENDS, bearer, type OwnerWorld, startOwnerWorld } from '../server/api/owner-world.ts';

const DAY = 86_400_000;

interface View {
  state: string;
  registeredUntil?: string;
  to0?: To0Status;
}

for (const backend of BACKENDS) {
  describe(`TO0 with a remote rendezvous, kept fresh (${backend.name})`, { skip: backend.skip }, () => {
    let rv: OwnerWorld;
    let owner: OwnerWorld;
    let offsetMs = 0;
    let credential: DeviceCredential;
    let deviceKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
    let guid: string;
    before(async () => {
      rv = await startOwnerWorld(backend.name, { roles: 'manufacturer,rendezvous' });
      owner = await startOwnerWorld(
        backend.name,
        { roles: 'owner', to0RefreshInterval: '0' },
        { clock: () => new Date(Date.now() + offsetMs) },
      );
      deviceKey = (await generateKeyPair('secp256r1')).privateKey;
      credential = await runDi(rv.platform.url, { random, deviceKey, serialNumber: 'SN-remote-rv', model: 'remote rendezvous test' });
      guid = guidToHex(credential.guid);
      // The sale: the manufacturer extends the voucher to the owner server's key, the owner imports it.
      const ownerKey = owner.platform.keys.owner[0]?.privateKey;
      assert.ok(ownerKey);
      const extended = await rv.platform.app.inject({
        method: 'POST',
        url: `/api/v1/manufacturer/vouchers/${guid}/extend`,
        headers: bearer(rv.tokens.manufacturer),
        payload: { ownerKey: publicKeyOf(ownerKey).export({ type: 'spki', format: 'pem' }).toString() },
      });
      assert.equal(extended.statusCode, 200, extended.body);
      const imported = await ownerApi('POST', '/owner/vouchers', { voucher: (extended.json() as { pem: string }).pem });
      assert.equal(imported.statusCode, 201, imported.body);
    });
    after(async () => {
      await owner?.close();
      await rv?.close();
    });

    const ownerApi = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      owner.platform.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: bearer(owner.tokens.owner),
        ...(payload === undefined ? {} : { payload }),
      });
    const view = async () => (await ownerApi('GET', `/owner/vouchers/${guid}`)).json() as View;
    const refresh = () => {
      const job = owner.platform.to0Refresh;
      assert.ok(job, 'an owner server has a refresh job');
      return job.runOnce();
    };

    test('register runs TO0 over HTTP with the rendezvous the voucher names, with the owner’s TO2 address', async () => {
      const r = await ownerApi('POST', `/owner/vouchers/${guid}/register`);
      assert.equal(r.statusCode, 200, r.body);
      const v = r.json() as View;
      assert.equal(v.state, 'registered');
      assert.equal(v.to0?.rendezvous, rv.platform.url);
      assert.equal(v.to0?.failures, 0);
      const granted = v.to0?.waitSeconds ?? 0;
      assert.ok(granted > 0);
      assert.equal(Date.parse(v.registeredUntil ?? '') - Date.parse(v.to0?.registeredAt ?? ''), granted * 1000);
      const registration = await rv.platform.store.rendezvous.get(credential.guid);
      assert.ok(registration, 'the remote rendezvous holds the registration');
      const port = Number(new URL(owner.platform.url).port);
      assert.deepEqual(decodeTo1d(registration.to1d).payload.rvTo2Addr, [{ ip: '127.0.0.1', port, protocol: 3 }]);
    });

    test('the refresh job leaves a registration alone while more than the margin remains, then renews it', async () => {
      const before = await view();
      const lifetime = (before.to0?.waitSeconds ?? 0) * 1000;
      offsetMs = lifetime * 0.7; // 30 % left: not yet, so the registrations repository does not even list it
      assert.deepEqual(await refresh(), { checked: 0, renewed: [], failed: [], backingOff: [] });
      offsetMs = lifetime * 0.8; // 20 % left: under the 25 % margin
      assert.deepEqual(await refresh(), { checked: 1, renewed: [guid], failed: [], backingOff: [] });
      const renewed = await view();
      assert.ok(Date.parse(renewed.registeredUntil ?? '') > Date.parse(before.registeredUntil ?? '') + lifetime * 0.7);
      const audit = await owner.platform.store.audit.list({ subject: guid });
      assert.equal(audit.items.filter((a) => a.action === 'voucher.registered' && a.actor === 'system:to0-refresh').length, 1);
    });

    test('a failing rendezvous is recorded in the voucher view and retried with a doubling backoff', async () => {
      const lifetime = ((await view()).to0?.waitSeconds ?? 0) * 1000;
      // Port 1 on loopback refuses connections: the configured rendezvous is unreachable.
      assert.equal((await ownerApi('PUT', '/owner/rendezvous', { urls: ['http://127.0.0.1:1'] })).statusCode, 200);
      offsetMs += lifetime * 0.8;
      assert.deepEqual(await refresh(), { checked: 1, renewed: [], failed: [guid], backingOff: [] });
      const failed = (await view()).to0;
      assert.equal(failed?.failures, 1);
      assert.equal(failed?.lastError?.code, 'ERR_OWNER_TO0_UNREACHABLE');
      assert.equal(Date.parse(failed?.retryAt ?? '') - Date.parse(failed?.lastAttemptAt ?? ''), DEFAULT_TO0_BACKOFF_MS);
      assert.equal(failed?.rendezvous, rv.platform.url, 'the last success is still shown');
      assert.deepEqual(await refresh(), { checked: 1, renewed: [], failed: [], backingOff: [guid] });
      offsetMs += DEFAULT_TO0_BACKOFF_MS;
      assert.deepEqual((await refresh()).failed, [guid]);
      const again = (await view()).to0;
      assert.equal(again?.failures, 2);
      assert.equal(Date.parse(again?.retryAt ?? '') - Date.parse(again?.lastAttemptAt ?? ''), 2 * DEFAULT_TO0_BACKOFF_MS);
      // Back to the voucher's own rendezvous: the next try after the backoff succeeds and clears the error.
      assert.equal((await ownerApi('DELETE', '/owner/rendezvous')).statusCode, 200);
      offsetMs += 2 * DEFAULT_TO0_BACKOFF_MS;
      assert.deepEqual((await refresh()).renewed, [guid]);
      const healed = (await view()).to0;
      assert.equal(healed?.failures, 0);
      assert.equal(healed?.lastError, undefined);
      assert.equal(healed?.retryAt, undefined);
    });

    test('the device finds the owner through the remote rendezvous and onboards; onboarded vouchers are not refreshed', async () => {
      offsetMs = 0;
      const result = await runOnboard(
        credential,
        {},
        {
          deviceKey,
          to2: {
            kexSuite: KexSuite.ECDH256,
            cipherSuite: CipherSuite.A128GCM,
            random,
            serviceInfo: { devmod: { os: 'linux', arch: 'x86_64', version: '1', device: 'rv', sep: ';', bin: 'x86_64' }, modules: [] },
          },
        },
      );
      assert.equal(result.ownerUrl, owner.platform.url);
      assert.equal((await view()).state, 'onboarded');
      offsetMs = 10_000 * DAY;
      assert.deepEqual(await refresh(), { checked: 0, renewed: [], failed: [], backingOff: [] });
    });

    test('a registration that cannot reach its rendezvous is a 409 problem with the reason, recorded and retried by the refresh job', async () => {
      // A second voucher, registered while the configured rendezvous is unreachable.
      const second = await runDi(rv.platform.url, { random, deviceKey, serialNumber: 'SN-remote-rv-2', model: 'remote rendezvous test' });
      const g = guidToHex(second.guid);
      const ownerKey = owner.platform.keys.owner[0]?.privateKey;
      assert.ok(ownerKey);
      const extended = await rv.platform.app.inject({
        method: 'POST',
        url: `/api/v1/manufacturer/vouchers/${g}/extend`,
        headers: bearer(rv.tokens.manufacturer),
        payload: { ownerKey: publicKeyOf(ownerKey).export({ type: 'spki', format: 'pem' }).toString() },
      });
      assert.equal((await ownerApi('POST', '/owner/vouchers', { voucher: (extended.json() as { pem: string }).pem })).statusCode, 201);
      assert.equal((await ownerApi('PUT', '/owner/rendezvous', { urls: ['http://127.0.0.1:1'] })).statusCode, 200);
      try {
        const r = await ownerApi('POST', `/owner/vouchers/${g}/register`);
        assert.equal(r.statusCode, 409);
        assert.deepEqual((({ code, reason }) => ({ code, reason }))(r.json() as { code: string; reason: string }), {
          code: 'ERR_API_REGISTRATION_FAILED',
          reason: 'ERR_OWNER_TO0_UNREACHABLE',
        });
        const v = (await ownerApi('GET', `/owner/vouchers/${g}`)).json() as View;
        assert.equal(v.state, 'imported');
        assert.equal(v.to0?.lastError?.code, 'ERR_OWNER_TO0_UNREACHABLE');
        // The refresh job tries a failed first registration again, with the backoff.
        assert.deepEqual(await refresh(), { checked: 1, renewed: [], failed: [g], backingOff: [] });
        assert.deepEqual(await refresh(), { checked: 1, renewed: [], failed: [], backingOff: [g] });
      } finally {
        await ownerApi('DELETE', '/owner/rendezvous');
      }
      offsetMs += 2 * DEFAULT_TO0_BACKOFF_MS;
      assert.deepEqual(await refresh(), { checked: 1, renewed: [g], failed: [], backingOff: [] });
      const v = (await ownerApi('GET', `/owner/vouchers/${g}`)).json() as View;
      assert.equal(v.state, 'registered');
      assert.equal(v.to0?.failures, 0);
    });
  });
}
