import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessProduct } from '../../../src/compliance/assessment/assess-product.ts';
import type { ProvisionResult } from '../../../src/compliance/assessment/result-types.ts';
import type { Catalog } from '../../../src/compliance/catalogs/catalog-types.ts';
import { CATALOG, FACTS, manual, RULES, rule } from './fixtures.ts';

const AT = new Date('2030-02-01T00:00:00Z');
const run = (over: Partial<Parameters<typeof assessProduct>[0]> = {}) =>
  assessProduct({ id: 'a1', model: 'bulb', catalogs: [CATALOG], productFacts: FACTS, ruleResults: RULES, manual: [], at: AT, ...over });
const of = (a: ReturnType<typeof run>, id: string): ProvisionResult => {
  const r = a.results.find((x) => x.provision === id);
  assert.ok(r, id);
  return r;
};

describe('assessProduct', () => {
  test('rules all met → met, all not met → not met, mixed → partially met, with their results linked', () => {
    const a = run();
    assert.equal(of(a, 'P-met').outcome, 'met');
    assert.equal(of(a, 'P-met').remedy, undefined);
    assert.deepEqual(
      of(a, 'P-met').rules.map((r) => r.rule),
      ['unique-device-credentials', 'no-default-passwords'],
    );
    assert.equal(of(a, 'P-not').outcome, 'not-met');
    assert.equal(of(a, 'P-not').remedy, 'fix sbom-present guidance P-not');
    assert.equal(of(a, 'P-part').outcome, 'partially-met');
    assert.equal(of(a, 'P-part').remedy, 'fix sbom-present guidance P-part');
  });

  test('a provision no rule judges needs manual evidence; a statement decides it', () => {
    assert.equal(of(run(), 'P-manual').outcome, 'manual-evidence-needed');
    assert.match(of(run(), 'P-manual').remedy ?? '', /No evidence rule can judge.*guidance P-manual/);
    const m = manual('m1', 'P-manual', 'partially-met');
    const r = of(run({ manual: [m] }), 'P-manual');
    assert.equal(r.outcome, 'partially-met');
    assert.deepEqual(r.manual, m);
    assert.equal(of(run({ manual: [manual('m2', 'P-manual', 'met')] }), 'P-manual').outcome, 'met');
    assert.equal(of(run({ manual: [manual('m3', 'P-manual', 'not-applicable')] }), 'P-manual').outcome, 'not-applicable');
  });

  test('the newest statement for a provision wins; statements of other products are ignored', () => {
    const older = manual('m1', 'P-manual', 'met', 0);
    const newer = manual('m2', 'P-manual', 'not-met', 1000);
    assert.equal(of(run({ manual: [newer, older] }), 'P-manual').outcome, 'not-met');
    const other = { ...manual('m3', 'P-manual', 'met'), productModel: 'plug' };
    assert.equal(of(run({ manual: [other] }), 'P-manual').outcome, 'manual-evidence-needed');
  });

  test('a condition whose fact does not hold makes the provision not applicable, naming it', () => {
    const r = of(run(), 'P-na');
    assert.equal(r.outcome, 'not-applicable');
    assert.deepEqual(r.condition, { id: 'C-upd', text: 'the software is updatable' });
    assert.deepEqual(r.rules, []);
    assert.equal(of(run({ productFacts: { ...FACTS, updatable: true } }), 'P-na').outcome, 'met');
  });

  test('a condition without `when`, or with an unknown fact, is decided by manual evidence', () => {
    for (const id of ['P-cond-unknown', 'P-cond-free']) {
      const r = of(run(), id);
      assert.equal(r.outcome, 'manual-evidence-needed', id);
      assert.ok(r.condition !== undefined, id);
      assert.match(r.remedy ?? '', new RegExp(`condition ${r.condition.id} holds`));
    }
    const na = of(run({ manual: [manual('m1', 'P-cond-free', 'not-applicable')] }), 'P-cond-free');
    assert.equal(na.outcome, 'not-applicable');
    assert.equal(na.condition?.id, 'C-free');
    // Any other claim says the condition holds: the rules then judge, not the claim.
    const holds = of(run({ manual: [manual('m2', 'P-cond-free', 'not-met')] }), 'P-cond-free');
    assert.equal(holds.outcome, 'met');
    assert.equal(holds.manual?.id, 'm2');
    assert.equal(of(run({ productFacts: { ...FACTS, usesPasswords: false } }), 'P-cond-unknown').outcome, 'not-applicable');
  });

  test('manual evidence is shown beside an automatable provision but does not override it', () => {
    const r = of(run({ manual: [manual('m1', 'P-not', 'met')] }), 'P-not');
    assert.equal(r.outcome, 'not-met');
    assert.equal(r.manual?.id, 'm1');
  });

  test('a rule without a result: met needs every rule; with none at all, manual evidence decides', () => {
    assert.equal(of(run(), 'P-missing').outcome, 'manual-evidence-needed');
    assert.match(of(run(), 'P-missing').remedy ?? '', /No result came from rules keys-sealed-at-rest/);
    const twoRules: Catalog = {
      ...CATALOG,
      provisions: [
        { ...(CATALOG.provisions[0] as Catalog['provisions'][number]), rules: ['unique-device-credentials', 'keys-sealed-at-rest'] },
      ],
    };
    assert.equal(of(run({ catalogs: [twoRules] }), 'P-met').outcome, 'partially-met');
  });

  test('summary counts every provision once', () => {
    const a = run();
    assert.deepEqual(a.summary, { met: 1, notMet: 2, partiallyMet: 1, notApplicable: 1, manualEvidenceNeeded: 4 });
    const total = Object.values(a.summary).reduce((x, y) => x + y, 0);
    assert.equal(total, CATALOG.provisions.length);
  });

  test('gaps: mandatory before recommended, not met before partial before manual, then catalog order', () => {
    const a = run({ ruleResults: new Map([...RULES, ['updates-signed', rule('updates-signed', 'partially-met')]]) });
    assert.deepEqual(
      a.gaps.map((g) => [g.provision, g.outcome]),
      [
        ['P-part', 'partially-met'],
        ['P-manual', 'manual-evidence-needed'],
        ['P-cond-free', 'manual-evidence-needed'],
        ['P-missing', 'manual-evidence-needed'],
        ['P-not', 'not-met'],
        ['P-rnot', 'not-met'],
        ['P-cond-unknown', 'manual-evidence-needed'],
      ],
    );
    for (const g of a.gaps) assert.ok(g.remedy.length > 0, g.provision);
  });

  test('the assessment names its catalogs with their versions, its market and time', () => {
    const a = run({ market: 'uk', catalogs: [CATALOG, { ...CATALOG, id: 'other', provisions: [] }] });
    assert.deepEqual(a.catalogs, [
      { id: 'test-cat', title: 'Test catalog', version: '1.0' },
      { id: 'other', title: 'Test catalog', version: '1.0' },
    ]);
    assert.equal(a.market, 'uk');
    assert.equal(a.at, AT);
    assert.equal('market' in run(), false);
  });

  test('a provision naming a condition its catalog lacks is a catalog bug (TypeError)', () => {
    const broken: Catalog = {
      ...CATALOG,
      provisions: [{ ...(CATALOG.provisions[4] as Catalog['provisions'][number]), conditions: ['C-x'] }],
    };
    assert.throws(() => run({ catalogs: [broken] }), TypeError);
  });
});
