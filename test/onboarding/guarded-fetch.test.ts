/**
 * The owner's TO0 connections check what a rendezvous host name resolves to when connecting: a
 * name that resolves to loopback or a metadata address is refused before any byte is sent, and the
 * registrar reports ERR_OWNER_TO0_ADDRESS_REFUSED; voucher rendezvous info or a stored list that
 * names such an address directly is refused without a connection attempt.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TransportProtocol } from '../../src/fdo/constants/rendezvous.ts';
import { MemoryOwnerKeyRing } from '../../src/fdo/protocol/memory-stores.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import { RendezvousAddressError, STRICT_ADDRESSES } from '../../src/onboarding/address-policy.ts';
import { guardedFetch, type Resolver } from '../../src/onboarding/guarded-fetch.ts';
import { ownerRegistrar } from '../../src/onboarding/to0-registrar.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { makeVoucher } from '../fdo/voucher/helpers.ts';
import { tempDirs } from '../helpers/temp.ts';

const LOOPBACK_SERVER = { allowInternal: false, loopbackServer: true };

/** A resolver that knows only the names given, as a DNS server under an attacker's control would answer. */
const resolverOf =
  (names: Record<string, LookupAddress[]>): Resolver =>
  (hostname, callback) => {
    const found = names[hostname];
    if (found === undefined) callback(Object.assign(new Error(`${hostname}: not found`), { code: 'ENOTFOUND' }), []);
    else callback(null, found);
  };

const toLoopback = resolverOf({ 'rv.test': [{ address: '127.0.0.1', family: 4 }] });

describe('TO0 connections check the resolved address', () => {
  let server: Server;
  let port = 0;
  let requests = 0;
  let store: Store;
  before(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/redirect') res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    store = await openStore({ path: join(tempDirs('iotopia-guarded-')(), 'db.sqlite') }, { kek: new Uint8Array(randomBytes(32)) });
  });
  after(async () => {
    await store.close();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a name resolving to loopback connects only when loopback is allowed (the lookup is the one used)', async () => {
    const allowed = await guardedFetch(LOOPBACK_SERVER, { resolve: toLoopback })(`http://rv.test:${port}/fdo/101/msg/20`, {
      method: 'POST',
      body: new Uint8Array([0xf6]),
      headers: { 'content-type': 'application/cbor' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(await allowed.text(), 'ok');
    assert.equal(requests, 1);

    await assert.rejects(guardedFetch(STRICT_ADDRESSES, { resolve: toLoopback })(`http://rv.test:${port}/`), (e: unknown) => {
      assert.ok(e instanceof RendezvousAddressError, String(e));
      assert.match(e.message, /rv\.test: resolves to a loopback address/);
      return true;
    });
    assert.equal(requests, 1, 'nothing reached the server');
  });

  test('an address literal, which no lookup sees, is checked too', async () => {
    await assert.rejects(guardedFetch(STRICT_ADDRESSES)(`http://127.0.0.1:${port}/`), RendezvousAddressError);
    await assert.rejects(guardedFetch(STRICT_ADDRESSES)(`http://[::ffff:127.0.0.1]:${port}/`), RendezvousAddressError);
    assert.equal(requests, 1, 'nothing reached the server');
  });

  test('one refused address among several refuses the name', async () => {
    const mixed = resolverOf({
      'rv.test': [
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    await assert.rejects(guardedFetch(LOOPBACK_SERVER, { resolve: mixed })(`http://rv.test:${port}/`), /metadata endpoint/);
    assert.equal(requests, 1);
  });

  test('a redirect is not followed: it could point anywhere', async () => {
    const r = await guardedFetch(LOOPBACK_SERVER, { resolve: toLoopback })(`http://rv.test:${port}/redirect`, {
      method: 'POST',
      body: new Uint8Array(1),
    });
    assert.equal(r.status, 307);
    assert.equal(requests, 2, 'one request, to the rendezvous only');
  });

  const registrar = (fetch: typeof globalThis.fetch) =>
    ownerRegistrar({
      store,
      keyRing: new MemoryOwnerKeyRing([]),
      to2Address: async () => [{ ip: '192.0.2.10', port: 8080, protocol: TransportProtocol.ProtHTTP }],
      transport: { fetch, timeoutMs: 5000 },
    });

  test('the registrar refuses a stored list naming a metadata address without connecting, and one resolving to loopback at connect time', async () => {
    const voucher = encodeVoucher((await makeVoucher(1)).voucher);
    // Stored as a value from before the check, or from a voucher's rendezvous info: checked again here.
    await store.settings.put('owner', 'rendezvous', { urls: ['http://169.254.169.254', 'http://[::ffff:a9fe:a9fe]:8080'] });
    let calls = 0;
    const counting: typeof fetch = async () => {
      calls++;
      return new Response(null, { status: 500 });
    };
    await assert.rejects(registrar(counting)(voucher), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'ERR_OWNER_TO0_ADDRESS_REFUSED');
      assert.match((e as Error).message, /169\.254\.169\.254: a cloud metadata endpoint/);
      return true;
    });
    assert.equal(calls, 0);

    await store.settings.put('owner', 'rendezvous', { urls: [`http://rv.test:${port}`] });
    await assert.rejects(registrar(guardedFetch(STRICT_ADDRESSES, { resolve: toLoopback }))(voucher), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'ERR_OWNER_TO0_ADDRESS_REFUSED');
      assert.match((e as Error).message, /rv\.test: resolves to a loopback address/);
      return true;
    });
    assert.equal(requests, 2, 'nothing reached the server');
  });
});
