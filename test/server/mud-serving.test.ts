import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { MAX_PUBLISHED_MUD_BYTES, MAX_PUBLISHED_SIGNATURE_BYTES } from '../../src/intent/mud-publication.ts';
import { MudBuilder } from '../../src/mud/author/builder.ts';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { verifyMudSignature } from '../../src/mud/signature/cms-verify.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { createApiToken } from '../../src/platform/tokens.ts';
import { startTestPlatform } from '../helpers/platform.ts';
import { type ApiWorld, bearer, startApiWorld } from './api/world.ts';

const mudFile = (overrides: Record<string, unknown> = {}) =>
  new TextEncoder().encode(
    `${JSON.stringify(
      {
        'ietf-mud:mud': {
          'mud-version': 1,
          'mud-url': 'https://mud.example.com/bulb.json',
          'last-update': '2026-01-01T00:00:00+00:00',
          'cache-validity': 24,
          'is-supported': true,
          systeminfo: 'Example bulb',
          'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'from-ipv4' }] } },
          'to-device-policy': { 'access-lists': { 'access-list': [{ name: 'to-ipv4' }] } },
          ...overrides,
        },
        'ietf-access-control-list:acls': {
          acl: [
            {
              name: 'from-ipv4',
              type: 'ipv4-acl-type',
              aces: {
                ace: [
                  {
                    name: 'cloud-out',
                    matches: {
                      ipv4: { 'ietf-acldns:dst-dnsname': 'cloud.example.com', protocol: 6 },
                      tcp: { 'ietf-mud:direction-initiated': 'from-device', 'destination-port': { operator: 'eq', port: 443 } },
                    },
                    actions: { forwarding: 'accept' },
                  },
                ],
              },
            },
            {
              name: 'to-ipv4',
              type: 'ipv4-acl-type',
              aces: {
                ace: [
                  {
                    name: 'cloud-in',
                    matches: {
                      ipv4: { 'ietf-acldns:src-dnsname': 'cloud.example.com', protocol: 6 },
                      tcp: { 'ietf-mud:direction-initiated': 'from-device', 'source-port': { operator: 'eq', port: 443 } },
                    },
                    actions: { forwarding: 'accept' },
                  },
                ],
              },
            },
          ],
        },
      },
      null,
      2,
    )}\n`,
  );

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer: X509Certificate = createCertificate({
  subject: { commonName: 'mud.example.com', organization: 'Example' },
  publicKey: key.publicKey,
  signer: { privateKey: key.privateKey },
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
});
const sign = (content: Uint8Array, privateKey: KeyObject = key.privateKey) => signMudFile(content, { privateKey, certificate: signer });
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('the mud role serves published MUD files and signatures', () => {
  let w: ApiWorld;
  const content = mudFile();
  const signature = sign(content);
  before(async () => {
    w = await startApiWorld();
  });
  after(() => w.close());

  const put = (name: string, body: object, token = w.tokens.manufacturer) =>
    w.platform.app.inject({ method: 'PUT', url: `/api/v1/mud-files/${name}`, headers: bearer(token), payload: body });
  const get = (path: string, headers: Record<string, string> = {}) => w.platform.app.inject({ method: 'GET', url: path, headers });

  test('the manufacturer publishes a signed, valid file; it is served byte for byte with media type, ETag and max-age', async () => {
    const r = await put('bulb.json', { content: b64(content), signature: b64(signature) });
    assert.equal(r.statusCode, 200, r.body);
    const info = r.json();
    assert.equal(info.name, 'bulb.json');
    assert.equal(info.cacheValidity, 24);
    assert.equal(info.signer, 'O=Example, CN=mud.example.com');
    assert.equal(info.bytes, content.length);
    assert.equal(info.publishedAt, info.updatedAt);

    const file = await get('/mud/bulb.json');
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/mud+json');
    assert.equal(file.headers['cache-control'], 'public, max-age=86400');
    assert.equal(file.headers.etag, info.contentEtag);
    assert.ok(Buffer.from(file.rawPayload).equals(Buffer.from(content)));

    const sig = await get('/mud/bulb.p7s');
    assert.equal(sig.statusCode, 200);
    assert.equal(sig.headers['content-type'], 'application/pkcs7-signature');
    assert.equal(sig.headers.etag, info.signatureEtag);
    const served = new Uint8Array(sig.rawPayload);
    assert.equal(
      verifyMudSignature(new Uint8Array(file.rawPayload), served, { checkChain: false }).signer,
      'O=Example, CN=mud.example.com',
    );
    assert.equal((await get('/mud/bulb.json.p7s')).statusCode, 200);
  });

  test('If-None-Match with the current ETag answers 304; another ETag gets the body', async () => {
    const first = await get('/mud/bulb.json');
    const etag = String(first.headers.etag);
    const again = await get('/mud/bulb.json', { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.body, '');
    assert.equal((await get('/mud/bulb.json', { 'if-none-match': `W/${etag}` })).statusCode, 304);
    assert.equal((await get('/mud/bulb.json', { 'if-none-match': '"other"' })).statusCode, 200);
  });

  test('unsigned, invalid, wrongly signed and misnamed files are refused with their codes', async () => {
    const unsigned = await put('bulb.json', { content: b64(content) });
    assert.equal(unsigned.statusCode, 422);
    assert.equal(unsigned.json().code, 'ERR_MUD_PUBLISH_UNSIGNED');

    const invalid = mudFile({ 'cache-validity': 500 });
    const bad = await put('bulb.json', { content: b64(invalid), signature: b64(sign(invalid)) });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().code, 'ERR_MUD_PUBLISH_INVALID');
    assert.ok(bad.json().errors.some((e: { path: string }) => e.path === '/ietf-mud:mud/cache-validity'));

    const changed = mudFile({ systeminfo: 'Changed bulb' });
    const wrong = await put('bulb.json', { content: b64(changed), signature: b64(signature) });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.json().code, 'ERR_MUD_PUBLISH_SIGNATURE');
    assert.equal(wrong.json().check, 'digest');

    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = signMudFile(content, { privateKey: key.privateKey, certificate: signer });
    forged[forged.length - 2]! ^= 0xff;
    const badSig = await put('bulb.json', { content: b64(content), signature: b64(forged) });
    assert.equal(badSig.statusCode, 422);
    assert.equal(badSig.json().check, 'signature');
    assert.throws(() => sign(content, otherKey), TypeError);

    const misnamed = await put('lamp.json', { content: b64(content), signature: b64(signature) });
    assert.equal(misnamed.statusCode, 422);
    assert.equal(misnamed.json().code, 'ERR_MUD_PUBLISH_NAME');
    assert.equal((await put('x.p7s', { content: b64(content), signature: b64(signature) })).json().code, 'ERR_MUD_PUBLISH_NAME');
    assert.equal((await put('bulb.json', { content: 'not base64!', signature: b64(signature) })).statusCode, 400);
    // The refused uploads left the published file as it was.
    assert.ok(Buffer.from((await get('/mud/bulb.json')).rawPayload).equals(Buffer.from(content)));
  });

  test('only the manufacturer (or admin) publishes; list, show and delete', async () => {
    assert.equal((await put('bulb.json', { content: b64(content), signature: b64(signature) }, w.tokens.owner)).statusCode, 403);
    const list = await w.platform.app.inject({ method: 'GET', url: '/api/v1/mud-files', headers: bearer(w.tokens.manufacturer) });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().items.map((i: { name: string }) => i.name),
      ['bulb.json'],
    );
    const one = await w.platform.app.inject({ method: 'GET', url: '/api/v1/mud-files/bulb.json', headers: bearer(w.tokens.admin) });
    assert.equal(one.json().mudUrl, 'https://mud.example.com/bulb.json');
    const del = await w.platform.app.inject({
      method: 'DELETE',
      url: '/api/v1/mud-files/bulb.json',
      headers: bearer(w.tokens.manufacturer),
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await get('/mud/bulb.json')).statusCode, 404);
    assert.equal((await get('/mud/bulb.p7s')).statusCode, 404);
    const again = await w.platform.app.inject({
      method: 'DELETE',
      url: '/api/v1/mud-files/bulb.json',
      headers: bearer(w.tokens.manufacturer),
    });
    assert.equal(again.statusCode, 404);
    const audit = await w.platform.app.inject({
      method: 'GET',
      url: '/api/v1/audit?subject=mud-file:bulb.json',
      headers: bearer(w.tokens.auditor),
    });
    assert.deepEqual(
      audit.json().items.map((i: { action: string }) => i.action),
      ['mud-file.published', 'mud-file.deleted'],
    );
  });
});

