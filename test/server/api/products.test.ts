import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseMud } from '../../../src/mud/index.ts';
import { bytesOf, osv, sbomDoc, toyParsers } from '../../compliance/products/toy-parsers.ts';
import { device, guidHex, lifecycleRelease, product } from '../../compliance/products/world.ts';
import { auth, type ProductApiWorld, productApiWorld } from './products-world.ts';

const MUD_URL = 'https://mud.example.com/mud/cam-1.json';

const mudFile = (sbomUrl: string) => ({
  'ietf-mud:mud': {
    'mud-version': 1,
    'mud-url': MUD_URL,
    'last-update': '2031-01-01T00:00:00+00:00',
    'cache-validity': 24,
    'is-supported': true,
    systeminfo: 'Camera',
    extensions: ['transparency'],
    'ietf-mud-transparency:transparency': { sboms: [{ 'version-info': '1.0', 'sbom-url': sbomUrl }] },
    'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'fr' }] } },
  },
  'ietf-access-control-list:acls': {
    acl: [
      {
        name: 'fr',
        type: 'ipv4-acl-type',
        aces: {
          ace: [
            {
              name: 'cloud',
              matches: {
                ipv4: { 'ietf-acldns:dst-dnsname': 'api.example.com', protocol: 6 },
                tcp: { 'ietf-mud:direction-initiated': 'from-device', 'destination-port': { operator: 'eq', port: 443 } },
              },
              actions: { forwarding: 'accept' },
            },
          ],
        },
      },
    ],
  },
});

