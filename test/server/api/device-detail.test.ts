/**
 * What the device page reads beside the device: the voucher's chain of owners (manufacturer, then
 * each entry, the last current), the intent records carrying the device's GUID with the MUD policy
 * in plain words and its most recent violations, and the device's campaign actions across
 * campaigns, newest first and paged, with the release and whether the SUIT report verified.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../../src/fdo/constants/crypto.ts';
import { publicKeyFingerprint, publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { createVoucher } from '../../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { createApp } from '../../../src/server/app.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { MUD_URL, mudJson } from '../../intent/mud-fixture.ts';

const hex = (n: number) => n.toString(16).padStart(2, '0').repeat(16);
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const MAC = '02:00:00:00:00:01';

describe('management API: what the device page reads', () => {
  let app: FastifyInstance;
  let store: Store;
  const tokens = { owner: '', auditor: '', manufacturer: '' };
  const fingerprints: string[] = [];
  const campaignIds = [randomUUID(), randomUUID(), randomUUID()];
  const actionIds = [randomUUID(), randomUUID(), randomUUID()];
  const releaseId = randomUUID();

  const get = (url: string, token = tokens.owner) =>
    app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    store = await openStore(':memory:', { kek: randomBytes(32) });
    app = createApp({ api: { store, manufacturerKeys: [], ownerKeys: [] } });
    await app.ready();
    for (const role of ['owner', 'auditor', 'manufacturer'] as const)
      tokens[role] = (await createApiToken(store, { name: role, roles: [role] })).secret;

    // Device 1: a voucher manufacturer → first owner → second owner, kept on the owner side.
    const [mfg, first, second] = await Promise.all([1, 2, 3].map(() => generateKeyPair('secp256r1')));
    if (mfg === undefined || first === undefined || second === undefined) throw new Error('no keys');
    const pk = (k: { publicKey: import('node:crypto').KeyObject }) =>
      publicKeyFromKeyObject(k.publicKey, { encoding: PublicKeyEncoding.X509 });
    let voucher = createVoucher({
      guid: bytes(hex(1)),
      rvInfo: [],
      deviceInfo: 'lamp-1',
      manufacturerKey: pk(mfg),
      devCertChain: null,
      hmac: { secret: new Uint8Array(32).fill(3) },
    });
    voucher = extendVoucher(voucher, { ownerPrivateKey: mfg.privateKey, nextOwner: first.publicKey });
    voucher = extendVoucher(voucher, { ownerPrivateKey: first.privateKey, nextOwner: second.publicKey });
    fingerprints.push(...[mfg, first, second].map((k) => publicKeyFingerprint(pk(k))));
    await store.devices.upsert({ guid: bytes(hex(1)), state: 'active' });
    await store.vouchers.put({ side: 'owner', guid: bytes(hex(1)), voucher: encodeVoucher(voucher), state: 'onboarded' });
    // Device 4: onboarded; TO2 made a voucher under a new GUID whose header holds another key.
    let original = createVoucher({
      guid: bytes(hex(4)),
      rvInfo: [],
      deviceInfo: 'lamp-1',
      manufacturerKey: pk(mfg),
      devCertChain: null,
      hmac: { secret: new Uint8Array(32).fill(4) },
    });
    original = extendVoucher(original, { ownerPrivateKey: mfg.privateKey, nextOwner: first.publicKey });
    const replaced = createVoucher({
      guid: bytes(hex(5)),
      rvInfo: [],
      deviceInfo: 'lamp-1',
      manufacturerKey: pk(second),
      devCertChain: null,
      hmac: { secret: new Uint8Array(32).fill(5) },
    });
    await store.devices.upsert({ guid: bytes(hex(4)), state: 'onboarded' });
    await store.devices.markOnboarded(bytes(hex(4)), bytes(hex(5)));
    await store.vouchers.put({ side: 'owner', guid: bytes(hex(4)), voucher: encodeVoucher(original), state: 'replaced' });
    await store.vouchers.put({ side: 'owner', guid: bytes(hex(5)), voucher: encodeVoucher(replaced), state: 'onboarded' });
    // Device 2: no voucher; device 3: a voucher whose bytes do not read.
    await store.devices.upsert({ guid: bytes(hex(2)), state: 'active' });
    await store.devices.upsert({ guid: bytes(hex(3)), state: 'active' });
    await store.vouchers.put({ side: 'owner', guid: bytes(hex(3)), voucher: Uint8Array.of(1, 2), state: 'imported' });

    // Device 1's intent record, enforced from a file that lets it open HTTPS to one name.
    const file = mudJson([
      {
        ipv4: { 'ietf-acldns:dst-dnsname': 'cloud.example.com' },
        tcp: { 'destination-port': { operator: 'eq', port: 443 }, 'ietf-mud:direction-initiated': 'from-device' },
      },
    ]);
    await store.intentDevices.put({
      mac: MAC,
      guid: hex(1),
      mudUrl: MUD_URL,
      urlSource: 'fdo',
      mud: { json: JSON.stringify(file), digest: 'ab'.repeat(32), signed: false },
      names: [],
      state: 'enforced',
      ruleCount: 4,
    });
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
    await store.intentViolations.record({
      mac: MAC,
      direction: 'from-device',
      protocol: 6,
      peer: '198.51.100.7',
      peerPort: 23,
      localPort: 40000,
      acl: 'from',
      at: at(1),
    });
    await store.intentViolations.record({
      mac: MAC,
      direction: 'from-device',
      protocol: 17,
      peer: '203.0.113.9',
      peerPort: 53,
      localPort: 5353,
      acl: 'from',
      at: at(5),
      count: 3,
    });
    const flow = { mac: MAC, direction: 'from-device', protocol: 6, peer: '198.51.100.10', localPort: 0 } as const;
    await store.intentFlows.record([
      { ...flow, peerPort: 443, verdict: 'accept', rule: 'from/cloud', at: at(2), count: 5 },
      { ...flow, peerPort: 23, verdict: 'drop', rule: 'default-deny after from', at: at(7) },
    ]);

    // Device 1 in three campaigns; the second succeeded with a verified report.
    await store.releases.create({
      id: releaseId,
      model: 'lamp-1',
      version: '2.0.0',
      sequenceNumber: 7,
      components: [],
      envelope: Uint8Array.of(0xa0),
      state: 'published',
      origin: 'signed',
    });
    for (const [i, id] of campaignIds.entries()) {
      await store.campaigns.create({
        id,
        name: `rollout ${i}`,
        releaseId,
        targetGuids: [hex(1)],
        waves: [{ percent: 100 }],
        actionType: 'forced',
        confirm: false,
        errorThreshold: 50,
        timeoutSeconds: 600,
        retries: { attempts: 0, backoffSeconds: 60 },
      });
      await store.campaigns.addActions(id, [{ id: actionIds[i] as string, guid: hex(1), wave: 0 }]);
      await store.campaigns.updateAction(actionIds[i] as string, ['scheduled'], { state: 'offered', offeredAt: new Date() });
      await new Promise((r) => setTimeout(r, 5));
    }
    await store.campaigns.updateAction(actionIds[1] as string, ['offered'], {
      state: 'succeeded',
      report: Uint8Array.of(0xd2),
      reportVerified: true,
    });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('draws the voucher chain manufacturer → owner → owner, the last current', async () => {
    const r = await get(`/devices/${hex(1)}/voucher-chain`);
    assert.equal(r.statusCode, 200, r.body);
    const chain = r.json();
    assert.equal(chain.side, 'owner');
    assert.equal(chain.deviceInfo, 'lamp-1');
    assert.deepEqual(
      chain.links.map((l: { role: string; entry?: number; fingerprint: string; current: boolean; keyType: string }) => [
        l.role,
        l.entry,
        l.fingerprint,
        l.current,
        l.keyType,
      ]),
      [
        ['manufacturer', undefined, fingerprints[0], false, 'SECP256R1'],
        ['owner', 0, fingerprints[1], false, 'SECP256R1'],
        ['owner', 1, fingerprints[2], true, 'SECP256R1'],
      ],
    );
  });

  it('ends the chain with the key of the voucher TO2 made, by either GUID', async () => {
    for (const guid of [hex(4), hex(5)]) {
      const r = await get(`/devices/${guid}/voucher-chain`);
      assert.equal(r.statusCode, 200, r.body);
      const chain = r.json();
      assert.equal(chain.guid, hex(4));
      assert.deepEqual(chain.replacement, { guid: hex(5), state: 'onboarded' });
      assert.deepEqual(
        chain.links.map((l: { role: string; fingerprint: string; current: boolean; replacement?: boolean }) => [
          l.role,
          l.fingerprint,
          l.current,
          l.replacement ?? false,
        ]),
        [
          ['manufacturer', fingerprints[0], false, false],
          ['owner', fingerprints[1], false, false],
          ['owner', fingerprints[2], true, true],
        ],
      );
    }
  });

  it('answers 404 without a voucher, 422 with the check’s code for one that does not read, and 404 for an unknown device', async () => {
    const none = await get(`/devices/${hex(2)}/voucher-chain`);
    assert.equal(none.statusCode, 404, none.body);
    assert.equal(none.json().code, 'ERR_API_NOT_FOUND');
    const bad = await get(`/devices/${hex(3)}/voucher-chain`);
    assert.equal(bad.statusCode, 422, bad.body);
    assert.equal(bad.json().code, 'ERR_API_VOUCHER_UNREADABLE');
    assert.match(bad.json().reason, /^ERR_/);
    for (const path of ['voucher-chain', 'intent', 'updates'])
      assert.equal((await get(`/devices/${hex(9)}/${path}`)).statusCode, 404, path);
  });

  it('shows the intent record with its policy in plain words and the most recent violation first', async () => {
    const r = await get(`/devices/${hex(1)}/intent`);
    assert.equal(r.statusCode, 200, r.body);
    const [entry, ...rest] = r.json().items;
    assert.equal(rest.length, 0);
    assert.equal(entry.device.mac, MAC);
    assert.equal(entry.device.state, 'enforced');
    assert.ok(
      entry.policy.sentences.some((s: string) => s.startsWith('The device may open TCP connections to cloud.example.com on port 443')),
      entry.policy.sentences.join('\n'),
    );
    assert.deepEqual(
      entry.violations.map((v: { peer: string; count: number }) => [v.peer, v.count]),
      [
        ['203.0.113.9', 3],
        ['198.51.100.7', 1],
      ],
    );
    assert.equal(entry.violationTotal, 4);
    assert.deepEqual(
      entry.flows.map((f: { peerPort: number; verdict: string; rule: string; count: number }) => [f.peerPort, f.verdict, f.rule, f.count]),
      [
        [23, 'drop', 'default-deny after from', 1],
        [443, 'accept', 'from/cloud', 5],
      ],
    );
    const byMac = await get(`/intent/devices/${MAC}/flows?limit=1`, tokens.auditor);
    assert.equal(byMac.statusCode, 200, byMac.body);
    assert.deepEqual(
      byMac.json().items.map((f: { peerPort: number; lastSeen: string }) => [f.peerPort, f.lastSeen]),
      [[23, new Date(Date.UTC(2026, 0, 1, 0, 7)).toISOString()]],
    );
    assert.equal((await get(`/intent/devices/${MAC}/flows?limit=201`)).statusCode, 400);
    assert.equal((await get('/intent/devices/02:00:00:00:00:77/flows')).statusCode, 404);
    const auditor = await get(`/devices/${hex(1)}/intent`, tokens.auditor);
    assert.equal(auditor.statusCode, 200);
    const empty = await get(`/devices/${hex(2)}/intent`);
    assert.deepEqual(empty.json(), { items: [] });
  });

  it('gives the timeline of the audit records about its GUIDs and its intent MACs, oldest first, paged', async () => {
    const append = (subject: string, action: string) => store.audit.append({ actor: 'system', action, subject });
    await append(hex(1), 'device.suspended');
    await append(MAC, 'intent.device.quarantined');
    await append(hex(2), 'device.suspended');
    await append(hex(4), 'voucher.imported');
    await append(hex(5), 'voucher.replacement-stored');
    type Page = { items: { subject: string; action: string; at: string }[]; next?: string };
    const first = await get(`/devices/${hex(1)}/timeline?limit=1`);
    assert.equal(first.statusCode, 200, first.body);
    const page1 = first.json() as Page;
    assert.equal(typeof page1.next, 'string');
    const rest = (await get(`/devices/${hex(1)}/timeline?cursor=${page1.next}`, tokens.auditor)).json() as Page;
    assert.deepEqual(
      [...page1.items, ...rest.items].map((r) => [r.subject, r.action]),
      [
        [hex(1), 'device.suspended'],
        [MAC, 'intent.device.quarantined'],
      ],
    );
    assert.match(page1.items[0]?.at ?? '', /^\d{4}-\d\d-\d\dT/);
    // Named by the GUID TO2 gave it, the device shows the records of both its GUIDs.
    const replaced = (await get(`/devices/${hex(5)}/timeline`)).json() as Page;
    assert.deepEqual(
      replaced.items.map((r) => r.subject),
      [hex(4), hex(5)],
    );
    assert.equal((await get(`/devices/${hex(1)}/timeline`, tokens.manufacturer)).statusCode, 403);
    assert.equal((await get(`/devices/${hex(9)}/timeline`)).statusCode, 404);
  });

  it('lists the device’s actions across campaigns newest first, paged, with the release and report state', async () => {
    const first = await get(`/devices/${hex(1)}/updates?limit=2`);
    assert.equal(first.statusCode, 200, first.body);
    const page1 = first.json();
    assert.equal(page1.items.length, 2);
    assert.equal(typeof page1.next, 'string');
    const second = await get(`/devices/${hex(1)}/updates?limit=2&cursor=${page1.next}`);
    const page2 = second.json();
    assert.equal(page2.next, undefined);
    const all = [...page1.items, ...page2.items];
    // The succeeded action changed last, so it comes first.
    assert.deepEqual(
      all.map((u: { actionId: string }) => u.actionId),
      [actionIds[1], actionIds[2], actionIds[0]],
    );
    const done = all[0];
    assert.equal(done.state, 'succeeded');
    assert.equal(done.reportVerified, true);
    assert.equal(done.campaignName, 'rollout 1');
    assert.equal(done.version, '2.0.0');
    assert.equal(done.sequenceNumber, 7);
    assert.equal(all[1].reportVerified, false);
  });

  it('keeps the routes to their roles', async () => {
    assert.equal((await get(`/devices/${hex(1)}/voucher-chain`, tokens.manufacturer)).statusCode, 403);
    assert.equal((await get(`/devices/${hex(1)}/updates`, tokens.auditor)).statusCode, 403);
    assert.equal((await get(`/devices/${hex(1)}/intent`, tokens.manufacturer)).statusCode, 403);
  });
});

describe('management API: the state changes offered for a device', () => {
  it('offers what the transition table allows from each state, and nothing that would keep it', async () => {
    const store = await openStore(':memory:', { kek: randomBytes(32) });
    const app = createApp({ api: { store, manufacturerKeys: [], ownerKeys: [] } });
    await app.ready();
    const token = (await createApiToken(store, { name: 'owner', roles: ['owner'] })).secret;
    const cases = [
      ['active', ['suspended', 'decommissioned']],
      ['onboarded', ['suspended', 'decommissioned']],
      ['quarantined', ['suspended', 'decommissioned']],
      ['suspended', ['active', 'decommissioned']],
      ['manufactured', ['decommissioned']],
      ['decommissioned', []],
    ] as const;
    try {
      for (const [i, [state, offered]] of cases.entries()) {
        await store.devices.upsert({ guid: bytes(hex(i + 16)), state });
        const r = await app.inject({
          method: 'GET',
          url: `/api/v1/devices/${hex(i + 16)}/state-options`,
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(r.statusCode, 200, r.body);
        assert.deepEqual(r.json(), { state, offered }, state);
      }
    } finally {
      await app.close();
      await store.close();
    }
  });
});
