/**
 * The manager with the real fetcher: a signed MUD file over https from a server with a test CA, its
 * cache entry kept in the store between refreshes (ETag, 304), and refusals that keep the last file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createIntentManager } from '../../../src/intent/manager/manager.ts';
import type { IntentManager } from '../../../src/intent/manager/types.ts';
import { signMudFile } from '../../../src/mud/signature/cms-sign.ts';
import type { Store } from '../../../src/store/store.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor, type Issuer } from '../../helpers/pki.ts';
import { LOOPBACK_NAMES } from '../../helpers/tls.ts';
import { testCa } from '../../server/http/tls-helpers.ts';
import { KEK, movableClock } from '../../store/contract/shared.ts';
import { sqliteMemoryHarness } from '../../store/harness.ts';
import { mapResolver, recordingEnforcer } from './fakes.ts';

const MAC = '02:00:5e:00:00:21';
const routes = new Map<string, { body: Uint8Array; etag?: string }>();
const seen: { path: string; inm: string | undefined }[] = [];
let server: Server;
let base: string;
let serverCa: string;
let anchor: Issuer;
let signer: Issuer;

function mudFile(path: string, port: number): Uint8Array {
  const acl = {
    name: 'from',
    type: 'ipv4-acl-type',
    aces: {
      ace: [
        {
          name: 'cloud',
          matches: {
            ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.things.example.com' },
            tcp: { 'destination-port': { operator: 'eq', port } },
          },
          actions: { forwarding: 'accept' },
        },
      ],
    },
  };
  const mud = {
    'mud-version': 1,
    'mud-url': `${base}${path}`,
    'last-update': '2026-01-01T00:00:00Z',
    'cache-validity': 1,
    'is-supported': true,
    systeminfo: 'IoTopia manager test lamp',
    'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'from' }] } },
  };
  return new TextEncoder().encode(JSON.stringify({ 'ietf-mud:mud': mud, 'ietf-access-control-list:acls': { acl: [acl] } }));
}

function publish(path: string, port: number, signed = true): Uint8Array {
  const body = mudFile(path, port);
  routes.set(path, { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 12)}"` });
  const sig = path.replace(/\.json$/, '.p7s');
  if (signed) routes.set(sig, { body: signMudFile(body, { privateKey: signer.keys.privateKey, certificate: signer.certificate }) });
  else routes.delete(sig);
  return body;
}

before(async () => {
  const tlsCa = await testCa('IoTopia manager test TLS CA');
  const leaf = await tlsCa.issue('127.0.0.1', LOOPBACK_NAMES);
  serverCa = tlsCa.pem;
  const anchorKeys = await cachedKeys('secp256r1', 21);
  anchor = { keys: anchorKeys, certificate: certificateFor(anchorKeys, { commonName: 'IoTopia manager test signer CA', ca: true }) };
  const signerKeys = await cachedKeys('secp256r1', 22);
  signer = { keys: signerKeys, certificate: certificateFor(signerKeys, { commonName: 'mud.manager.test', issuer: anchor }) };
  server = createServer({ cert: `${leaf.cert}${tlsCa.pem}`, key: leaf.key }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const inm = req.headers['if-none-match'];
    seen.push({ path, inm: typeof inm === 'string' ? inm : undefined });
    const r = routes.get(path);
    if (r === undefined) return void res.writeHead(404).end();
    if (r.etag !== undefined && inm === r.etag) return void res.writeHead(304, { etag: r.etag }).end();
    res.writeHead(200, r.etag === undefined ? {} : { etag: r.etag }).end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((ok) => server.close(() => ok())));

describe('intent manager with fetchMud over https', () => {
  let store: Store;
  let manager: IntentManager;
  const enf = recordingEnforcer();
  const clock = movableClock(Date.now());
  before(async () => {
    store = await sqliteMemoryHarness().open(KEK, clock.clock);
    manager = createIntentManager({
      store,
      enforcer: enf.enforcer,
      resolver: mapResolver({ 'cloud.things.example.com': { addresses: ['198.51.100.7'], ttl: 86_400 } }).resolver,
      fetch: { serverCa, signerTrustAnchors: [anchor.certificate] },
      clock: clock.clock,
    });
  });
  after(() => store?.close());

  test('signed file enforced; the stored cache entry makes the next fetch conditional; refusals keep the last file', async () => {
    const body = publish('/lamp.json', 443);
    const d = await manager.observe({ mac: MAC, ipv4: '192.0.2.21', mudUrl: `${base}/lamp.json`, source: 'dhcp' });
    assert.equal(d?.state, 'enforced', JSON.stringify(d?.lastError));
    assert.equal(d?.mud?.signer, 'CN=mud.manager.test');
    assert.equal(d?.mud?.digest, createHash('sha256').update(body).digest('hex'));
    assert.equal(d?.fetch?.etag, routes.get('/lamp.json')?.etag);
    assert.match(enf.last(), /tcp dport 443/);

    // Within cache-validity nothing is asked; after it, a conditional request answered 304 changes nothing.
    assert.deepEqual(await manager.tick(new Date(clock.now())), { leader: true, refreshed: 0 });
    clock.advance(3_600_001);
    const asked = seen.length;
    await manager.tick(new Date(clock.now()));
    const conditional = seen.slice(asked).find((s) => s.path === '/lamp.json');
    assert.equal(conditional?.inm, routes.get('/lamp.json')?.etag);
    assert.equal(enf.scripts.length, 1, 'not modified: nothing applied');
    const after304 = await store.intentDevices.get(MAC);
    assert.equal(after304?.fetch?.fetchedAt.getTime(), clock.now());
    assert.equal(after304?.lastError, undefined);

    // A new signed version is applied.
    publish('/lamp.json', 8443);
    let r = await manager.refresh(MAC, { force: true });
    assert.equal(r.state, 'enforced');
    assert.match(enf.last(), /tcp dport 8443/);

    // An unsigned replacement is refused and the signed one stays.
    publish('/lamp.json', 22, false);
    r = await manager.refresh(MAC, { force: true });
    assert.equal(r.lastError?.code, 'ERR_INTENT_FETCH_UNSIGNED');
    assert.equal(r.state, 'enforced');
    assert.match(enf.last(), /tcp dport 8443/);
    assert.equal(enf.scripts.length, 2);

    // A plain http MUD URL is never fetched.
    const plain = await manager.observe({ mac: '02:00:5e:00:00:22', mudUrl: `${base.replace('https', 'http')}/lamp.json`, source: 'dhcp' });
    assert.equal(plain?.lastError?.code, 'ERR_INTENT_FETCH_URL');
    assert.equal(plain?.state, 'default-deny');
  });
});