describe('management API: products, SBOMs, vulnerabilities', () => {
  let w: ProductApiWorld;
  before(async () => {
    w = await productApiWorld(toyParsers, 64 * 1024);
  });
  after(() => w.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, body?: unknown, type = 'application/json') =>
    w.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...auth(token), ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { payload: body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body) }),
    });

  it('creates, reads, updates and deletes products with problem details for each refusal; roles enforced', async () => {
    const { owner, auditor, manufacturer } = w.tokens;
    const made = await call('POST', '/products', owner, product('cam-1', { mudUrl: MUD_URL, supportEnd: '2031-02-28' }));
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().model, 'cam-1');
    const again = await call('POST', '/products', owner, product('cam-1'));
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ERR_PRODUCT_EXISTS');
    const bad = await call('POST', '/products', owner, product('cam-2', { securityContact: 'tel:1' }));
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ERR_PRODUCT_INPUT');
    assert.match(bad.json().detail, /^securityContact:/);
    assert.equal((await call('POST', '/products', auditor, product('cam-3'))).statusCode, 403);
    assert.equal((await call('GET', '/products', manufacturer)).statusCode, 200, 'a device maker reads and writes its products');
    const list = await call('GET', '/products', auditor);
    assert.deepEqual(
      list.json().items.map((p: { model: string }) => p.model),
      ['cam-1'],
    );
    const { model: _m, ...members } = product('cam-1', { mudUrl: MUD_URL, supportEnd: '2031-02-28', remediationDays: 10 });
    const put = await call('PUT', '/products/cam-1', owner, members);
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().remediationDays, 10);
    assert.equal((await call('GET', '/products/nope', owner)).json().code, 'ERR_PRODUCT_NOT_FOUND');
    await call('POST', '/products', owner, product('tmp'));
    assert.equal((await call('DELETE', '/products/tmp', owner)).statusCode, 204);
    assert.equal((await call('DELETE', '/products/tmp', owner)).statusCode, 404);
  });

  it('declares releases, imports an SBOM by media type, serves it back and its components', async () => {
    const { owner, auditor } = w.tokens;
    await lifecycleRelease(w.store, 'cam-1', '1.0', 1);
    const declared = await call('POST', '/products/cam-1/releases', owner, { version: '0.9', releasedAt: '2030-01-01T00:00:00Z' });
    assert.equal(declared.statusCode, 201, declared.body);
    const releases = await call('GET', '/products/cam-1/releases', auditor);
    assert.deepEqual(
      releases.json().items.map((r: { version: string; origin: string }) => [r.version, r.origin]),
      [
        ['1.0', 'lifecycle'],
        ['0.9', 'declared'],
      ],
    );
    const doc = sbomDoc([{ name: 'zlib', version: '1.2', purl: 'pkg:generic/zlib@1.2' }]);
    const imported = await call(
      'PUT',
      '/products/cam-1/releases/1.0/sbom?source=bom.cdx.json',
      owner,
      doc,
      'application/vnd.cyclonedx+json',
    );
    assert.equal(imported.statusCode, 201, imported.body);
    assert.equal(imported.json().source, 'bom.cdx.json');
    const withSbom = (await call('GET', '/products/cam-1/releases', auditor)).json().items;
    assert.deepEqual(
      withSbom.map((r: { version: string; sbom?: { source: string; componentCount: number } }) => [
        r.version,
        r.sbom?.source,
        r.sbom?.componentCount,
      ]),
      [
        ['1.0', 'bom.cdx.json', 1],
        ['0.9', undefined, undefined],
      ],
    );
    const back = await call('GET', '/products/cam-1/releases/1.0/sbom', auditor);
    assert.equal(back.headers['content-type'], 'application/vnd.cyclonedx+json');
    assert.deepEqual(new Uint8Array(back.rawPayload), doc);
    const comps = await call('GET', '/products/cam-1/releases/1.0/sbom/components', auditor);
    assert.deepEqual(
      comps.json().components.map((c: { name: string }) => c.name),
      ['zlib'],
    );
    const missing = await call('PUT', '/products/cam-1/releases/7.0/sbom', owner, doc, 'application/vnd.cyclonedx+json');
    assert.equal(missing.json().code, 'ERR_PRODUCT_RELEASE_NOT_FOUND');
    const malformed = await call('PUT', '/products/cam-1/releases/1.0/sbom', owner, bytesOf({ format: 'x' }), 'application/spdx+json');
    assert.equal(malformed.statusCode, 422);
    assert.equal(malformed.json().code, 'ERR_TOY_PARSE');
    const huge = await call('PUT', '/products/cam-1/releases/1.0/sbom', owner, new Uint8Array(70 * 1024), 'application/spdx+json');
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().code, 'ERR_PRODUCT_FILE_TOO_LARGE');
    assert.equal((await call('GET', '/products/cam-1/releases/0.9/sbom', auditor)).json().code, 'ERR_PRODUCT_SBOM_NOT_FOUND');
  });

  it('imports OSV and VEX, lists a release’s vulnerabilities, the open ones and the affected devices', async () => {
    const { owner, auditor } = w.tokens;
    const failed = await call('POST', '/vulnerabilities?source=feed.json', owner, [osv('OSV-1', 'zlib', ['1.2']), { id: 'broken' }]);
    assert.equal(failed.statusCode, 422);
    assert.match(failed.json().detail, /feed\.json\[1\]/);
    assert.equal(await w.store.vulnerabilities.countOsv(), 0);
    const ok = await call('POST', '/vulnerabilities', owner, osv('OSV-1', 'zlib', ['1.2']));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(
      ok.json().imported.map((r: { id: string }) => r.id),
      ['OSV-1'],
    );
    await device(w.store, 1, 'cam-1', '1.0');
    await device(w.store, 2, 'cam-1');
    const vulns = await call('GET', '/products/cam-1/releases/1.0/vulnerabilities', auditor);
    assert.deepEqual(
      vulns.json().items.map((m: { vulnerability: { id: string }; applies: boolean }) => [m.vulnerability.id, m.applies]),
      [['OSV-1', true]],
    );
    const open = await call('GET', '/products/cam-1/vulnerabilities', auditor);
    assert.equal(open.json().version, '1.0');
    assert.equal(open.json().open[0].pastDeadline, false);
    const devices = await call('GET', '/vulnerabilities/OSV-1/devices', auditor);
    assert.deepEqual(devices.json().devices, [{ guid: guidHex(1), model: 'cam-1', version: '1.0' }]);
    assert.deepEqual(devices.json().versionUnknown, [{ guid: guidHex(2), model: 'cam-1' }]);
    assert.equal((await call('GET', '/vulnerabilities/OSV-9/devices', auditor)).json().code, 'ERR_PRODUCT_VULN_NOT_FOUND');
    const vex = await call('POST', '/vex?source=vex.json', owner, {
      author: 'ACME',
      statements: [{ vulnerability: 'OSV-1', products: ['pkg:generic/zlib@1.2'], status: 'fixed' }],
    });
    assert.equal(vex.statusCode, 200, vex.body);
    assert.equal(vex.json().statements, 1);
    const after = await call('GET', '/products/cam-1/releases/1.0/vulnerabilities', auditor);
    assert.equal(after.json().items[0].applies, false);
    assert.equal(after.json().items[0].vex.status, 'fixed');
    const outOfSupport = await call('GET', '/products/out-of-support', auditor);
    assert.deepEqual(
      outOfSupport.json().items.map((d: { guid: string }) => d.guid),
      [guidHex(1), guidHex(2)],
    );
  });

  it('serves the SBOM at the sbom-url the product’s published MUD file names, and shows the link', async () => {
    const content = bytesOf(mudFile('https://mud.example.com/mud/cam-1.sbom.json'));
    assert.deepEqual(parseMud(content).errors, []);
    await w.store.mudFiles.put({
      name: 'cam-1.json',
      content,
      signature: Uint8Array.of(0x30, 0),
      cacheValidity: 24,
      mudUrl: MUD_URL,
      signer: 'CN=test',
    });
    const view = await call('GET', '/products/cam-1', w.tokens.auditor);
    assert.deepEqual(view.json().mudSbom, {
      mudFile: 'cam-1.json',
      sboms: [{ versionInfo: '1.0', sbomUrl: 'https://mud.example.com/mud/cam-1.sbom.json', servedAs: 'cam-1.sbom.json' }],
    });
    const served = await w.app.inject({ method: 'GET', url: '/mud/cam-1.sbom.json' });
    assert.equal(served.statusCode, 200);
    assert.equal(served.headers['content-type'], 'application/vnd.cyclonedx+json');
    assert.deepEqual(new Uint8Array(served.rawPayload), (await w.store.sboms.bytes('cam-1', '1.0'))?.bytes);
    const etag = served.headers.etag as string;
    assert.equal((await w.app.inject({ method: 'GET', url: '/mud/cam-1.sbom.json', headers: { 'if-none-match': etag } })).statusCode, 304);
    assert.equal((await w.app.inject({ method: 'GET', url: '/mud/other.sbom.json' })).statusCode, 404);
    // An sbom-url elsewhere is shown but not served here.
    await w.store.mudFiles.put({
      name: 'cam-1.json',
      content: bytesOf(mudFile('https://elsewhere.example.net/cam-1.sbom.json')),
      signature: Uint8Array.of(0x30, 0),
      cacheValidity: 24,
      mudUrl: MUD_URL,
      signer: 'CN=test',
    });
    assert.equal((await call('GET', '/products/cam-1', w.tokens.auditor)).json().mudSbom.sboms[0].servedAs, undefined);
    assert.equal((await w.app.inject({ method: 'GET', url: '/mud/cam-1.sbom.json' })).statusCode, 404);
  });
});
