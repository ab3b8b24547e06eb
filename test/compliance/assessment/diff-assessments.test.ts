import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessProduct } from '../../../src/compliance/assessment/assess-product.ts';
import { diffAssessments } from '../../../src/compliance/assessment/diff-assessments.ts';
import type { Catalog } from '../../../src/compliance/catalogs/catalog-types.ts';
import { CATALOG, FACTS, manual, RULES, rule } from './fixtures.ts';

const assess = (id: string, over: Partial<Parameters<typeof assessProduct>[0]> = {}) =>
  assessProduct({ id, model: 'bulb', catalogs: [CATALOG], productFacts: FACTS, ruleResults: RULES, manual: [], at: new Date(0), ...over });

describe('diffAssessments', () => {
  test('the same inputs give no changes', () => {
    assert.deepEqual(diffAssessments(assess('a'), assess('b')), { from: 'a', to: 'b', changes: [] });
  });

  test('a rule result that changed is named with its new detail, before and after', () => {
    const fixed = new Map([...RULES, ['sbom-present', rule('sbom-present', 'met', 'release 2.0 has a CycloneDX SBOM')]] as const);
    const d = diffAssessments(assess('a'), assess('b', { ruleResults: fixed }));
    assert.deepEqual(d.changes, [
      {
        catalog: 'test-cat',
        provision: 'P-not',
        before: 'not-met',
        after: 'met',
        why: 'rule sbom-present not-met → met: release 2.0 has a CycloneDX SBOM',
      },
      {
        catalog: 'test-cat',
        provision: 'P-part',
        before: 'partially-met',
        after: 'met',
        why: 'rule sbom-present not-met → met: release 2.0 has a CycloneDX SBOM',
      },
    ]);
  });

  test('manual evidence added, replaced and removed', () => {
    const m1 = manual('m1', 'P-manual', 'met');
    const m2 = manual('m2', 'P-manual', 'not-met', 5);
    const none = assess('a');
    const first = assess('b', { manual: [m1] });
    const second = assess('c', { manual: [m1, m2] });
    assert.deepEqual(diffAssessments(none, first).changes, [
      {
        catalog: 'test-cat',
        provision: 'P-manual',
        before: 'manual-evidence-needed',
        after: 'met',
        why: 'manual evidence m1 added by maker, claiming met',
      },
    ]);
    assert.equal(diffAssessments(first, second).changes[0]?.why, 'manual evidence m1 replaced by m2 (by maker, claiming not-met)');
    assert.equal(diffAssessments(second, none).changes[0]?.why, 'manual evidence m2 removed');
  });

  test('a manual statement beside software’s judgement is a change even when the outcome stays', () => {
    const d = diffAssessments(assess('a'), assess('b', { manual: [manual('m1', 'P-not', 'met')] }));
    assert.deepEqual(d.changes, [
      {
        catalog: 'test-cat',
        provision: 'P-not',
        before: 'not-met',
        after: 'not-met',
        why: 'manual evidence m1 added by maker, claiming met',
      },
    ]);
  });

  test('a fact that changes a condition names it', () => {
    const d = diffAssessments(assess('a'), assess('b', { productFacts: { ...FACTS, updatable: true } }));
    assert.deepEqual(d.changes, [
      {
        catalog: 'test-cat',
        provision: 'P-na',
        before: 'not-applicable',
        after: 'met',
        why: 'rule updates-signed now met: updates-signed is met; condition C-upd no longer decides the outcome',
      },
    ]);
  });

  test('provisions added and removed by a catalog change or a catalog no longer assessed', () => {
    const v2: Catalog = {
      ...CATALOG,
      source: { ...CATALOG.source, version: '2.0' },
      provisions: [...CATALOG.provisions.slice(1), { ...(CATALOG.provisions[0] as Catalog['provisions'][number]), id: 'P-new' }],
    };
    const d = diffAssessments(assess('a'), assess('b', { catalogs: [v2] }));
    assert.deepEqual(d.changes, [
      { catalog: 'test-cat', provision: 'P-new', after: 'met', why: 'provision added by catalog test-cat version 1.0 → 2.0' },
      { catalog: 'test-cat', provision: 'P-met', before: 'met', why: 'provision removed by catalog test-cat version 1.0 → 2.0' },
    ]);
    const other: Catalog = { ...CATALOG, id: 'other', provisions: [CATALOG.provisions[0] as Catalog['provisions'][number]] };
    const e = diffAssessments(assess('a', { catalogs: [other] }), assess('b', { catalogs: [] }));
    assert.deepEqual(e.changes, [{ catalog: 'other', provision: 'P-met', before: 'met', why: 'catalog other is no longer assessed' }]);
    const f = diffAssessments(assess('a', { catalogs: [] }), assess('b', { catalogs: [other] }));
    assert.equal(f.changes[0]?.why, 'catalog other was not assessed before');
  });
});
