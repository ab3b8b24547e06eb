/** The DI authorisation rule on its own: what counts as authorised, and the order of the checks. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { diAuthoriser, isAuthorisedDi } from '../../src/onboarding/di-authorisation.ts';
import { createDiToken } from '../../src/onboarding/di-tokens.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const clock = () => new Date();
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

test('only the authorisations the rule gives count as authorised', () => {
  for (const by of ['factory', 'loopback', 'token:0123abcd']) assert.ok(isAuthorisedDi(by), by);
  for (const by of [undefined, '', 'anonymous', 'token:', 'token:XYZ', 'Factory']) assert.ok(!isAuthorisedDi(by), String(by));
});

describe('the order of the checks', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ path: ':memory:' }, { kek: new Uint8Array(32).fill(3) });
  });
  after(() => store.close());

  test('factory first; then a presented DI token, checked even on loopback; then loopback from a loopback peer', async () => {
    const loopback = diAuthoriser({ store, policy: { loopbackOnly: true }, clock });
    const open = diAuthoriser({ store, policy: { loopbackOnly: false }, clock });
    const bad = 'Bearer iotopia_di_unknown';
    assert.equal((await open({ listener: 'factory', remoteAddress: '192.0.2.7', authorization: bad })).by, 'factory');
    await assert.rejects(loopback({ listener: 'main', remoteAddress: '127.0.0.1', authorization: bad }), code('ERR_DI_TOKEN_UNKNOWN'));
    assert.equal((await loopback({ listener: 'main', remoteAddress: '127.0.0.1' })).by, 'loopback');
    assert.equal((await loopback({ listener: 'main', remoteAddress: '::1', authorization: 'Bearer some-session-token' })).by, 'loopback');
    await assert.rejects(loopback({ listener: 'main', remoteAddress: '192.0.2.7' }), code('ERR_DI_NOT_AUTHORISED'));
    await assert.rejects(open({ listener: 'main', remoteAddress: '127.0.0.1' }), code('ERR_DI_NOT_AUTHORISED'));
    await assert.rejects(open(undefined), code('ERR_DI_NOT_AUTHORISED'));

    const token = await createDiToken(store, { name: 't', maxDevices: 1 }, { actor: 'test', clock });
    const grant = await open({ listener: 'main', remoteAddress: '192.0.2.7', authorization: `Bearer ${token.secret}` });
    assert.equal(grant.by, `token:${token.id}`);
    assert.equal((await store.diTokens.get(token.id))?.used, 0, 'nothing is spent until the AppStart was answered');
    await grant.take();
    assert.equal((await store.diTokens.get(token.id))?.used, 1);
    await assert.rejects(grant.take(), code('ERR_DI_TOKEN_USED_UP'), 'a grant cannot be taken twice past the limit');
  });

  test('a DI token cannot be made with a blank name, no devices or an expiry in the past', async () => {
    const make = (t: Parameters<typeof createDiToken>[1]) => createDiToken(store, t, { actor: 'test', clock });
    await assert.rejects(make({ name: '  ' }), (e: unknown) => (e as { field?: string }).field === 'name');
    await assert.rejects(make({ name: 'x', maxDevices: 0 }), (e: unknown) => (e as { field?: string }).field === 'maxDevices');
    await assert.rejects(
      make({ name: 'x', expiresAt: new Date(Date.now() - 1) }),
      (e: unknown) => (e as { field?: string }).field === 'expiresAt',
    );
  });
});
