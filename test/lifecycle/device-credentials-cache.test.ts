import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { deviceCredentials, VERIFY_CACHE_MS } from '../../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../../src/lifecycle/device-states.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDirs } from '../helpers/temp.ts';

const GUID = new Uint8Array(16).fill(7);
const dirs = tempDirs('iotopia-verify-cache-');

describe('the verified-credential cache', () => {
  const now = { ms: Date.parse('2030-01-01T00:00:00Z') };
  const clock = () => new Date(now.ms);
  const kek = new Uint8Array(randomBytes(32));
  // Two replicas: two stores on one database file.
  let here: Store;
  let there: Store;

  beforeEach(async () => {
    const path = join(dirs(), 'db.sqlite');
    here = await openStore(path, { kek, clock });
    there = await openStore(path, { kek, clock });
    await here.transaction((r) => moveDevice(r, GUID, 'onboarded', { replacementGuid: GUID }));
  });
  afterEach(async () => {
    await here.close();
    await there.close();
  });

  test('a revocation on another replica is refused once the bound has passed', async () => {
    const creds = deviceCredentials({ store: here, clock });
    const token = await creds.mint(GUID, { pending: false });
    assert.equal((await creds.verify(token)).ok, true);
    await deviceCredentials({ store: there, clock }).revoke(GUID);
    now.ms += VERIFY_CACHE_MS - 1;
    assert.equal((await creds.verify(token)).ok, true, 'within the bound the remembered verdict stands');
    now.ms += 1;
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'revoked' });
  });

  test('a suspension on another replica is refused once the bound has passed; one in this process at once', async () => {
    const creds = deviceCredentials({ store: here, clock });
    const token = await creds.mint(GUID, { pending: false });
    assert.equal((await creds.verify(token)).ok, true);
    await there.devices.upsert({ guid: GUID, state: 'suspended' });
    assert.equal((await creds.verify(token)).ok, true, 'another replica’s change waits for the bound');
    now.ms += VERIFY_CACHE_MS;
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'suspended' });
    await here.devices.upsert({ guid: GUID, state: 'active' });
    assert.equal((await creds.verify(token)).ok, true);
    await here.devices.upsert({ guid: GUID, state: 'decommissioned' });
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'retired' }, 'this process’s own change counts at once');
  });

  test('a verdict stands while nothing it depends on changes anywhere, however long', async () => {
    let reads = 0;
    const repo = here.deviceCredentials;
    const counted: Store = {
      ...here,
      deviceCredentials: {
        ...repo,
        findByHash: (hash) => {
          reads++;
          return repo.findByHash(hash);
        },
      },
    };
    const creds = deviceCredentials({ store: counted, clock });
    const token = await deviceCredentials({ store: here, clock }).mint(GUID, { pending: false });
    assert.equal((await creds.verify(token)).ok, true);
    now.ms += 3_600_000;
    // A sighting, written by another replica or this one, is no change the verdict depends on.
    await there.devices.recordSightings([{ guid: GUID, at: clock() }]);
    now.ms += 60_000;
    await here.devices.recordSightings([{ guid: GUID, at: clock() }]);
    assert.equal((await creds.verify(token)).ok, true);
    assert.equal(reads, 1, 'the second verdict came from memory');
    // A revocation straight through another replica's repository counts too.
    await there.deviceCredentials.revokeAll(GUID);
    now.ms += VERIFY_CACHE_MS;
    assert.deepEqual(await creds.verify(token), { ok: false, refusal: 'revoked' });
    assert.equal(reads, 2);
  });

  test('the verdict carries the device as it was read: its state is the one verify decided on', async () => {
    const creds = deviceCredentials({ store: here, clock });
    const token = await creds.mint(GUID, { pending: false });
    await here.devices.upsert({ guid: GUID, state: 'active' });
    const v = await creds.verify(token);
    assert.equal(v.ok && v.device.state, 'active');
  });
});
