import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SbomComponent } from '../../../src/compliance/sbom/sbom-types.ts';
import { matchVulnerabilities } from '../../../src/compliance/vulns/match.ts';
import { readOsvDirectory } from '../../../src/compliance/vulns/parse-osv.ts';
import type { OsvAffected, OsvEvent, OsvRecord, VexStatement } from '../../../src/compliance/vulns/vuln-types.ts';

const OSV_DIR = new URL('../../fixtures/compliance/osv/', import.meta.url).pathname;

const component = (purl: string, ref = purl): SbomComponent => ({ ref, name: purl, purl });
const record = (id: string, affected: OsvAffected[], extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id,
  modified: '2026-01-01T00:00:00Z',
  affected,
  ...extra,
});
const ranged = (ecosystem: string, name: string, type: 'SEMVER' | 'ECOSYSTEM', events: OsvEvent[]): OsvAffected => ({
  package: { ecosystem, name },
  ranges: [{ type, events }],
});

/** Which of the purls `rec` matches. */
function hits(rec: OsvRecord, purls: string[]): string[] {
  return matchVulnerabilities(
    purls.map((p) => component(p)),
    [rec],
  ).map((m) => m.component.purl as string);
}

describe('matchVulnerabilities: SemVer ranges', () => {
  it('introduced "0" is from the start and fixed is exclusive', () => {
    const rec = record('X-1', [ranged('npm', 'left-pad', 'SEMVER', [{ introduced: '0' }, { fixed: '1.3.0' }])]);
    assert.deepEqual(hits(rec, ['pkg:npm/left-pad@0.0.1', 'pkg:npm/left-pad@1.2.9', 'pkg:npm/left-pad@1.3.0', 'pkg:npm/left-pad@2.0.0']), [
      'pkg:npm/left-pad@0.0.1',
      'pkg:npm/left-pad@1.2.9',
    ]);
  });

  it('introduced is inclusive and last_affected inclusive', () => {
    const rec = record('X-2', [ranged('npm', 'a', 'SEMVER', [{ introduced: '1.0.0' }, { last_affected: '1.4.2' }])]);
    assert.deepEqual(hits(rec, ['pkg:npm/a@0.9.9', 'pkg:npm/a@1.0.0', 'pkg:npm/a@1.4.2', 'pkg:npm/a@1.4.3']), [
      'pkg:npm/a@1.0.0',
      'pkg:npm/a@1.4.2',
    ]);
  });

  it('several introduced/fixed pairs in one range, given out of order', () => {
    const rec = record('X-3', [
      ranged('npm', 'a', 'SEMVER', [{ introduced: '2.0.0' }, { fixed: '2.1.0' }, { introduced: '0' }, { fixed: '1.5.0' }]),
    ]);
    assert.deepEqual(hits(rec, ['pkg:npm/a@1.0.0', 'pkg:npm/a@1.6.0', 'pkg:npm/a@2.0.5', 'pkg:npm/a@2.1.0']), [
      'pkg:npm/a@1.0.0',
      'pkg:npm/a@2.0.5',
    ]);
  });

  it('a version at or past every limit is outside the range', () => {
    const rec = record('X-4', [ranged('npm', 'a', 'SEMVER', [{ introduced: '1.0.0' }, { limit: '1.2.0' }])]);
    assert.deepEqual(hits(rec, ['pkg:npm/a@1.1.9', 'pkg:npm/a@1.2.0', 'pkg:npm/a@3.0.0']), ['pkg:npm/a@1.1.9']);
    const star = record('X-5', [ranged('npm', 'a', 'SEMVER', [{ introduced: '1.0.0' }, { limit: '*' }])]);
    assert.deepEqual(hits(star, ['pkg:npm/a@3.0.0']), ['pkg:npm/a@3.0.0']);
  });

  it('pre-releases order before their release', () => {
    const rec = record('X-6', [ranged('npm', 'jquery', 'SEMVER', [{ introduced: '2.1.1-0' }, { fixed: '3.0.0' }])]);
    assert.deepEqual(
      hits(rec, ['pkg:npm/jquery@2.1.0', 'pkg:npm/jquery@2.1.1-beta.1', 'pkg:npm/jquery@3.0.0-rc1', 'pkg:npm/jquery@3.0.0']),
      ['pkg:npm/jquery@2.1.1-beta.1', 'pkg:npm/jquery@3.0.0-rc1'],
    );
  });

  it('scoped npm names match the OSV name with its scope', () => {
    const rec = record('X-7', [ranged('npm', '@angular/core', 'ECOSYSTEM', [{ introduced: '0' }, { fixed: '11.0.5' }])]);
    assert.deepEqual(hits(rec, ['pkg:npm/%40angular/core@11.0.4', 'pkg:npm/core@11.0.4']), ['pkg:npm/%40angular/core@11.0.4']);
  });
});

