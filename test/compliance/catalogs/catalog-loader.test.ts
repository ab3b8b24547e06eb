import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mappingProblems } from '../../../src/compliance/catalogs/catalog-integrity.ts';
import { CATALOG_LIMITS } from '../../../src/compliance/catalogs/catalog-schema.ts';
import type { Catalog } from '../../../src/compliance/catalogs/catalog-types.ts';
import { CatalogError } from '../../../src/compliance/catalogs/errors.ts';
import { catalogIds, loadCatalog, loadMappings } from '../../../src/compliance/catalogs/load-catalogs.ts';
import { checkCatalog, parseCatalog, parseMappings } from '../../../src/compliance/catalogs/parse-catalog.ts';

const FILE = 'broken.json';
/** A deep copy of a good catalog, to break in one place. */
const good = (): Catalog => structuredClone(loadCatalog('en303645-v2'));

function refused(fn: () => unknown, code: string, ...parts: (string | RegExp)[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CatalogError, String(e));
    assert.equal(e.code, code);
    for (const p of parts) typeof p === 'string' ? assert.ok(e.message.includes(p), `${e.message} lacks ${p}`) : assert.match(e.message, p);
    return true;
  });
}

describe('loading catalogs', () => {
  test('an unknown id is refused with ERR_CATALOG_UNKNOWN naming the known ones', () => {
    refused(() => loadCatalog('en303645-v9'), 'ERR_CATALOG_UNKNOWN', 'en303645-v9', 'en303645-v2');
    refused(() => loadCatalog('constructor'), 'ERR_CATALOG_UNKNOWN');
  });

  test('a catalog is read once and then served from the cache', () => {
    assert.equal(loadCatalog('uk-psti'), loadCatalog('uk-psti'));
    assert.equal(loadMappings(), loadMappings());
  });

  test('a cached catalog cannot be changed by one caller under the others', () => {
    const psti = loadCatalog('uk-psti');
    assert.throws(() => {
      (psti.provisions[0] as { rules: string[] }).rules.push('sbom-present');
    }, TypeError);
    assert.throws(() => {
      loadMappings()[0]!.to.pop();
    }, TypeError);
    assert.equal(loadCatalog('uk-psti').provisions[0]!.rules.length, 2);
  });

  test('a good catalog passes the same checks the loader applies', () => {
    for (const id of catalogIds()) {
      const c = loadCatalog(id);
      assert.deepEqual(parseCatalog(JSON.stringify(c), `${id}.json`), c);
    }
  });
});

describe('refusing a broken catalog with ERR_CATALOG_INVALID, naming the file and the path', () => {
  test('a rule id that is not an evidence rule', () => {
    const c = good() as unknown as { provisions: { rules: string[] }[] };
    c.provisions[3]!.rules = ['passwords-strong'];
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', FILE, '/provisions/3/rules/0');
  });

  test('a provision without a status', () => {
    const c = good() as unknown as { provisions: Record<string, unknown>[] };
    delete c.provisions[0]!.status;
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', FILE, '/provisions/0');
  });

  test('a status outside Table B.1', () => {
    const c = good() as unknown as { provisions: { status: string }[] };
    c.provisions[2]!.status = 'O';
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', '/provisions/2/status');
  });

  test('a member the schema does not know', () => {
    const c = good() as unknown as { source: Record<string, string> };
    c.source.licence = 'x';
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', '/source');
  });

  test('a source without a url', () => {
    const c = good() as unknown as { source: Record<string, string> };
    delete c.source.url;
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', '/source');
  });

  test('a condition fact that is not a product fact', () => {
    const c = good() as unknown as { conditions: { when?: { fact: string } }[] };
    c.conditions[0]!.when!.fact = 'isCloudy';
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', '/conditions/0/when/fact');
  });

  test('a provision id used twice', () => {
    const c = good();
    c.provisions[5]!.id = c.provisions[4]!.id;
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', '/provisions/5/id', 'appears twice');
  });

  test('a condition that is not defined', () => {
    const c = good();
    const i = c.provisions.findIndex((p) => p.id === '5.1-1');
    c.provisions[i]!.conditions = ['C99'];
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', `/provisions/${i}/conditions/0`, 'C99');
  });

  test('a conditional status without conditions, and conditions on a plain status', () => {
    const c = good();
    const i = c.provisions.findIndex((p) => p.id === '5.1-1');
    delete c.provisions[i]!.conditions;
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', `/provisions/${i}/status`);
    const d = good();
    d.provisions[0]!.status = 'M';
    refused(() => checkCatalog(d, FILE), 'ERR_CATALOG_INVALID', '/provisions/0/conditions');
  });

  test('text that is not JSON, and a file over the size limit', () => {
    refused(() => parseCatalog('{"id": ', FILE), 'ERR_CATALOG_INVALID', FILE, 'not JSON');
    refused(() => parseCatalog(' '.repeat(CATALOG_LIMITS.fileBytes + 1), FILE), 'ERR_CATALOG_INVALID', 'larger than');
  });

  test('a catalog with more provisions than the limit', () => {
    const c = good();
    const p = c.provisions[0]!;
    c.provisions = Array.from({ length: CATALOG_LIMITS.provisions + 1 }, (_, i) => ({ ...p, id: `x-${i}` }));
    refused(() => checkCatalog(c, FILE), 'ERR_CATALOG_INVALID', '/provisions');
  });
});

describe('refusing broken mappings', () => {
  const provisions = new Map([['a', new Set(['1', '2'])]]);

  test('a mapping to a catalog or provision that does not exist is a problem at its path', () => {
    const problems = mappingProblems(
      [
        { from: { catalog: 'a', provision: '1' }, to: [{ catalog: 'b', provision: '1' }], source: 's' },
        { from: { catalog: 'a', provision: '3' }, to: [{ catalog: 'a', provision: '2' }], source: 's' },
      ],
      provisions,
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      ['/0/to/0/catalog', '/1/from/provision'],
    );
  });

  test('a mapping without a source or without targets fails the schema', () => {
    refused(
      () => parseMappings('[{"from":{"catalog":"a","provision":"1"},"to":[{"catalog":"a","provision":"2"}]}]', 'm.json'),
      'ERR_CATALOG_INVALID',
      'm.json',
      '/0',
    );
    refused(
      () => parseMappings('[{"from":{"catalog":"a","provision":"1"},"to":[],"source":"s"}]', 'm.json'),
      'ERR_CATALOG_INVALID',
      '/0/to',
    );
    refused(() => parseMappings('{}', 'm.json'), 'ERR_CATALOG_INVALID', 'm.json');
  });
});
