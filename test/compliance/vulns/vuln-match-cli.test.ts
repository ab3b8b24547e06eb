import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/temp.ts';

const FIXTURES = new URL('../../fixtures/compliance/', import.meta.url).pathname;
const OSV = join(FIXTURES, 'osv');
const dir = tempDir('iotopia-vuln-cli-');

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const sbom = writeJson('sbom.json', {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  version: 1,
  components: [
    { type: 'library', 'bom-ref': 'lodash', name: 'lodash\u001b[31m', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
    { type: 'library', 'bom-ref': 'text', name: 'text', version: 'v0.3.2', purl: 'pkg:golang/golang.org/x/text@v0.3.2' },
    { type: 'library', 'bom-ref': 'safe', name: 'requests', version: '2.31.0', purl: 'pkg:pypi/requests@2.31.0' },
  ],
});
const vexBoth = writeJson('vex.json', {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/2026-1',
  author: 'Example firmware team',
  timestamp: '2026-01-01T00:00:00Z',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2021-23337' },
      products: [{ '@id': 'pkg:npm/lodash' }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
    },
    { vulnerability: { name: 'GO-2020-0015' }, products: [{ '@id': 'text' }], status: 'fixed' },
  ],
});

describe('iotopia vuln match', () => {
  it('exits 1 and lists each affected component with its vulnerabilities, names escaped', async () => {
    const r = await runCli(['vuln', 'match', '--sbom', sbom, '--osv', OSV], dir);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^cyclonedx 1\.6 SBOM: 3 components; 8 OSV records; 0 VEX statements$/m);
    assert.match(r.out, /lodash\\x1b\[31m 4\.17\.20 \(pkg:npm\/lodash@4\.17\.20\): GHSA-35jh-r3h4-6jhm \(CVE-2021-23337\)/);
    assert.match(r.out, /text v0\.3\.2 \(pkg:golang\/golang\.org\/x\/text@v0\.3\.2\): GO-2020-0015/);
    assert.doesNotMatch(r.out, /requests/);
    assert.equal(r.out.includes('\u001b'), false);
    assert.match(r.err, /2 vulnerability match\(es\) apply/);
  });

  it('exits 0 when VEX statements cover every match, listing them apart', async () => {
    const r = await runCli(['vuln', 'match', '--sbom', sbom, '--osv', OSV, '--vex', vexBoth], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /not applying \(VEX\):/);
    assert.match(r.out, /GHSA-35jh-r3h4-6jhm \(CVE-2021-23337\) not_affected: vulnerable_code_not_in_execute_path/);
    assert.match(r.out, /GO-2020-0015 \(CVE-2020-14040, GHSA-5rcv-m4m3-hfh7\) fixed/);
    assert.match(r.out, /no vulnerability applies$/m);
  });

  it('--json gives the matches, affected and suppressed apart', async () => {
    const r = await runCli(['vuln', 'match', '--sbom', sbom, '--osv', OSV, '--vex', vexBoth, '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as {
      sbom: { components: number };
      records: number;
      affected: unknown[];
      suppressed: { vex: { status: string } }[];
    };
    assert.equal(doc.sbom.components, 3);
    assert.equal(doc.records, 8);
    assert.equal(doc.affected.length, 0);
    assert.deepEqual(
      doc.suppressed.map((m) => m.vex.status),
      ['not_affected', 'fixed'],
    );
    const affected = await runCli(['vuln', 'match', '--sbom', sbom, '--osv', OSV, '--json'], dir);
    assert.equal(affected.code, 1);
    assert.equal((JSON.parse(affected.out) as { affected: unknown[] }).affected.length, 2);
  });

  it('exits 1 with the code and place of an invalid input', async () => {
    const badVex = writeJson('bad-vex.json', {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'x',
      author: 'x',
      statements: [{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'p' }], status: 'not_affected' }],
    });
    const r = await runCli(['vuln', 'match', '--sbom', sbom, '--osv', OSV, '--vex', badVex, '--json'], dir);
    assert.equal(r.code, 1);
    const e = (JSON.parse(r.out) as { error: { code: string; entry: string } }).error;
    assert.equal(e.code, 'ERR_VEX_JUSTIFICATION');
    assert.equal(e.entry, 'statement 0 (CVE-1)');
    const old = await runCli(['vuln', 'match', '--sbom', join(FIXTURES, 'sbom/cyclonedx-1.4-valid-bom.json'), '--osv', OSV], dir);
    assert.equal(old.code, 1);
    assert.match(old.err, /ERR_SBOM_SPEC_VERSION/);
  });

  it('exits 2 on usage errors: a missing option, an unreadable file or directory', async () => {
    assert.equal((await runCli(['vuln', 'match', '--sbom', sbom], dir)).code, 2);
    assert.equal((await runCli(['vuln', 'match', '--sbom', join(dir, 'absent.json'), '--osv', OSV], dir)).code, 2);
    const noDir = await runCli(['vuln', 'match', '--sbom', sbom, '--osv', join(dir, 'absent')], dir);
    assert.equal(noDir.code, 2);
    assert.match(noDir.err, /ERR_OSV_READ/);
  });
});
