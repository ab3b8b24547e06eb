import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CatalogError } from '../../../src/compliance/catalogs/errors.ts';
import { catalogIds, loadCatalog } from '../../../src/compliance/catalogs/load-catalogs.ts';
import { isMarket, MARKET_CATALOGS, marketCatalogs } from '../../../src/compliance/catalogs/markets.ts';

describe('markets', () => {
  test('each market resolves to catalogs that exist and load', () => {
    const known = new Set(catalogIds());
    for (const market of Object.keys(MARKET_CATALOGS)) {
      const ids = marketCatalogs(market);
      assert.ok(ids.length > 0, market);
      for (const id of ids) {
        assert.ok(known.has(id), `${market}: ${id}`);
        assert.equal(loadCatalog(id).id, id);
      }
    }
  });

  test('the markets use the catalogs of their regulations', () => {
    assert.deepEqual(marketCatalogs('eu'), ['cra-annex1', 'en18031-1']);
    assert.deepEqual(marketCatalogs('uk'), ['uk-psti']);
    assert.deepEqual(marketCatalogs('us'), ['nistir8425']);
    assert.deepEqual(marketCatalogs('us-ca'), ['us-ca-sb327']);
  });

  test('isMarket knows exactly the four markets', () => {
    for (const m of ['eu', 'uk', 'us', 'us-ca']) assert.ok(isMarket(m), m);
    for (const m of ['EU', 'de', '', 'toString', '__proto__']) assert.equal(isMarket(m), false, m);
  });

  test('an unknown market is refused with ERR_CATALOG_MARKET', () => {
    assert.throws(
      () => marketCatalogs('fr'),
      (e: unknown) => e instanceof CatalogError && e.code === 'ERR_CATALOG_MARKET' && e.message.includes('"fr"'),
    );
  });
});
