import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../../src/crypto/private-key-handle.ts';
import { publicKeyFingerprint } from '../../../src/fdo/types/public-key.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { type ApiWorld, bearer, manufacture, startApiWorld } from './world.ts';

interface VoucherView {
  guid: string;
  side: string;
  state: string;
  entries: number;
  owner: string;
}

describe('management API: vouchers from manufacture to import', () => {
  let w: ApiWorld;
  const guids: string[] = [];
  let ownerPem: string;
  before(async () => {
    w = await startApiWorld();
    for (let i = 0; i < 3; i++) guids.push(await manufacture(w.platform));
    guids.sort();
    const ownerKey = w.platform.keys.owner[0]?.privateKey;
    assert.ok(ownerKey);
    ownerPem = publicKeyOf(ownerKey).export({ type: 'spki', format: 'pem' }).toString();
  });
  after(() => w.close());

  const get = (url: string, token = w.tokens.manufacturer) => w.platform.app.inject({ method: 'GET', url, headers: bearer(token) });

  test('list pages through the vouchers with limit and cursor', async () => {
    const first = await get('/api/v1/manufacturer/vouchers?limit=2');
    assert.equal(first.statusCode, 200);
    const p1 = first.json() as { items: VoucherView[]; next?: string };
    assert.equal(p1.items.length, 2);
    assert.ok(p1.next);
    const p2 = (await get(`/api/v1/manufacturer/vouchers?limit=2&cursor=${encodeURIComponent(p1.next)}`)).json() as {
      items: VoucherView[];
      next?: string;
    };
    assert.deepEqual(
      [...p1.items, ...p2.items].map((v) => v.guid),
      guids,
    );
    assert.equal(p2.next, undefined);
    assert.ok(p1.items.every((v) => v.side === 'manufacturer' && v.state === 'created' && v.entries === 0));
  });

  test('bad list parameters are 400 problems naming the field', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=%21%21', 'cursor'],
      ['state=sold', 'state'],
    ]) {
      const r = await get(`/api/v1/manufacturer/vouchers?${query}`);
      assert.equal(r.statusCode, 400, query);
      assert.deepEqual(
        (({ code, field }) => ({ code, field }))(r.json() as { code: string; field: string }),
        { code: 'ERR_API_VALIDATION', field },
        query,
      );
    }
  });

  test('get one; an unknown GUID is 404, a malformed one 400', async () => {
    const one = await get(`/api/v1/manufacturer/vouchers/${guids[0]}`);
    assert.equal(one.statusCode, 200);
    assert.equal((one.json() as VoucherView).guid, guids[0]);
    const unknown = await get(`/api/v1/manufacturer/vouchers/${'0'.repeat(32)}`);
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { code: string }).code, 'ERR_API_NOT_FOUND');
    const bad = await get('/api/v1/manufacturer/vouchers/xyz');
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { field: string }).field, 'guid');
  });

  test('export as PEM round-trips to the stored bytes', async () => {
    const r = await get(`/api/v1/manufacturer/vouchers/${guids[0]}/pem`);
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^application\/x-pem-file/);
    assert.match(r.body, /-----BEGIN OWNERSHIP VOUCHER-----/);
    const stored = await w.platform.store.vouchers.get('manufacturer', Buffer.from(guids[0] as string, 'hex'));
    assert.deepEqual(encodeVoucher(parseVoucher(r.body)), stored?.voucher);
  });

  test('extend to an owner key: the result verifies and ends at that key; bad keys are 400, an unknown GUID 404', async () => {
    const r = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${guids[1]}/extend`,
      headers: bearer(w.tokens.manufacturer),
      payload: { ownerKey: ownerPem },
    });
    assert.equal(r.statusCode, 200, r.body);
    const out = r.json() as { voucher: VoucherView; pem: string };
    assert.equal(out.voucher.state, 'extended');
    assert.equal(out.voucher.entries, 1);
    const verified = verifyVoucher(parseVoucher(out.pem), { ownerKey: createPublicKey(ownerPem) });
    assert.equal(verified.entries, 1);
    assert.equal(out.voucher.owner, publicKeyFingerprint(createPublicKey(ownerPem)));

    const missing = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${guids[2]}/extend`,
      headers: bearer(w.tokens.manufacturer),
      payload: {},
    });
    assert.equal(missing.statusCode, 400);
    assert.equal((missing.json() as { field: string }).field, 'ownerKey');
    const garbage = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${guids[2]}/extend`,
      headers: bearer(w.tokens.manufacturer),
      payload: { ownerKey: 'not a key' },
    });
    assert.equal(garbage.statusCode, 400);
    const unknown = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${'ab'.repeat(16)}/extend`,
      headers: bearer(w.tokens.manufacturer),
      payload: { ownerKey: ownerPem },
    });
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal((unknown.json() as { code: string }).code, 'ERR_API_NOT_FOUND');
  });

  test('the owner imports the extended voucher (PEM); the device shows up as owned', async () => {
    const pem = (
      (
        await w.platform.app.inject({
          method: 'POST',
          url: `/api/v1/manufacturer/vouchers/${guids[0]}/extend`,
          headers: { ...bearer(w.tokens.manufacturer), 'content-type': 'application/x-pem-file' },
          payload: ownerPem,
        })
      ).json() as { pem: string }
    ).pem;
    const r = await w.platform.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers: { ...bearer(w.tokens.owner), 'content-type': 'application/x-pem-file' },
      payload: pem,
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual((({ guid, side, state }) => ({ guid, side, state }))(r.json() as VoucherView), {
      guid: guids[0],
      side: 'owner',
      state: 'imported',
    });
    const device = await get(`/api/v1/devices/${guids[0]}`, w.tokens.owner);
    assert.equal(device.statusCode, 200);
    assert.deepEqual((({ state, voucherState }) => ({ state, voucherState }))(device.json() as { state: string; voucherState: string }), {
      state: 'owned',
      voucherState: 'imported',
    });
    const list = (await get('/api/v1/owner/vouchers', w.tokens.owner)).json() as { items: VoucherView[] };
    assert.deepEqual(
      list.items.map((v) => v.guid),
      [guids[0]],
    );
    const audit = (await get(`/api/v1/audit?subject=${guids[0]}`, w.tokens.auditor)).json() as {
      items: { action: string; actor: string }[];
    };
    assert.ok(audit.items.some((a) => a.action === 'voucher.imported' && a.actor.startsWith('token:')));
    assert.ok(audit.items.some((a) => a.action === 'voucher.extended'));
  });

  test('the owner registers an imported voucher with its own rendezvous (TO0)', async () => {
    const r = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/owner/vouchers/${guids[0]}/register`,
      headers: bearer(w.tokens.owner),
    });
    assert.equal(r.statusCode, 200, r.body);
    const v = r.json() as VoucherView & { registeredUntil?: string };
    assert.equal(v.state, 'registered');
    assert.ok(v.registeredUntil !== undefined && Date.parse(v.registeredUntil) > Date.now());
    assert.ok(await w.platform.store.rendezvous.get(Buffer.from(guids[0] as string, 'hex')));
    const device = (await get(`/api/v1/devices/${guids[0]}`, w.tokens.owner)).json() as { state: string };
    assert.equal(device.state, 'registered');
    const unknown = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/owner/vouchers/${'0'.repeat(32)}/register`,
      headers: bearer(w.tokens.owner),
    });
    assert.equal(unknown.statusCode, 404);
  });

  test('import as CBOR works too', async () => {
    const extended = (
      await w.platform.app.inject({
        method: 'POST',
        url: `/api/v1/manufacturer/vouchers/${guids[1]}/extend`,
        headers: bearer(w.tokens.manufacturer),
        payload: { ownerKey: ownerPem },
      })
    ).json() as { pem: string };
    const r = await w.platform.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers: { ...bearer(w.tokens.owner), 'content-type': 'application/cbor' },
      payload: Buffer.from(encodeVoucher(parseVoucher(extended.pem))),
    });
    assert.equal(r.statusCode, 201, r.body);
  });

  test('a tampered voucher is rejected with the failed check as the reason', async () => {
    const { pem } = (
      await w.platform.app.inject({
        method: 'POST',
        url: `/api/v1/manufacturer/vouchers/${guids[2]}/extend`,
        headers: bearer(w.tokens.manufacturer),
        payload: { ownerKey: ownerPem },
      })
    ).json() as { pem: string };
    const voucher = parseVoucher(pem);
    const entry = voucher.entries[0]?.raw;
    assert.ok(entry);
    // Flip the last byte of the entry's signature inside the voucher's encoding.
    const bytes = Buffer.from(encodeVoucher(voucher));
    const at = bytes.indexOf(Buffer.from(entry)) + entry.length - 1;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    const r = await w.platform.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers: { ...bearer(w.tokens.owner), 'content-type': 'application/cbor' },
      payload: bytes,
    });
    assert.equal(r.statusCode, 422, r.body);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    const p = r.json() as { code: string; reason: string; detail: string };
    assert.equal(p.code, 'ERR_API_VOUCHER_REJECTED');
    assert.match(p.reason, /^ERR_/);
    assert.equal(await w.platform.store.vouchers.get('owner', Buffer.from(guids[2] as string, 'hex')), undefined);
  });

  test('a voucher extended to someone else is refused; an empty body names the field', async () => {
    const other = await generateKeyPair('secp256r1');
    const otherPem = createPublicKey(other.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const { pem } = (
      await w.platform.app.inject({
        method: 'POST',
        url: `/api/v1/manufacturer/vouchers/${guids[2]}/extend`,
        headers: bearer(w.tokens.manufacturer),
        payload: { ownerKey: otherPem },
      })
    ).json() as { pem: string };
    const r = await w.platform.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers: bearer(w.tokens.owner),
      payload: { voucher: pem },
    });
    assert.equal(r.statusCode, 422);
    assert.equal((r.json() as { code: string }).code, 'ERR_API_VOUCHER_NOT_OURS');
    // The stored voucher now belongs to a foreign key, so this server can no longer extend it.
    const again = await w.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${guids[2]}/extend`,
      headers: bearer(w.tokens.manufacturer),
      payload: { ownerKey: ownerPem },
    });
    assert.equal(again.statusCode, 409);
    assert.equal((again.json() as { code: string }).code, 'ERR_API_VOUCHER_NOT_OURS');
    const empty = await w.platform.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers: bearer(w.tokens.owner),
      payload: {},
    });
    assert.equal(empty.statusCode, 400);
    assert.equal((empty.json() as { field: string }).field, 'voucher');
  });

  test('devices list pages with state filter', async () => {
    const r = await get('/api/v1/devices?limit=1', w.tokens.owner);
    assert.equal(r.statusCode, 200);
    const page = r.json() as { items: { guid: string }[]; next?: string };
    assert.equal(page.items.length, 1);
    assert.ok(page.next);
    const owned = (await get('/api/v1/devices?state=owned', w.tokens.owner)).json() as { items: { guid: string }[] };
    assert.deepEqual(
      owned.items.map((d) => d.guid),
      [guids[1]],
    );
    const registered = (await get('/api/v1/devices?state=registered', w.tokens.owner)).json() as { items: { guid: string }[] };
    assert.deepEqual(
      registered.items.map((d) => d.guid),
      [guids[0]],
    );
    assert.equal((await get('/api/v1/devices?state=lost', w.tokens.owner)).statusCode, 400);
  });
});
