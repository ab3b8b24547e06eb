import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SbomError } from '../../../src/compliance/sbom/errors.ts';
import { parseSbom } from '../../../src/compliance/sbom/parse-sbom.ts';
import { SBOM_LIMITS } from '../../../src/compliance/sbom/sbom-limits.ts';

const FIXTURES = new URL('../../fixtures/compliance/sbom/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, FIXTURES));
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

async function refused(bytes: Uint8Array, code: string, source = 'in.json'): Promise<SbomError> {
  const e = await parseSbom(bytes, source).then(
    () => assert.fail('accepted'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof SbomError, String(e));
  assert.equal(e.code, code, e.message);
  assert.equal(e.source, source);
  return e;
}

const cdx = (components: unknown[], specVersion = '1.6'): Uint8Array =>
  json({ bomFormat: 'CycloneDX', specVersion, version: 1, components });

describe('parseSbom: published examples', () => {
  it('reads the CycloneDX 1.6 example: flat components, canonical purls, subject, serial', async () => {
    const s = await parseSbom(fixture('cyclonedx-1.6-valid-bom.json'), 'cdx16');
    assert.equal(s.format, 'cyclonedx');
    assert.equal(s.specVersion, '1.6');
    assert.equal(s.serial, 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    assert.deepEqual(s.subject, { name: 'Acme Application', version: '9.1.1' });
    assert.equal(s.components.length, 3);
    const tomcat = s.components[0];
    assert.equal(tomcat?.purl, 'pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar');
    assert.deepEqual(tomcat?.licenses, ['Apache-2.0']);
    assert.equal(s.components[1]?.supplier, 'Example, Inc.');
    // A component without bom-ref gets its place in the document as ref.
    assert.equal(s.components[2]?.ref, 'components[2]');
  });

  it('reads the CycloneDX 1.5 example', async () => {
    const s = await parseSbom(fixture('cyclonedx-1.5-valid-bom.json'), 'cdx15');
    assert.equal(s.specVersion, '1.5');
    assert.equal(s.components.length, 2);
    assert.equal(s.components[0]?.name, 'tomcat-catalina');
  });

  it('reads the SPDX 2.3 example: packages, purl external references, suppliers, licences', async () => {
    const s = await parseSbom(fixture('spdx-2.3-example.spdx.json'), 'spdx23');
    assert.equal(s.format, 'spdx');
    assert.equal(s.specVersion, '2.3');
    assert.equal(s.serial, 'http://spdx.org/spdxdocs/spdx-example-json-2.3-444504E0-4F89-41D3-9A0C-0305E82C3301');
    assert.deepEqual(
      s.components.map((c) => c.ref),
      ['SPDXRef-Package', 'SPDXRef-fromDoap-1', 'SPDXRef-fromDoap-0', 'SPDXRef-Saxon'],
    );
    const glibc = s.components[0];
    assert.equal(glibc?.supplier, 'Jane Doe (jane.doe@example.com)');
    assert.deepEqual(glibc?.licenses, ['(LGPL-2.0-only OR LicenseRef-3)', '(LGPL-2.0-only AND LicenseRef-3)']);
    assert.equal(s.components[2]?.purl, 'pkg:maven/org.apache.jena/apache-jena@3.12.0');
    // documentDescribes names two files and one package: the package is the subject.
    assert.deepEqual(s.subject, { name: 'glibc', version: '2.11.1' });
    // NOASSERTION is no licence.
    assert.equal(s.components[1]?.licenses, undefined);
  });

  it('names the SPDX subject from a single DESCRIBES relationship', async () => {
    const s = await parseSbom(
      json({
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'fw',
        documentNamespace: 'https://example.com/fw-1',
        creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: x'] },
        packages: [{ SPDXID: 'SPDXRef-fw', name: 'firmware', versionInfo: '2.0' }],
        relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-fw' }],
      }),
      'rel',
    );
    assert.deepEqual(s.subject, { name: 'firmware', version: '2.0' });
  });

  it('flattens nested CycloneDX components depth first', async () => {
    const s = await parseSbom(
      cdx([
        { type: 'library', name: 'a', components: [{ type: 'library', name: 'b', components: [{ type: 'library', name: 'c' }] }] },
        { type: 'library', name: 'd' },
      ]),
      'nested',
    );
    assert.deepEqual(
      s.components.map((c) => `${c.name}:${c.ref}`),
      ['a:components[0]', 'b:components[0].components[0]', 'c:components[0].components[0].components[0]', 'd:components[1]'],
    );
  });

  it('canonicalises purls (qualifier order, type case, percent-encoding)', async () => {
    const s = await parseSbom(cdx([{ type: 'library', name: 'core', purl: 'pkg:NPM/%40angular/core@1.0.0?b=2&a=1' }]), 'p');
    assert.equal(s.components[0]?.purl, 'pkg:npm/%40angular/core@1.0.0?a=1&b=2');
  });
});

describe('parseSbom: large documents', () => {
  it('validates long component lists in slices and still names the failing component', async () => {
    const list = Array.from({ length: 2500 }, (_, i) => ({ type: 'library', name: `c${i}`, 'bom-ref': `r${i}` }));
    const s = await parseSbom(cdx(list), 'long');
    assert.equal(s.components.length, 2500);
    const bad = list.map((c, i) => (i === 2100 ? { ...c, type: 'nope' } : c));
    const e = await refused(cdx(bad), 'ERR_SBOM_SCHEMA');
    assert.equal(e.field, '/components/2100/type');
    const twice = [...list, list[5]];
    const dup = await refused(cdx(twice), 'ERR_SBOM_SCHEMA');
    assert.equal(dup.field, '/components/2500');
  });
});

describe('parseSbom: refusals', () => {
  it('refuses malformed JSON and text that is not UTF-8', async () => {
    await refused(new TextEncoder().encode('{"bomFormat": "CycloneDX",'), 'ERR_SBOM_JSON');
    await refused(new Uint8Array([0x7b, 0xff, 0x7d]), 'ERR_SBOM_JSON');
  });

  it('refuses a document that is neither CycloneDX nor SPDX', async () => {
    await refused(json({ hello: 'world' }), 'ERR_SBOM_FORMAT');
    await refused(json([1, 2]), 'ERR_SBOM_FORMAT');
  });

  it('refuses CycloneDX 1.4 and 2.0, SPDX 2.2 and SPDX 3, naming the field', async () => {
    const e14 = await refused(fixture('cyclonedx-1.4-valid-bom.json'), 'ERR_SBOM_SPEC_VERSION', 'cdx14');
    assert.equal(e14.field, 'specVersion');
    await refused(cdx([], '2.0'), 'ERR_SBOM_SPEC_VERSION');
    const e22 = await refused(fixture('spdx-2.2-example.spdx.json'), 'ERR_SBOM_SPEC_VERSION');
    assert.equal(e22.field, 'spdxVersion');
    await refused(json({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [] }), 'ERR_SBOM_SPEC_VERSION');
  });

  it('refuses a CycloneDX document its schema rejects, naming the component and field', async () => {
    const e = await refused(fixture('cyclonedx-1.6-invalid-component-type.json'), 'ERR_SBOM_SCHEMA', 'bad.json');
    assert.equal(e.field, '/components/0/type');
    assert.equal(e.entry, 'component components.0');
    assert.match(e.message, /^bad\.json component components\.0 \/components\/0\/type: /);
  });

  it('refuses an SPDX document missing a member it must have, naming the package', async () => {
    const e = await refused(
      json({
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'x',
        documentNamespace: 'https://example.com/x',
        creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: x'] },
        packages: [{ SPDXID: 'SPDXRef-a', name: 'a' }, { SPDXID: 'SPDXRef-b' }],
      }),
      'ERR_SBOM_SCHEMA',
    );
    assert.equal(e.entry, 'package 1');
    assert.equal(e.field, '/packages/1');
  });

  it('refuses a purl that does not parse, naming the component', async () => {
    const e = await refused(cdx([{ type: 'library', name: 'x', purl: 'pkg:' }]), 'ERR_SBOM_PURL');
    assert.equal(e.entry, 'component components[0]');
    assert.equal(e.field, 'purl');
  });

  it('refuses more bytes than the limit before decoding', async () => {
    await refused(new Uint8Array(SBOM_LIMITS.maxBytes + 1), 'ERR_SBOM_TOO_LARGE');
  });

  it('refuses more components than the limit, nested ones counted, before validating them', async () => {
    const many = Array.from({ length: SBOM_LIMITS.maxComponents }, (_, i) => ({ type: 'library', name: `c${i}` }));
    const over = [
      ...many.slice(1),
      {
        type: 'library',
        name: 'p',
        components: [
          { type: 'library', name: 'q' },
          { type: 'library', name: 'r' },
        ],
      },
    ];
    const e = await refused(cdx(over), 'ERR_SBOM_TOO_MANY_COMPONENTS');
    assert.match(e.field ?? '', /components/);
  });

  it('refuses components nested deeper than the limit', async () => {
    let tree: Record<string, unknown> = { type: 'library', name: 'leaf' };
    for (let i = 0; i < SBOM_LIMITS.maxDepth; i++) tree = { type: 'library', name: `n${i}`, components: [tree] };
    await refused(cdx([tree]), 'ERR_SBOM_TOO_DEEP');
  });

  it('refuses other members nested past what the validator can walk', async () => {
    let service = '{"name":"s"}';
    for (let i = 0; i < 50_000; i++) service = `{"name":"s${i}","services":[${service}]}`;
    const doc = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"services":[${service}]}`;
    await refused(new TextEncoder().encode(doc), 'ERR_SBOM_TOO_DEEP');
  });

  it('refuses more SPDX packages than the limit', async () => {
    const packages = Array.from({ length: SBOM_LIMITS.maxComponents + 1 }, (_, i) => ({ SPDXID: `SPDXRef-p${i}`, name: `p${i}` }));
    const e = await refused(json({ spdxVersion: 'SPDX-2.3', packages }), 'ERR_SBOM_TOO_MANY_COMPONENTS');
    assert.equal(e.field, 'packages');
  });
});