describe('matchVulnerabilities: ecosystems', () => {
  it('Go: v-prefixed module versions against a SEMVER range, pseudo-versions included', () => {
    const rec = record('GO-X', [ranged('Go', 'golang.org/x/text', 'SEMVER', [{ introduced: '0' }, { fixed: '0.3.3' }])]);
    assert.deepEqual(
      hits(rec, [
        'pkg:golang/golang.org/x/text@v0.3.2',
        'pkg:golang/golang.org/x/text@v0.3.3',
        'pkg:golang/golang.org/x/text@v0.0.0-20190101000000-abcdefabcdef',
      ]),
      ['pkg:golang/golang.org/x/text@v0.3.2', 'pkg:golang/golang.org/x/text@v0.0.0-20190101000000-abcdefabcdef'],
    );
  });

  it('PyPI: PEP 503 names and PEP 440 order (pre- and post-releases)', () => {
    const rec = record('PY-X', [ranged('PyPI', 'products-pluggableauthservice', 'ECOSYSTEM', [{ introduced: '0' }, { fixed: '2.6.1' }])]);
    assert.deepEqual(
      hits(rec, [
        'pkg:pypi/Products.PluggableAuthService@2.6.0.post1',
        'pkg:pypi/products_pluggableauthservice@2.6.1rc1',
        'pkg:pypi/products-pluggableauthservice@2.6.1',
        'pkg:pypi/products-pluggableauthservice@2.10',
      ]),
      ['pkg:pypi/Products.PluggableAuthService@2.6.0.post1', 'pkg:pypi/products_pluggableauthservice@2.6.1rc1'],
    );
  });

  it('crates.io and Maven names from purl type, namespace and name', () => {
    const crate = record('RUST-X', [ranged('crates.io', 'smallvec', 'ECOSYSTEM', [{ introduced: '0' }, { fixed: '1.6.1' }])]);
    assert.deepEqual(hits(crate, ['pkg:cargo/smallvec@1.6.0']), ['pkg:cargo/smallvec@1.6.0']);
    const maven = record('MVN-X', [{ package: { ecosystem: 'Maven', name: 'org.apache.jena:apache-jena' }, versions: ['3.12.0'] }]);
    assert.deepEqual(hits(maven, ['pkg:maven/org.apache.jena/apache-jena@3.12.0', 'pkg:maven/org.apache.jena/apache-jena@3.13.0']), [
      'pkg:maven/org.apache.jena/apache-jena@3.12.0',
    ]);
  });

  it('an ECOSYSTEM range without an order falls back to the versions list and says so', () => {
    const rec = record('DEB-X', [
      {
        package: { ecosystem: 'Debian:12', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }] }],
        versions: ['3.0.9-1'],
      },
    ]);
    const found = matchVulnerabilities([component('pkg:deb/debian/openssl@3.0.9-1'), component('pkg:deb/debian/openssl@3.0.10-1')], [rec]);
    assert.deepEqual(
      found.map((m) => m.component.purl),
      ['pkg:deb/debian/openssl@3.0.9-1'],
    );
    assert.match(found[0]?.reason ?? '', /listed in versions; the ECOSYSTEM range of debian could not be ordered/);
  });

  it('GIT ranges match only a commit listed in versions, full or abbreviated', () => {
    const commit = '3469357cff396a26c363f8c1b5a91dde28ba4b1c';
    const rec = record('OSV-GIT', [
      {
        package: { ecosystem: 'GIT', name: 'https://github.com/example/lib', purl: 'pkg:github/example/lib' },
        ranges: [
          {
            type: 'GIT',
            repo: 'https://github.com/example/lib',
            events: [{ introduced: '0' }, { fixed: 'ddfd9b11a0126db2302cb70ec9973b66baec0975' }],
          },
        ],
        versions: [commit],
      },
    ]);
    const found = matchVulnerabilities(
      [
        component(`pkg:github/example/lib@${commit}`),
        component('pkg:github/example/lib@3469357'),
        component('pkg:github/example/lib@aaaaaaa'),
      ],
      [rec],
    );
    assert.deepEqual(
      found.map((m) => m.component.purl),
      [`pkg:github/example/lib@${commit}`, 'pkg:github/example/lib@3469357'],
    );
    assert.match(found[0]?.reason ?? '', /GIT range history not evaluated offline/);
  });

  it('ignores withdrawn records and components without a version or purl', () => {
    const rec = record('W-1', [ranged('npm', 'a', 'SEMVER', [{ introduced: '0' }])], { withdrawn: '2026-02-01T00:00:00Z' });
    assert.deepEqual(hits(rec, ['pkg:npm/a@1.0.0']), []);
    const live = record('L-1', [ranged('npm', 'a', 'SEMVER', [{ introduced: '0' }])]);
    assert.deepEqual(matchVulnerabilities([component('pkg:npm/a'), { ref: 'x', name: 'a', version: '1.0.0' }], [live]), []);
  });

  it('matches the published records: lodash, requests, golang.org/x/text; withdrawn ones stay out', async () => {
    const records = await readOsvDirectory(OSV_DIR);
    const found = matchVulnerabilities(
      [
        component('pkg:npm/lodash@4.17.20'),
        component('pkg:npm/lodash@4.17.21'),
        component('pkg:pypi/requests@2.30.0'),
        component('pkg:pypi/requests@2.2.1'),
        component('pkg:golang/golang.org/x/text@v0.3.2'),
        component('pkg:golang/k8s.io/kubernetes@v1.0.0'),
        component('pkg:gem/activesupport@4.1.0'),
        component('pkg:gem/passenger@4.0.2'),
      ],
      records,
    );
    assert.deepEqual(
      found.map((m) => `${m.component.purl} ${m.vulnerability.id}`),
      [
        'pkg:npm/lodash@4.17.20 GHSA-35jh-r3h4-6jhm',
        'pkg:pypi/requests@2.30.0 GHSA-j8r2-6x86-q33q',
        'pkg:golang/golang.org/x/text@v0.3.2 GO-2020-0015',
      ],
    );
    assert.deepEqual(found[2]?.vulnerability.aliases, ['CVE-2020-14040', 'GHSA-5rcv-m4m3-hfh7']);
    assert.ok(found.every((m) => m.applies && m.vex === undefined));
  });
});

