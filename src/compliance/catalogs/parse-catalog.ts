/**
 * Turns the bytes of a catalog data file into a Catalog, or refuses them with ERR_CATALOG_INVALID
 * naming the file and the JSON pointer of the first problem. Nothing half-checked is returned.
 */
import { Compile } from 'typebox/compile';
import { catalogProblems, type IntegrityProblem } from './catalog-integrity.ts';
import { CATALOG_LIMITS, CatalogSchema, MappingsSchema } from './catalog-schema.ts';
import type { Catalog, CatalogMapping } from './catalog-types.ts';
import { CatalogError } from './errors.ts';

const catalogValidator = Compile(CatalogSchema);
const mappingsValidator = Compile(MappingsSchema);

function invalid(file: string, problem: IntegrityProblem): CatalogError {
  return new CatalogError('ERR_CATALOG_INVALID', `${file}: ${problem.path || '/'}: ${problem.reason}`);
}

function parseJson(text: string, file: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > CATALOG_LIMITS.fileBytes)
    throw invalid(file, { path: '', reason: `larger than ${CATALOG_LIMITS.fileBytes} bytes` });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CatalogError('ERR_CATALOG_INVALID', `${file}: not JSON: ${(cause as Error).message}`, { cause });
  }
}

function schemaProblem(validator: { Errors(v: unknown): { instancePath: string; message: string }[] }, value: unknown) {
  const first = validator.Errors(value)[0];
  return first ? { path: first.instancePath, reason: first.message } : undefined;
}

/** Validates an already-parsed catalog; `file` names it in errors. */
export function checkCatalog(value: unknown, file: string): Catalog {
  if (!catalogValidator.Check(value)) {
    throw invalid(file, schemaProblem(catalogValidator, value) ?? { path: '', reason: 'not a catalog' });
  }
  const problem = catalogProblems(value)[0];
  if (problem) throw invalid(file, problem);
  return value;
}

export function parseCatalog(text: string, file: string): Catalog {
  return checkCatalog(parseJson(text, file), file);
}

/** Validates the mappings file's shape; whether its references exist is checked against the loaded catalogs. */
export function parseMappings(text: string, file: string): CatalogMapping[] {
  const value = parseJson(text, file);
  if (!mappingsValidator.Check(value)) {
    throw invalid(file, schemaProblem(mappingsValidator, value) ?? { path: '', reason: 'not an array of mappings' });
  }
  return value;
}
