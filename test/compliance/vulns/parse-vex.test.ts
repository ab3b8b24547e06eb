import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { VulnError } from '../../../src/compliance/vulns/errors.ts';
import { parseVex } from '../../../src/compliance/vulns/parse-vex.ts';
import { VULN_LIMITS } from '../../../src/compliance/vulns/vuln-limits.ts';

const VEX = new URL('../../fixtures/compliance/vex/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, VEX));
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function refused(bytes: Uint8Array, code: string): VulnError {
  try {
    parseVex(bytes, 'vex.json');
  } catch (e) {
    assert.ok(e instanceof VulnError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.source, 'vex.json');
    return e;
  }
  assert.fail('accepted');
}

const openVex = (statements: unknown[]): Uint8Array =>
  json({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://example.com/vex/1',
    author: 'Acme',
    timestamp: '2026-01-01T00:00:00Z',
    version: 1,
    statements,
  });

describe('parseVex: OpenVEX', () => {
  it('reads the vexctl demo document: products with qualifiers, status, author and timestamp', () => {
    const [s, ...rest] = parseVex(fixture('openvex-demo.vex.json'), 'demo');
    assert.equal(rest.length, 0);
    assert.equal(s?.vulnerability, 'CVE-2014-123456');
    assert.equal(s?.status, 'fixed');
    assert.deepEqual(s?.products, ['pkg:apk/distro/git@2.39.0-r1?arch=armv7', 'pkg:apk/distro/git@2.39.0-r1?arch=x86_64']);
    assert.equal(s?.source.author, 'Wolfi J Inkinson');
    assert.equal(s?.source.timestamp, '2023-12-04T21:55:19.945015302-06:00');
  });

  it('reads a document without its own timestamp and version', () => {
    const [s] = parseVex(fixture('openvex-v020-1.vex.json'), 'v020');
    assert.equal(s?.status, 'under_investigation');
    assert.equal(s?.source.timestamp, '2022-12-22T16:36:43-05:00');
  });

  it('takes products, their purl identifiers and subcomponents as covered ids', () => {
    const [s] = parseVex(
      openVex([
        {
          vulnerability: { name: 'CVE-2026-1' },
          products: [
            { '@id': 'urn:example:fw', identifiers: { purl: 'pkg:generic/fw@1' }, subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.20' }] },
          ],
          status: 'affected',
          action_statement: 'upgrade',
        },
      ]),
      'x',
    );
    assert.deepEqual(s?.products, ['urn:example:fw', 'pkg:generic/fw@1', 'pkg:npm/lodash@4.17.20']);
    assert.equal(s?.actionStatement, 'upgrade');
  });

  it('refuses not_affected without a justification or impact statement, naming the statement', () => {
    const statement = { vulnerability: { name: 'CVE-2026-2' }, products: [{ '@id': 'pkg:npm/a@1' }], status: 'not_affected' };
    const e = refused(openVex([{ ...statement, status: 'affected' }, statement]), 'ERR_VEX_JUSTIFICATION');
    assert.equal(e.entry, 'statement 1 (CVE-2026-2)');
    assert.equal(e.field, 'justification');
    assert.equal(parseVex(openVex([{ ...statement, impact_statement: 'never loaded' }]), 'x')[0]?.impactStatement, 'never loaded');
  });

  it('refuses an unknown status or justification and another OpenVEX version', () => {
    const e = refused(openVex([{ vulnerability: { name: 'C' }, products: [{ '@id': 'p' }], status: 'safe' }]), 'ERR_VEX_SCHEMA');
    assert.equal(e.entry, 'statement 0');
    refused(
      openVex([{ vulnerability: { name: 'C' }, products: [{ '@id': 'p' }], status: 'not_affected', justification: 'trust_me' }]),
      'ERR_VEX_SCHEMA',
    );
    refused(json({ '@context': 'https://openvex.dev/ns/v0.0.1', statements: [] }), 'ERR_VEX_FORMAT');
  });
});

describe('parseVex: CycloneDX VEX', () => {
  it('reads the CISA not_affected example (CycloneDX 1.4)', () => {
    const [s] = parseVex(fixture('cyclonedx-1.4-cisa-not_affected.json'), 'cisa');
    assert.equal(s?.vulnerability, 'CVE-2021-44228');
    assert.equal(s?.status, 'not_affected');
    assert.equal(s?.justification, 'code_not_present');
    assert.deepEqual(s?.products, ['product-ABC']);
    assert.equal(s?.actionStatement, 'will_not_fix');
  });

  it('resolves a BOM-Link to the bom-ref it names', () => {
    const [s] = parseVex(fixture('cyclonedx-bom-examples-vex.json'), 'link');
    assert.ok(s?.products.includes('pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar'));
  });

  it('reads the CycloneDX 1.6 vulnerability example and maps states to VEX statuses', () => {
    const [s] = parseVex(fixture('cyclonedx-1.6-valid-vulnerability.json'), 'cdx16');
    assert.equal(s?.status, 'not_affected');
    assert.equal(s?.source.timestamp, '2022-02-01T00:00:00.000Z');
    const states: Record<string, string> = {
      resolved: 'fixed',
      exploitable: 'affected',
      in_triage: 'under_investigation',
      false_positive: 'not_affected',
    };
    for (const [state, status] of Object.entries(states)) {
      const doc = {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        vulnerabilities: [{ id: 'CVE-1', analysis: { state }, affects: [{ ref: 'r' }] }],
      };
      assert.equal(parseVex(json(doc), 'x')[0]?.status, status, state);
    }
  });

  it('skips vulnerabilities without an analysis and refuses not_affected without a justification', () => {
    const base = { bomFormat: 'CycloneDX', specVersion: '1.6' };
    assert.deepEqual(parseVex(json({ ...base, vulnerabilities: [{ id: 'CVE-1', affects: [{ ref: 'r' }] }] }), 'x'), []);
    const e = refused(
      json({ ...base, vulnerabilities: [{ id: 'CVE-3', analysis: { state: 'not_affected' }, affects: [{ ref: 'r' }] }] }),
      'ERR_VEX_JUSTIFICATION',
    );
    assert.equal(e.entry, 'vulnerability 0 (CVE-3)');
    assert.equal(e.field, 'analysis.justification');
  });
});

describe('parseVex: refusals', () => {
  it('refuses malformed JSON, unknown formats, oversize and too many statements', () => {
    refused(new TextEncoder().encode('{'), 'ERR_VEX_JSON');
    refused(json({ statements: [] }), 'ERR_VEX_FORMAT');
    refused(new Uint8Array(VULN_LIMITS.maxVexBytes + 1), 'ERR_VEX_TOO_LARGE');
    refused(
      json({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: new Array(VULN_LIMITS.maxVexStatements + 1).fill(0) }),
      'ERR_VEX_TOO_MANY',
    );
  });
});
