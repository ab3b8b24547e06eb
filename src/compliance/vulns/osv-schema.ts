import { type Static, Type } from 'typebox';

// OSV schema (https://ossf.github.io/osv-schema/): the members IoTopia reads, typed as the
// specification types them. Other members (database_specific, credits, …) pass unchecked.

/** OSV "affected[].ranges[].events[]": each event holds exactly one of these (checked after the schema). */
const OsvEvent = Type.Object({
  introduced: Type.Optional(Type.String()),
  fixed: Type.Optional(Type.String()),
  last_affected: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String()),
});

/** OSV "affected[].ranges[]": the three range types the specification defines. */
const OsvRange = Type.Object({
  type: Type.Union([Type.Literal('SEMVER'), Type.Literal('ECOSYSTEM'), Type.Literal('GIT')]),
  repo: Type.Optional(Type.String()),
  events: Type.Array(OsvEvent, { minItems: 1 }),
});

const OsvAffected = Type.Object({
  package: Type.Optional(Type.Object({ ecosystem: Type.String(), name: Type.String(), purl: Type.Optional(Type.String()) })),
  ranges: Type.Optional(Type.Array(OsvRange)),
  versions: Type.Optional(Type.Array(Type.String())),
});

/** OSV record: id and modified are required by the specification. */
export const OsvRecordSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  modified: Type.String(),
  published: Type.Optional(Type.String()),
  withdrawn: Type.Optional(Type.String()),
  aliases: Type.Optional(Type.Array(Type.String())),
  summary: Type.Optional(Type.String()),
  details: Type.Optional(Type.String()),
  severity: Type.Optional(Type.Array(Type.Object({ type: Type.String(), score: Type.String() }))),
  affected: Type.Optional(Type.Array(OsvAffected)),
  references: Type.Optional(Type.Array(Type.Object({ type: Type.String(), url: Type.String() }))),
});

export type OsvRecordInput = Static<typeof OsvRecordSchema>;
