import { type Static, Type } from 'typebox';

// SPDX 2.3 (https://spdx.github.io/spdx-spec/v2.3/): only the members IoTopia reads, with the
// types and requirements the specification gives them. Other members pass unchecked.

/** SPDX 2.3 §7.2 / §8.2 / §6.3: element identifiers. */
const SpdxId = Type.String({ pattern: '^SPDXRef-[A-Za-z0-9.-]+$' });

/** SPDX 2.3 §7.21 external reference: category, type and locator are all mandatory. */
const ExternalRef = Type.Object({
  referenceCategory: Type.String(),
  referenceType: Type.String(),
  referenceLocator: Type.String(),
});

/** SPDX 2.3 §7 package information, the members read. */
const SpdxPackage = Type.Object({
  SPDXID: SpdxId,
  name: Type.String(),
  versionInfo: Type.Optional(Type.String()),
  supplier: Type.Optional(Type.String()),
  licenseConcluded: Type.Optional(Type.String()),
  licenseDeclared: Type.Optional(Type.String()),
  externalRefs: Type.Optional(Type.Array(ExternalRef)),
});

/** SPDX 2.3 §11 relationships, for DESCRIBES when documentDescribes is absent. */
const Relationship = Type.Object({
  spdxElementId: Type.String(),
  relationshipType: Type.String(),
  relatedSpdxElement: Type.String(),
});

/** SPDX 2.3 §6 document creation information, mandatory members. */
export const SpdxDocument = Type.Object({
  spdxVersion: Type.Literal('SPDX-2.3'),
  dataLicense: Type.String(),
  SPDXID: Type.Literal('SPDXRef-DOCUMENT'),
  name: Type.String(),
  documentNamespace: Type.String({ minLength: 1 }),
  creationInfo: Type.Object({ created: Type.String(), creators: Type.Array(Type.String(), { minItems: 1 }) }),
  documentDescribes: Type.Optional(Type.Array(Type.String())),
  packages: Type.Optional(Type.Array(SpdxPackage)),
  relationships: Type.Optional(Type.Array(Relationship)),
});

export type SpdxDocument = Static<typeof SpdxDocument>;
export type SpdxPackage = Static<typeof SpdxPackage>;