describe('matchVulnerabilities: VEX', () => {
  const rec = record('GHSA-aaaa-bbbb-cccc', [ranged('npm', 'a', 'SEMVER', [{ introduced: '0' }, { fixed: '2.0.0' }])], {
    aliases: ['CVE-2026-1'],
  });
  const statement = (over: Partial<VexStatement>): VexStatement => ({
    vulnerability: 'CVE-2026-1',
    products: ['pkg:npm/a@1.0.0'],
    status: 'not_affected',
    justification: 'vulnerable_code_not_present',
    source: { document: 'vex' },
    ...over,
  });
  const one = (vex: VexStatement[], c = component('pkg:npm/a@1.0.0?arch=x86')) => matchVulnerabilities([c], [rec], vex)[0];

  it('not_affected and fixed make a match not apply; affected and under_investigation keep it', () => {
    assert.equal(one([statement({})])?.applies, false);
    assert.equal(one([statement({ status: 'fixed' })])?.applies, false);
    assert.equal(one([statement({ status: 'affected' })])?.applies, true);
    const investigating = one([statement({ status: 'under_investigation' })]);
    assert.equal(investigating?.applies, true);
    assert.equal(investigating?.vex?.status, 'under_investigation');
  });

  it('matches on the record id or any alias', () => {
    assert.equal(one([statement({ vulnerability: 'GHSA-aaaa-bbbb-cccc' })])?.applies, false);
    assert.equal(one([statement({ vulnerability: 'CVE-2026-9' })])?.applies, true);
  });

  it('ignores qualifiers only where the statement has none; a versionless purl covers every version', () => {
    assert.equal(one([statement({ products: ['pkg:npm/a@1.0.0?arch=arm'] })])?.vex, undefined);
    assert.equal(one([statement({ products: ['pkg:npm/a@1.0.0?arch=x86'] })])?.applies, false);
    assert.equal(one([statement({ products: ['pkg:npm/a'] })])?.applies, false);
    assert.equal(one([statement({ products: ['pkg:npm/a@1.0.1'] })])?.vex, undefined);
    assert.equal(one([statement({ products: ['pkg:npm/b@1.0.0'] })])?.vex, undefined);
  });

  it('matches a bom-ref', () => {
    assert.equal(one([statement({ products: ['comp-7'] })], component('pkg:npm/a@1.0.0', 'comp-7'))?.applies, false);
  });

  it('the latest statement decides, then the last given', () => {
    const older = statement({ status: 'not_affected', source: { document: 'v1', timestamp: '2026-01-01T00:00:00Z' } });
    const newer = statement({ status: 'affected', source: { document: 'v2', timestamp: '2026-03-01T00:00:00Z' } });
    assert.equal(one([newer, older])?.vex?.source.document, 'v2');
    assert.equal(one([statement({ status: 'affected' }), statement({ status: 'fixed' })])?.vex?.status, 'fixed');
  });
});

describe('matchVulnerabilities: scale', () => {
  it('5,000 components against 50,000 records in seconds', () => {
    const components = Array.from({ length: 5000 }, (_, i) => component(`pkg:npm/pkg-${i % 2500}@1.${i % 7}.0`));
    const records = Array.from({ length: 50_000 }, (_, i) =>
      record(`GHSA-${i}`, [ranged('npm', `pkg-${i % 10_000}`, 'SEMVER', [{ introduced: '0' }, { fixed: `1.${i % 5}.0` }])]),
    );
    const start = performance.now();
    const found = matchVulnerabilities(components, records);
    const ms = performance.now() - start;
    assert.ok(found.length > 0);
    assert.ok(ms < 10_000, `${ms} ms`);
  });
});
