/**
 * The catalogs shipped with IoTopia, read from `data/` once and cached. Every file is validated
 * against its schema and its own references; a file that fails is refused, never half-used.
 */
import { readFileSync } from 'node:fs';
import { CATALOG_FILES, catalogDataUrl, MAPPINGS_FILE } from './catalog-files.ts';
import { mappingProblems } from './catalog-integrity.ts';
import type { Catalog, CatalogMapping } from './catalog-types.ts';
import { CatalogError } from './errors.ts';
import { parseCatalog, parseMappings } from './parse-catalog.ts';

const cache = new Map<string, Catalog>();
let mappingsCache: CatalogMapping[] | undefined;

/** Cached catalogs are shared by every caller, so none may change them for the others. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function readData(file: string): string {
  try {
    return readFileSync(catalogDataUrl(file), 'utf8');
  } catch (cause) {
    // A missing data file is a packaging fault; say which one rather than a bare ENOENT.
    throw new CatalogError('ERR_CATALOG_INVALID', `${file}: cannot be read: ${(cause as Error).message}`, { cause });
  }
}

export function catalogIds(): string[] {
  return Object.keys(CATALOG_FILES);
}

export function loadCatalog(id: string): Catalog {
  const cached = cache.get(id);
  if (cached) return cached;
  const file = Object.hasOwn(CATALOG_FILES, id) ? CATALOG_FILES[id] : undefined;
  if (!file) throw new CatalogError('ERR_CATALOG_UNKNOWN', `no catalog "${id}"; known: ${catalogIds().join(', ')}`);
  const catalog = parseCatalog(readData(file), file);
  if (catalog.id !== id) throw new CatalogError('ERR_CATALOG_INVALID', `${file}: /id: is "${catalog.id}", expected "${id}"`);
  cache.set(id, deepFreeze(catalog));
  return catalog;
}

export function listCatalogs(): { id: string; title: string; version: string }[] {
  return catalogIds().map((id) => {
    const c = loadCatalog(id);
    return { id: c.id, title: c.title, version: c.source.version };
  });
}

/** The cross-catalog mappings, each checked to name catalogs and provisions that exist. */
export function loadMappings(): CatalogMapping[] {
  if (mappingsCache) return mappingsCache;
  const mappings = parseMappings(readData(MAPPINGS_FILE), MAPPINGS_FILE);
  const provisions = new Map(catalogIds().map((id) => [id, new Set(loadCatalog(id).provisions.map((p) => p.id))]));
  const problem = mappingProblems(mappings, provisions)[0];
  if (problem) throw new CatalogError('ERR_CATALOG_INVALID', `${MAPPINGS_FILE}: ${problem.path}: ${problem.reason}`);
  mappingsCache = deepFreeze(mappings);
  return mappings;
}
