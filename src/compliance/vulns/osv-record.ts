import { Compile } from 'typebox/compile';
import { VulnError } from './errors.ts';
import { type OsvRecordInput, OsvRecordSchema } from './osv-schema.ts';
import type { OsvAffected, OsvRecord } from './vuln-types.ts';

const checkRecord = Compile(OsvRecordSchema);

/** One decoded JSON value checked as an OSV record and copied to the members IoTopia keeps. */
export function toOsvRecord(value: unknown, source: string, index?: number): OsvRecord {
  const entry = entryName(value, index);
  if (!checkRecord.Check(value)) {
    const first = checkRecord.Errors(value)[0];
    throw new VulnError(
      'ERR_OSV_SCHEMA',
      { source, ...(entry ? { entry } : {}), field: first?.instancePath || '/' },
      `OSV: ${first?.message ?? 'invalid'}`,
    );
  }
  const affected = (value.affected ?? []).map((a, i) => checkedAffected(a, source, entry, i));
  return keepRead(value, affected);
}

function entryName(value: unknown, index: number | undefined): string | undefined {
  const id = typeof value === 'object' && value !== null && 'id' in value ? value.id : undefined;
  if (typeof id === 'string') return index === undefined ? id : `record ${index} (${id})`;
  return index === undefined ? undefined : `record ${index}`;
}

// OSV: "each event object contains exactly one of introduced, fixed, last_affected or limit".
function checkedAffected(a: OsvAffected, source: string, entry: string | undefined, i: number): OsvAffected {
  a.ranges?.forEach((range, r) => {
    range.events.forEach((event, e) => {
      if (Object.keys(event).filter((k) => k === 'introduced' || k === 'fixed' || k === 'last_affected' || k === 'limit').length !== 1) {
        throw new VulnError(
          'ERR_OSV_SCHEMA',
          { source, ...(entry ? { entry } : {}), field: `/affected/${i}/ranges/${r}/events/${e}` },
          'an event holds exactly one of introduced, fixed, last_affected, limit',
        );
      }
    });
  });
  return {
    ...(a.package ? { package: { ...a.package } } : {}),
    ...(a.ranges ? { ranges: a.ranges.map((r) => ({ ...r, events: r.events.map((e) => ({ ...e })) })) } : {}),
    ...(a.versions ? { versions: a.versions } : {}),
  };
}

function keepRead(v: OsvRecordInput, affected: OsvAffected[]): OsvRecord {
  return {
    id: v.id,
    modified: v.modified,
    ...(v.published !== undefined ? { published: v.published } : {}),
    ...(v.withdrawn !== undefined ? { withdrawn: v.withdrawn } : {}),
    ...(v.aliases !== undefined ? { aliases: v.aliases } : {}),
    ...(v.summary !== undefined ? { summary: v.summary } : {}),
    ...(v.details !== undefined ? { details: v.details } : {}),
    ...(v.severity !== undefined ? { severity: v.severity.map((s) => ({ type: s.type, score: s.score })) } : {}),
    affected,
    ...(v.references !== undefined ? { references: v.references.map((r) => ({ type: r.type, url: r.url })) } : {}),
  };
}
