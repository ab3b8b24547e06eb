import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, roleTokens, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const CYCLONEDX = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  components: [{ type: 'library', 'bom-ref': 'zlib', name: 'zlib', version: '1.2.13', purl: 'pkg:generic/zlib@1.2.13' }],
};

describe('iotopia up serves the product routes with the standard parsers', () => {
  let t: TestPlatform;
  let owner: string;
  before(async () => {
    t = await startTestPlatform('iotopia-products-up-');
    owner = (await roleTokens(t.platform)).owner;
  });
  after(() => t.close());

  it('creates a product, declares a release and imports a CycloneDX 1.5 SBOM', async () => {
    const post = (path: string, body: unknown, type = 'application/json', method = 'POST') =>
      fetch(`${t.url}/api/v1${path}`, { method, headers: { ...bearer(owner), 'content-type': type }, body: JSON.stringify(body) });
    const made = await post('/products', {
      model: 'cam-1',
      manufacturer: 'ACME',
      name: 'Camera',
      supportPublished: true,
      updatable: true,
      constrained: false,
      usesPasswords: false,
      hasUserInterface: false,
      processesPersonalData: false,
    });
    assert.equal(made.status, 201, await made.clone().text());
    assert.equal((await post('/products/cam-1/releases', { version: '1.0' })).status, 201);
    const sbom = await post('/products/cam-1/releases/1.0/sbom', CYCLONEDX, 'application/vnd.cyclonedx+json', 'PUT');
    assert.equal(sbom.status, 201, await sbom.clone().text());
    assert.equal(((await sbom.json()) as { specVersion: string }).specVersion, '1.5');
  });
});
