import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CATALOG_FILES, catalogDataUrl, MAPPINGS_FILE } from '../../../src/compliance/catalogs/catalog-files.ts';
import type { Catalog } from '../../../src/compliance/catalogs/catalog-types.ts';
import { catalogIds, listCatalogs, loadCatalog, loadMappings } from '../../../src/compliance/catalogs/load-catalogs.ts';
import { EVIDENCE_RULE_IDS } from '../../../src/compliance/evidence/rule-ids.ts';

const all = (): Catalog[] => catalogIds().map(loadCatalog);
const provision = (catalog: string, id: string) => {
  const p = loadCatalog(catalog).provisions.find((q) => q.id === id);
  assert.ok(p, `${catalog} has ${id}`);
  return p;
};
const rulesOf = (catalog: string, id: string) => [...provision(catalog, id).rules].sort();

describe('the catalog data files', () => {
  test('every file in data/ is a listed catalog or the mappings, and every listed catalog has its file', () => {
    const files = readdirSync(catalogDataUrl('')).sort();
    assert.deepEqual(files, [...Object.values(CATALOG_FILES), MAPPINGS_FILE].sort());
  });

  test('every catalog loads, validated against the schema, under its own id, with its source', () => {
    for (const c of all()) {
      assert.ok(c.title.length > 0);
      for (const key of ['publisher', 'document', 'version', 'date', 'url'] as const) assert.ok(c.source[key], `${c.id} source.${key}`);
      assert.match(c.source.url, /^https:\/\//);
    }
    assert.deepEqual(
      listCatalogs().map((c) => c.id),
      catalogIds(),
    );
  });

  test('provision ids are unique within a catalog, and each has a status and a section', () => {
    for (const c of all()) {
      const ids = c.provisions.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${c.id} has duplicate provision ids`);
      for (const p of c.provisions) {
        assert.ok(['M', 'R', 'M C', 'R C'].includes(p.status), `${c.id} ${p.id} status`);
        assert.ok(p.section && p.title && p.summary && p.guidance, `${c.id} ${p.id} texts`);
      }
    }
  });

  test('every condition a provision names is defined, and only conditional statuses name conditions', () => {
    for (const c of all()) {
      const defined = new Set(c.conditions.map((x) => x.id));
      assert.equal(defined.size, c.conditions.length, `${c.id} has duplicate condition ids`);
      for (const p of c.provisions) {
        const conditional = p.status.endsWith(' C');
        assert.equal(conditional, p.conditions !== undefined, `${c.id} ${p.id}`);
        for (const id of p.conditions ?? []) assert.ok(defined.has(id), `${c.id} ${p.id} names undefined condition ${id}`);
      }
    }
  });

  test('every rule a provision names is an evidence rule id', () => {
    const known = new Set<string>(EVIDENCE_RULE_IDS);
    for (const c of all()) for (const p of c.provisions) for (const r of p.rules) assert.ok(known.has(r), `${c.id} ${p.id}: ${r}`);
  });

  test('every evidence rule is used by at least one provision of some catalog', () => {
    const used = new Set(all().flatMap((c) => c.provisions.flatMap((p) => p.rules)));
    assert.deepEqual(
      EVIDENCE_RULE_IDS.filter((r) => !used.has(r)),
      [],
    );
  });

  test('every mapping names catalogs and provisions that exist, and says who says so', () => {
    const mappings = loadMappings();
    assert.ok(mappings.length > 0);
    for (const m of mappings) {
      for (const ref of [m.from, ...m.to]) provision(ref.catalog, ref.provision);
      assert.ok(m.source.length > 0);
    }
  });
});

describe('coverage of each document', () => {
  const sectionsOf = (id: string) => new Set(loadCatalog(id).provisions.map((p) => p.id.replace(/-.*$/, '')));
  const countIn = (id: string, prefix: string) => loadCatalog(id).provisions.filter((p) => p.id.startsWith(`${prefix}-`)).length;

  test('EN 303 645 V2.1.1 has the 13 categories 5.1-5.13 and clause 6, with their provision counts', () => {
    const expected = ['5.1', '5.2', '5.3', '5.4', '5.5', '5.6', '5.7', '5.8', '5.9', '5.10', '5.11', '5.12', '5.13', '6'];
    assert.deepEqual([...sectionsOf('en303645-v2')], expected);
    const counts = {
      '5.1': 5,
      '5.2': 3,
      '5.3': 16,
      '5.4': 4,
      '5.5': 8,
      '5.6': 9,
      '5.7': 2,
      '5.8': 3,
      '5.9': 3,
      '5.10': 1,
      '5.11': 4,
      '5.12': 3,
      '5.13': 1,
      '6': 5,
    };
    for (const [s, n] of Object.entries(counts)) assert.equal(countIn('en303645-v2', s), n, `section ${s}`);
    assert.equal(loadCatalog('en303645-v2').partial, undefined);
  });

  test('EN 303 645 V3.1.3 has clause 5.0, the V3 additions and splits, and says what of it is unconfirmed', () => {
    const v3 = loadCatalog('en303645-v3');
    assert.equal(v3.source.version, 'V3.1.3');
    assert.equal(v3.source.date, '2024-09');
    assert.match(v3.partial ?? '', /could not be consulted/);
    assert.equal(v3.provisions.length, 78);
    assert.deepEqual([...sectionsOf('en303645-v3')][0], '5.0');
    const counts = { '5.0': 1, '5.1': 6, '5.3': 19, '5.6': 10, '5.13': 2, '6': 9 };
    for (const [s, n] of Object.entries(counts)) assert.equal(countIn('en303645-v3', s), n, `section ${s}`);
    const ids = new Set(v3.provisions.map((p) => p.id));
    for (const gone of ['5.3-4', '5.3-6', '5.3-15', '5.6-4', '6-3']) assert.equal(ids.has(gone), false, `${gone} was split in V3`);
    for (const added of ['5.0-1', '5.1-2A', '5.3-4A', '5.3-4B', '5.3-15B', '5.6-4B', '5.13-1B', '6-3B', '6-6', '6-7', '6-8']) {
      assert.ok(ids.has(added), added);
    }
  });

  test('EN 303 645 V2.1.1 statuses follow its Table B.1 for the provisions software judges', () => {
    const v = 'en303645-v2';
    assert.equal(provision(v, '5.1-1').status, 'M C');
    for (const id of ['5.2-1', '5.3-13', '5.4-1', '5.5-1', '5.6-1', '5.6-2']) assert.equal(provision(v, id).status, 'M', id);
    assert.equal(provision(v, '5.7-1').status, 'R');
  });

  test('EN 303 645 V3.1.3 models its feature statuses ("M F (a)") as conditional, with the feature as a condition', () => {
    const v = 'en303645-v3';
    assert.deepEqual(provision(v, '5.1-1').conditions, ['Fa']);
    assert.equal(provision(v, '5.1-1').status, 'M C');
    assert.deepEqual(provision(v, '5.1-5').conditions, ['C14', 'Fe']);
    assert.deepEqual(provision(v, '5.3-14').conditions, ['C3']);
    assert.equal(provision(v, '5.6-1').status, 'M C');
    for (const id of ['5.0-1', '5.2-1', '5.3-13', '5.5-1', '5.6-2', '5.13-1A', '5.13-1B']) assert.equal(provision(v, id).status, 'M', id);
    const fa = loadCatalog(v).conditions.find((c) => c.id === 'Fa');
    assert.deepEqual(fa?.when, { fact: 'usesPasswords', equals: true });
  });

  test('EN 303 645 conditions decidable from product facts say which fact', () => {
    const c = loadCatalog('en303645-v2');
    const when = (provisionId: string) =>
      (provision('en303645-v2', provisionId).conditions ?? []).map((id) => c.conditions.find((x) => x.id === id)?.when);
    assert.deepEqual(when('5.1-1'), [{ fact: 'usesPasswords', equals: true }]);
    assert.deepEqual(when('5.1-5'), [{ fact: 'constrained', equals: false }]);
    assert.deepEqual(when('5.3-7'), [{ fact: 'updatable', equals: true }]);
    assert.deepEqual(when('5.3-15'), [
      { fact: 'updatable', equals: false },
      { fact: 'constrained', equals: true },
    ]);
    // Table B.1's own numbering: 5.3-6 needs conditions 9 and 12, 5.3-10 needs 11 and 12.
    assert.deepEqual(provision('en303645-v2', '5.3-6').conditions, ['C9', 'C12']);
    assert.deepEqual(provision('en303645-v2', '5.3-10').conditions, ['C11', 'C12']);
    assert.equal(c.conditions.length, 13);
  });

  test('EN 303 645 provisions name the evidence rules that judge them', () => {
    assert.deepEqual(rulesOf('en303645-v2', '5.1-1'), ['no-default-passwords', 'unique-device-credentials']);
    assert.deepEqual(rulesOf('en303645-v2', '5.2-1'), ['disclosure-policy-published']);
    assert.deepEqual(rulesOf('en303645-v2', '5.3-13'), ['support-period-published']);
    assert.deepEqual(rulesOf('en303645-v2', '5.4-1'), ['keys-sealed-at-rest']);
    assert.deepEqual(rulesOf('en303645-v2', '5.5-1'), ['tls-on-apis']);
    assert.deepEqual(rulesOf('en303645-v2', '5.6-1'), ['mud-enforced', 'mud-signed-published', 'open-ports-match-mud']);
    assert.deepEqual(rulesOf('en303645-v2', '5.6-2'), ['mud-enforced', 'mud-signed-published', 'open-ports-match-mud']);
    assert.deepEqual(rulesOf('en303645-v2', '5.3-10'), ['updates-signed']);
    // Privacy and documentation provisions are for manual evidence only.
    for (const id of ['6-1', '6-2', '6-3', '6-4', '6-5', '5.8-3', '5.12-2']) assert.deepEqual(rulesOf('en303645-v2', id), []);
  });

  test('the NIST baselines have 6 technical and 4 non-technical capabilities, and the profile both sets of outcomes', () => {
    assert.equal(loadCatalog('nistir8259a').provisions.length, 6);
    assert.equal(loadCatalog('nistir8259b').provisions.length, 4);
    const ids = loadCatalog('nistir8425').provisions.map((p) => p.id);
    assert.equal(ids.filter((id) => id.startsWith('product/')).length, 6);
    assert.equal(ids.filter((id) => id.startsWith('developer/')).length, 4);
  });

  test('CRA Annex I has Part I (1), (2)(a)-(m) and Part II (1)-(8)', () => {
    const ids = loadCatalog('cra-annex1').provisions.map((p) => p.id);
    const letters = 'abcdefghijklm'.split('').map((l) => `I.2(${l})`);
    const part2 = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `II.${n}`);
    assert.deepEqual(ids, ['I.1', ...letters, ...part2]);
    assert.ok(loadCatalog('cra-annex1').provisions.every((p) => p.status === 'M'));
    assert.deepEqual(rulesOf('cra-annex1', 'I.2(a)'), ['vulnerabilities-remediated']);
    assert.deepEqual(rulesOf('cra-annex1', 'II.1'), ['sbom-present']);
    assert.deepEqual(rulesOf('cra-annex1', 'II.5'), ['disclosure-policy-published']);
  });

  test('UK PSTI has exactly the three Schedule 1 requirements', () => {
    const psti = loadCatalog('uk-psti');
    assert.deepEqual(
      psti.provisions.map((p) => p.id),
      ['Sch1.1', 'Sch1.2', 'Sch1.3'],
    );
    assert.deepEqual(rulesOf('uk-psti', 'Sch1.3'), ['support-period-published']);
  });

  test('SB-327 has the reasonable-security duty and the preprogrammed-password rule', () => {
    assert.deepEqual(
      loadCatalog('us-ca-sb327').provisions.map((p) => p.id),
      ['1798.91.04(a)', '1798.91.04(b)'],
    );
    assert.deepEqual(rulesOf('us-ca-sb327', '1798.91.04(b)'), ['no-default-passwords', 'unique-device-credentials']);
  });

  test('EN 18031-1 lists its mechanisms, says why it is partial, and leaves out the mechanisms of parts 2 and 3', () => {
    const c = loadCatalog('en18031-1');
    assert.deepEqual(
      c.provisions.map((p) => p.id),
      ['ACM', 'AUM', 'SUM', 'SSM', 'SCM', 'RLM', 'NMM', 'TCM', 'CCK', 'GEC', 'CRY'],
    );
    assert.match(c.partial ?? '', /LGM, DLM, UNM/);
  });

  test('the PSTI deeming provisions map onto EN 303 645 V2.1.1 5.1-1, 5.1-2, 5.2-1 and 5.3-13', () => {
    const targets = loadMappings()
      .filter((m) => m.from.catalog === 'uk-psti')
      .flatMap((m) => m.to.map((t) => `${t.catalog}:${t.provision}`));
    assert.deepEqual(targets, ['en303645-v2:5.1-1', 'en303645-v2:5.1-2', 'en303645-v2:5.2-1', 'en303645-v2:5.3-13']);
  });
});