/** A valid MUD file of `domains` cloud services (about 2.3 kB each), named big.json. */
function bigMudFile(domains: number): Uint8Array {
  const b = new MudBuilder({
    mudUrl: 'https://mud.example.com/big.json',
    lastUpdate: '2026-12-01T00:00:00+00:00',
    cacheValidity: 6,
    mfgName: 'Example',
    modelName: 'Big hub',
    documentation: 'https://mud.example.com/big',
  });
  for (let i = 0; i < domains; i++) b.allow({ kind: 'domain', name: `svc${i}.cloud.example.com` }, { protocol: 'tcp', port: 443 });
  return new TextEncoder().encode(JSON.stringify(b.build().json, null, 2));
}

describe('MUD files larger than a setting could hold (256 KiB) publish and serve', () => {
  let w: ApiWorld;
  before(async () => {
    w = await startApiWorld();
  });
  after(() => w.close());

  const put = (name: string, body: object) =>
    w.platform.app.inject({ method: 'PUT', url: `/api/v1/mud-files/${name}`, headers: bearer(w.tokens.manufacturer), payload: body });
  const get = (path: string, headers: Record<string, string> = {}) => w.platform.app.inject({ method: 'GET', url: path, headers });
  const etagOf = (b: Uint8Array) => `"${createHash('sha256').update(b).digest('base64url').slice(0, 32)}"`;

  test('a valid, signed file of more than 256 KiB is served byte for byte with its ETag, max-age and Last-Modified', async () => {
    const content = bigMudFile(150);
    assert.ok(content.length > 256 * 1024, `${content.length} bytes`);
    assert.ok(parseMud(content).mud !== undefined, 'the file validates strictly');
    const signature = sign(content);
    const r = await put('big.json', { content: b64(content), signature: b64(signature) });
    assert.equal(r.statusCode, 200, r.body);
    const info = r.json();
    assert.equal(info.bytes, content.length);
    assert.equal(info.contentEtag, etagOf(content));
    assert.equal(info.signatureEtag, etagOf(signature));
    assert.equal(info.cacheValidity, 6);
    assert.equal(info.publishedAt, info.updatedAt);

    const file = await get('/mud/big.json');
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/mud+json');
    assert.equal(file.headers['cache-control'], 'public, max-age=21600');
    assert.equal(file.headers.etag, etagOf(content));
    assert.equal(file.headers['last-modified'], new Date(info.updatedAt).toUTCString());
    assert.ok(Buffer.from(file.rawPayload).equals(Buffer.from(content)));
    const again = await get('/mud/big.json', { 'if-none-match': etagOf(content) });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers['cache-control'], 'public, max-age=21600');

    const sig = await get('/mud/big.p7s');
    assert.equal(sig.statusCode, 200);
    assert.equal(sig.headers['content-type'], 'application/pkcs7-signature');
    assert.equal(sig.headers.etag, etagOf(signature));
    assert.equal(
      verifyMudSignature(new Uint8Array(file.rawPayload), new Uint8Array(sig.rawPayload), { checkChain: false }).signer,
      info.signer,
    );
  });

  test('replacing the file changes the ETag and Last-Modified, keeps the first publication time', async () => {
    const before = (
      await w.platform.app.inject({ method: 'GET', url: '/api/v1/mud-files/big.json', headers: bearer(w.tokens.manufacturer) })
    ).json();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const content = bigMudFile(151);
    const r = await put('big.json', { content: b64(content), signature: b64(sign(content)) });
    assert.equal(r.statusCode, 200, r.body);
    const info = r.json();
    assert.equal(info.publishedAt, before.publishedAt);
    assert.ok(Date.parse(info.updatedAt) > Date.parse(before.updatedAt));
    assert.notEqual(info.contentEtag, before.contentEtag);
    const file = await get('/mud/big.json', { 'if-none-match': before.contentEtag });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers.etag, etagOf(content));
  });

  test('a file just under the 2 MiB limit publishes through the API and is served whole', async () => {
    const content = bigMudFile(900);
    assert.ok(content.length > MAX_PUBLISHED_MUD_BYTES - 64 * 1024 && content.length <= MAX_PUBLISHED_MUD_BYTES, `${content.length} bytes`);
    const r = await put('big.json', { content: b64(content), signature: b64(sign(content)) });
    assert.equal(r.statusCode, 200, r.body);
    const file = await get('/mud/big.json');
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers.etag, etagOf(content));
    assert.ok(Buffer.from(file.rawPayload).equals(Buffer.from(content)));
  });

  test('a file larger than the store keeps is refused before validation (413)', async () => {
    const content = new Uint8Array(MAX_PUBLISHED_MUD_BYTES + 1).fill(0x20);
    const r = await put('huge.json', { content: b64(content), signature: b64(Uint8Array.of(0x30)) });
    assert.equal(r.statusCode, 413, r.body);
    assert.equal(r.json().code, 'ERR_MUD_PUBLISH_TOO_LARGE');
    const sig = await put('huge.json', {
      content: b64(Uint8Array.of(0x7b)),
      signature: b64(new Uint8Array(MAX_PUBLISHED_SIGNATURE_BYTES + 1)),
    });
    assert.equal(sig.statusCode, 413, sig.body);
    assert.equal(sig.json().code, 'ERR_MUD_PUBLISH_TOO_LARGE');
  });
});

describe('without the mud role nothing is served', () => {
  test('a published file is not served by a server without the role', async () => {
    const { platform, close } = await startTestPlatform('iotopia-mud-off-', { roles: 'manufacturer' });
    try {
      const token = (await createApiToken(platform.store, { name: 'm', roles: ['manufacturer'] })).secret;
      const content = mudFile();
      const put = await platform.app.inject({
        method: 'PUT',
        url: '/api/v1/mud-files/bulb.json',
        headers: bearer(token),
        payload: { content: b64(content), signature: b64(sign(content)) },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal((await platform.app.inject({ method: 'GET', url: '/mud/bulb.json' })).statusCode, 404);
    } finally {
      await close();
    }
  });
});
