/** The product services with the real SBOM, OSV and VEX parsers and matcher, on documents in the standards' own shapes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { standardParsers } from '../../../src/compliance/products/standard-parsers.ts';
import { bytesOf } from './toy-parsers.ts';
import { device, guidHex, lifecycleRelease, type ProductWorld, product, productWorld } from './world.ts';

const cyclonedx = (lodash: string) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: { component: { type: 'firmware', name: 'cam-1', version: '1.0' } },
  components: [
    { type: 'library', 'bom-ref': 'lodash', name: 'lodash', version: lodash, purl: `pkg:npm/lodash@${lodash}` },
    { type: 'library', 'bom-ref': 'left-pad', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
  ],
});

const spdx = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'cam-1 0.9',
  documentNamespace: 'https://example.com/spdx/cam-1-0.9',
  creationInfo: { created: '2031-01-01T00:00:00Z', creators: ['Tool: test'] },
  packages: [
    {
      name: 'lodash',
      SPDXID: 'SPDXRef-lodash',
      versionInfo: '4.17.21',
      downloadLocation: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/lodash@4.17.21' }],
    },
  ],
};

const osvLodash = {
  schema_version: '1.6.0',
  id: 'GHSA-35jh-r3h4-6jhm',
  modified: '2031-01-10T00:00:00Z',
  published: '2031-01-01T00:00:00Z',
  aliases: ['CVE-2021-23337'],
  summary: 'Command injection in lodash',
  affected: [
    { package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] },
  ],
};

const openvex = (status: string, extra: Record<string, unknown>) => ({
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/cam-1-2031-001',
  author: 'ACME PSIRT',
  timestamp: '2031-02-01T00:00:00Z',
  version: 1,
  statements: [{ vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash@4.17.20' }], status, ...extra }],
});

describe('product services with the standard parsers', () => {
  let w: ProductWorld;
  before(async () => {
    w = await productWorld(standardParsers);
    await w.service.create(product('cam-1'), 'admin');
    await lifecycleRelease(w.store, 'cam-1', '1.0', 1);
    await w.service.declareRelease('cam-1', '0.9', new Date('2030-01-01T00:00:00Z'), 'admin');
    await device(w.store, 1, 'cam-1', '1.0');
  });
  after(() => w.close());

  it('imports CycloneDX 1.6 and SPDX 2.3, and refuses an unknown spec version naming the file, importing nothing', async () => {
    const cdx = await w.service.importSbom('cam-1', '1.0', bytesOf(cyclonedx('4.17.20')), 'bom.cdx.json', 'admin');
    assert.deepEqual([cdx.format, cdx.specVersion, cdx.componentCount], ['cyclonedx', '1.6', 2]);
    const sp = await w.service.importSbom('cam-1', '0.9', bytesOf(spdx), 'bom.spdx.json', 'admin');
    assert.deepEqual([sp.format, sp.specVersion, sp.componentCount], ['spdx', '2.3', 1]);
    await assert.rejects(
      w.service.importSbom('cam-1', '1.0', bytesOf({ ...cyclonedx('1.0.0'), specVersion: '1.2' }), 'old.cdx.json', 'admin'),
      (e: unknown) => {
        assert.match((e as { code: string }).code, /^ERR_SBOM_/);
        assert.match((e as Error).message, /old\.cdx\.json/);
        return true;
      },
    );
    assert.equal((await w.service.getSbom('cam-1', '1.0')).info.digest, cdx.digest);
  });

  it('matches OSV by SemVer range; VEX not_affected overrides it, audited', async () => {
    await w.service.importOsv(bytesOf(osvLodash), 'GHSA-35jh-r3h4-6jhm.json', 'admin');
    const r = await w.service.releaseVulnerabilities('cam-1', '1.0');
    assert.deepEqual(
      r.matches.map((m) => [m.component.name, m.vulnerability.id, m.applies]),
      [['lodash', 'GHSA-35jh-r3h4-6jhm', true]],
    );
    assert.deepEqual((await w.service.releaseVulnerabilities('cam-1', '0.9')).matches, []);
    assert.deepEqual((await w.service.affectedDevices('GHSA-35jh-r3h4-6jhm')).devices, [
      { guid: guidHex(1), model: 'cam-1', version: '1.0' },
    ]);
    await assert.rejects(w.service.importVex(bytesOf(openvex('not_affected', {})), 'vex.json', 'admin'), (e: unknown) => {
      assert.equal((e as { code: string }).code, 'ERR_VEX_JUSTIFICATION');
      return true;
    });
    assert.equal(await w.store.vulnerabilities.countVex(), 0);
    await w.service.importVex(
      bytesOf(openvex('not_affected', { justification: 'vulnerable_code_not_in_execute_path' })),
      'vex.json',
      'token:p',
    );
    const after = await w.service.releaseVulnerabilities('cam-1', '1.0');
    assert.equal(after.matches[0]?.applies, false);
    assert.equal(after.matches[0]?.vex?.justification, 'vulnerable_code_not_in_execute_path');
    assert.deepEqual((await w.service.affectedDevices('GHSA-35jh-r3h4-6jhm')).devices, []);
    const audit = (await w.store.audit.list({ subject: 'vulnerability:CVE-2021-23337' })).items;
    assert.deepEqual(
      audit.map((a) => [a.actor, a.details['status'], a.details['document']]),
      [['token:p', 'not_affected', 'https://example.com/vex/cam-1-2031-001']],
    );
  });

  it('refuses a malformed OSV record naming the file and imports nothing of it', async () => {
    const before = await w.store.vulnerabilities.countOsv();
    await assert.rejects(
      w.service.importOsv(
        bytesOf([
          { ...osvLodash, id: 'X-1' },
          { modified: '2031-01-01T00:00:00Z', affected: [] },
        ]),
        'feed.json',
        'admin',
      ),
      (e: unknown) => {
        assert.match((e as { code: string }).code, /^ERR_OSV_/);
        assert.match((e as Error).message, /feed\.json\[1\]/);
        return true;
      },
    );
    assert.equal(await w.store.vulnerabilities.countOsv(), before);
  });
});
