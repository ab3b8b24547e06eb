import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { publicKeyFingerprint } from '../../../src/fdo/types/public-key.ts';
import { type ApiWorld, bearer, manufacture, startApiWorld } from './world.ts';

describe('management API: rendezvous registrations', () => {
  let w: ApiWorld;
  let guid: string;
  before(async () => {
    // With automatic ownership each device made here is registered with this rendezvous at once.
    w = await startApiWorld({ autoOwner: true });
    guid = await manufacture(w.platform);
  });
  after(() => w.close());

  test('the rendezvous role lists registrations with the owner key and expiry', async () => {
    const r = await w.platform.app.inject({ method: 'GET', url: '/api/v1/rendezvous/registrations', headers: bearer(w.tokens.rendezvous) });
    assert.equal(r.statusCode, 200, r.body);
    const items = (r.json() as { items: { guid: string; owner: string; expired: boolean; expiresAt: string }[] }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.guid, guid);
    assert.equal(items[0]?.expired, false);
    const ownerKey = w.platform.keys.owner[0]?.privateKey;
    assert.ok(ownerKey);
    assert.equal(items[0]?.owner, publicKeyFingerprint(ownerKey));
  });

  test('other roles may not', async () => {
    const r = await w.platform.app.inject({ method: 'GET', url: '/api/v1/rendezvous/registrations', headers: bearer(w.tokens.owner) });
    assert.equal(r.statusCode, 403);
  });
});
