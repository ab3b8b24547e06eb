/**
 * Automatic owner registration writes the TO0 status the management API writes, and the refresh
 * job retries its failures with the same backoff: the rendezvous policy of the server refuses the
 * owner key first (TO0 fails), then is opened again.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { runDi } from '../../src/fdo/client/flows.ts';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { DEFAULT_TO0_BACKOFF_MS } from '../../src/onboarding/to0-refresh.ts';
import type { To0Status } from '../../src/onboarding/to0-status.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { BACKENDS, bearer, type OwnerWorld, startOwnerWorld } from '../server/api/owner-world.ts';

interface View {
  state: string;
  registeredUntil?: string;
  to0?: To0Status;
}

for (const backend of BACKENDS) {
  describe(`automatic owner registration: status and retries (${backend.name})`, { skip: backend.skip }, () => {
    let world: OwnerWorld;
    let offsetMs = 0;
    before(async () => {
      world = await startOwnerWorld(
        backend.name,
        { autoOwner: true, to0RefreshInterval: '0' },
        { clock: () => new Date(Date.now() + offsetMs) },
      );
    });
    after(async () => {
      await world?.close();
    });

    const api = (method: 'GET' | 'PUT', url: string, token: string, payload?: object) =>
      world.platform.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
    const view = async (guid: string) => (await api('GET', `/owner/vouchers/${guid}`, world.tokens.owner)).json() as View;
    const manufacture = async (serial: string) => {
      const deviceKey = (await generateKeyPair('secp256r1')).privateKey;
      return guidToHex((await runDi(world.platform.url, { random, deviceKey, serialNumber: serial, model: 'auto-owner status' })).guid);
    };
    const refresh = () => world.platform.to0Refresh?.runOnce() ?? assert.fail('an owner server has a refresh job');
    const actors = async (guid: string, action: string) =>
      (await world.platform.store.audit.list({ subject: guid })).items.filter((a) => a.action === action).map((a) => a.actor);

    test('a registration at DI is recorded with its rendezvous and lifetime, as the API records one', async () => {
      const guid = await manufacture('SN-AUTO-OK');
      const v = await view(guid);
      assert.equal(v.state, 'registered');
      assert.equal(v.to0?.rendezvous, 'in-process');
      assert.equal(v.to0?.failures, 0);
      const granted = v.to0?.waitSeconds ?? 0;
      assert.ok(granted > 0);
      assert.equal(Date.parse(v.registeredUntil ?? '') - Date.parse(v.to0?.registeredAt ?? ''), granted * 1000);
      assert.deepEqual(await actors(guid, 'voucher.registered'), ['system:auto-owner']);
    });

    test('a failed registration at DI is recorded and retried by the refresh job with the doubling backoff', async () => {
      // The rendezvous trusts only a stranger's owner key: this server's TO0 is refused.
      const stranger = createPublicKey((await generateKeyPair('secp256r1')).privateKey)
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const policy = await api('PUT', '/rendezvous/policy', world.tokens.rendezvous, { mode: 'trusted', ownerKeys: [stranger] });
      assert.equal(policy.statusCode, 200, policy.body);
      const guid = await manufacture('SN-AUTO-FAIL');
      const failed = await view(guid);
      assert.equal(failed.state, 'imported');
      assert.equal(failed.to0?.failures, 1);
      assert.match(failed.to0?.lastError?.code ?? '', /^ERR_/);
      assert.equal(failed.to0?.retryAt, undefined, 'as after a failed API registration: the next pass tries again');
      assert.deepEqual(await actors(guid, 'voucher.registration-failed'), ['system:auto-owner']);

      // The next pass retries and fails again: now the backoff applies.
      const first = await refresh();
      assert.deepEqual([first.renewed, first.failed], [[], [guid]]);
      const again = (await view(guid)).to0;
      assert.equal(again?.failures, 2);
      assert.equal(Date.parse(again?.retryAt ?? '') - Date.parse(again?.lastAttemptAt ?? ''), 2 * DEFAULT_TO0_BACKOFF_MS);
      assert.deepEqual((await refresh()).backingOff, [guid]);

      // Opened again: after the backoff the job registers it.
      assert.equal((await api('PUT', '/rendezvous/policy', world.tokens.rendezvous, { mode: 'open' })).statusCode, 200);
      offsetMs += 2 * DEFAULT_TO0_BACKOFF_MS;
      const healed = await refresh();
      assert.deepEqual([healed.renewed, healed.failed, healed.backingOff], [[guid], [], []]);
      const v = await view(guid);
      assert.equal(v.state, 'registered');
      assert.deepEqual([v.to0?.failures, v.to0?.lastError, v.to0?.retryAt, v.to0?.rendezvous], [0, undefined, undefined, 'in-process']);
      assert.ok(await world.platform.store.rendezvous.get(Buffer.from(guid, 'hex')), 'registered with this server as rendezvous');
    });
  });
}
