import { type Static, Type } from 'typebox';

// The members of VEX documents IoTopia reads, typed as their specifications type them; other
// members pass unchecked.

/** OpenVEX v0.2.0 (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md) statuses. */
const OpenVexStatus = Type.Union([
  Type.Literal('not_affected'),
  Type.Literal('affected'),
  Type.Literal('fixed'),
  Type.Literal('under_investigation'),
]);

/** OpenVEX v0.2.0 "Status Justifications". */
const OpenVexJustification = Type.Union([
  Type.Literal('component_not_present'),
  Type.Literal('vulnerable_code_not_present'),
  Type.Literal('vulnerable_code_not_in_execute_path'),
  Type.Literal('vulnerable_code_cannot_be_controlled_by_adversary'),
  Type.Literal('inline_mitigations_already_exist'),
]);

const OpenVexComponent = Type.Object({
  '@id': Type.Optional(Type.String()),
  identifiers: Type.Optional(Type.Object({ purl: Type.Optional(Type.String()) })),
});

const OpenVexProduct = Type.Object({
  '@id': Type.Optional(Type.String()),
  identifiers: Type.Optional(Type.Object({ purl: Type.Optional(Type.String()) })),
  subcomponents: Type.Optional(Type.Array(OpenVexComponent)),
});

export const OpenVexStatement = Type.Object({
  vulnerability: Type.Object({ name: Type.String({ minLength: 1 }), '@id': Type.Optional(Type.String()) }),
  products: Type.Array(OpenVexProduct, { minItems: 1 }),
  status: OpenVexStatus,
  justification: Type.Optional(OpenVexJustification),
  impact_statement: Type.Optional(Type.String()),
  action_statement: Type.Optional(Type.String()),
  timestamp: Type.Optional(Type.String()),
});

/**
 * OpenVEX v0.2.0 document. The specification requires timestamp and version as well; documents
 * written by tools without them are read, since neither decides a statement.
 */
export const OpenVexDocument = Type.Object({
  '@context': Type.Literal('https://openvex.dev/ns/v0.2.0'),
  '@id': Type.String(),
  author: Type.String(),
  timestamp: Type.Optional(Type.String()),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  statements: Type.Array(OpenVexStatement),
});

/** CycloneDX 1.4–1.6 "impactAnalysisState". */
const CdxState = Type.Union([
  Type.Literal('resolved'),
  Type.Literal('resolved_with_pedigree'),
  Type.Literal('exploitable'),
  Type.Literal('in_triage'),
  Type.Literal('false_positive'),
  Type.Literal('not_affected'),
]);

/** CycloneDX 1.4–1.6 "impactAnalysisJustification". */
const CdxJustification = Type.Union(
  [
    'code_not_present',
    'code_not_reachable',
    'requires_configuration',
    'requires_dependency',
    'requires_environment',
    'protected_by_compiler',
    'protected_at_runtime',
    'protected_at_perimeter',
    'protected_by_mitigating_control',
  ].map((j) => Type.Literal(j)),
);

export const CdxVulnerability = Type.Object({
  id: Type.String({ minLength: 1 }),
  analysis: Type.Optional(
    Type.Object({
      state: Type.Optional(CdxState),
      justification: Type.Optional(CdxJustification),
      response: Type.Optional(Type.Array(Type.String())),
      detail: Type.Optional(Type.String()),
      lastUpdated: Type.Optional(Type.String()),
    }),
  ),
  affects: Type.Optional(Type.Array(Type.Object({ ref: Type.String({ minLength: 1 }) }))),
});

const CdxComponent = Type.Object({ 'bom-ref': Type.Optional(Type.String()), purl: Type.Optional(Type.String()) });

/** A CycloneDX BOM carrying VEX: its vulnerabilities and the components they refer to. */
export const CdxVexDocument = Type.Object({
  bomFormat: Type.Literal('CycloneDX'),
  specVersion: Type.Union([Type.Literal('1.4'), Type.Literal('1.5'), Type.Literal('1.6')]),
  serialNumber: Type.Optional(Type.String()),
  metadata: Type.Optional(
    Type.Object({
      timestamp: Type.Optional(Type.String()),
      authors: Type.Optional(Type.Array(Type.Object({ name: Type.Optional(Type.String()) }))),
    }),
  ),
  components: Type.Optional(Type.Array(CdxComponent)),
  vulnerabilities: Type.Array(CdxVulnerability),
});

export type OpenVexStatement = Static<typeof OpenVexStatement>;
export type OpenVexDocument = Static<typeof OpenVexDocument>;
export type CdxVulnerability = Static<typeof CdxVulnerability>;
export type CdxVexDocument = Static<typeof CdxVexDocument>;
