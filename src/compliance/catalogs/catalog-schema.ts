/**
 * The TypeBox schemas of the catalog data files (`data/*.json`). The loader validates every file
 * against them; the limits bound what a data file may hold so a damaged file fails fast.
 */
import { type Static, Type } from 'typebox';
import { EVIDENCE_RULE_IDS } from '../evidence/rule-ids.ts';
import type { Catalog, CatalogMapping } from './catalog-types.ts';

/** Bounds of a data file; generous for the documents catalogued (the largest has under 100 provisions). */
export const CATALOG_LIMITS = {
  fileBytes: 1024 * 1024,
  provisions: 500,
  conditions: 100,
  mappings: 2000,
  mappingTargets: 50,
  idChars: 64,
  shortText: 300,
  longText: 2000,
} as const;

const Id = Type.String({ minLength: 1, maxLength: CATALOG_LIMITS.idChars, pattern: '^[A-Za-z0-9][A-Za-z0-9./()\\-]*$' });
const Short = Type.String({ minLength: 1, maxLength: CATALOG_LIMITS.shortText });
const Long = Type.String({ minLength: 1, maxLength: CATALOG_LIMITS.longText });

export const CatalogSourceSchema = Type.Object(
  {
    publisher: Short,
    document: Short,
    version: Type.String({ minLength: 1, maxLength: CATALOG_LIMITS.idChars }),
    date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$' }),
    url: Type.String({ pattern: '^https://', maxLength: CATALOG_LIMITS.shortText }),
  },
  { additionalProperties: false },
);

export const ConditionSchema = Type.Object(
  {
    id: Id,
    text: Long,
    when: Type.Optional(
      Type.Object(
        {
          fact: Type.Union([
            Type.Literal('updatable'),
            Type.Literal('constrained'),
            Type.Literal('usesPasswords'),
            Type.Literal('hasUserInterface'),
            Type.Literal('processesPersonalData'),
          ]),
          equals: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const EvidenceRuleIdSchema = Type.Enum(EVIDENCE_RULE_IDS);

export const ProvisionSchema = Type.Object(
  {
    id: Id,
    section: Short,
    title: Short,
    summary: Long,
    status: Type.Union([Type.Literal('M'), Type.Literal('R'), Type.Literal('M C'), Type.Literal('R C')]),
    conditions: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 10, uniqueItems: true })),
    rules: Type.Array(EvidenceRuleIdSchema, { maxItems: EVIDENCE_RULE_IDS.length, uniqueItems: true }),
    guidance: Long,
  },
  { additionalProperties: false },
);

export const CatalogSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]*$', maxLength: CATALOG_LIMITS.idChars }),
    title: Short,
    source: CatalogSourceSchema,
    partial: Type.Optional(Long),
    conditions: Type.Array(ConditionSchema, { maxItems: CATALOG_LIMITS.conditions }),
    provisions: Type.Array(ProvisionSchema, { minItems: 1, maxItems: CATALOG_LIMITS.provisions }),
  },
  { additionalProperties: false },
);

const ProvisionRef = Type.Object({ catalog: Id, provision: Id }, { additionalProperties: false });

export const CatalogMappingSchema = Type.Object(
  {
    from: ProvisionRef,
    to: Type.Array(ProvisionRef, { minItems: 1, maxItems: CATALOG_LIMITS.mappingTargets }),
    source: Long,
  },
  { additionalProperties: false },
);

export const MappingsSchema = Type.Array(CatalogMappingSchema, { maxItems: CATALOG_LIMITS.mappings });

// The schemas and the shared shapes must agree in both directions; tsc fails here when they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const catalogAgrees: Same<Static<typeof CatalogSchema>, Catalog> = true;
const mappingAgrees: Same<Static<typeof CatalogMappingSchema>, CatalogMapping> = true;
export const SCHEMA_MATCHES_TYPES = catalogAgrees && mappingAgrees;
