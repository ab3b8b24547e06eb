/**
 * Small stand-ins for the SBOM, OSV and VEX parsers and the matcher, enough for the product
 * services' tests: JSON in a made-up minimal shape, exact-version matching by package name.
 */

import type { ComplianceParsers } from '../../../src/compliance/products/parsers.ts';
import type { ParsedSbom } from '../../../src/compliance/sbom/sbom-types.ts';
import type { OsvRecord, VexStatement } from '../../../src/compliance/vulns/vuln-types.ts';
import { IotopiaError } from '../../../src/errors.ts';

const json = (bytes: Uint8Array, source: string): Record<string, unknown> => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw new IotopiaError('ERR_TOY_PARSE', `${source}: not JSON`);
  }
};

export const toyParsers: ComplianceParsers = {
  async parseSbom(bytes, source) {
    const o = json(bytes, source);
    if (o['format'] !== 'cyclonedx' && o['format'] !== 'spdx') throw new IotopiaError('ERR_TOY_PARSE', `${source}: format`);
    return o as unknown as ParsedSbom;
  },
  parseOsvRecord(bytes, source) {
    const o = json(bytes, source);
    if (typeof o['id'] !== 'string' || typeof o['modified'] !== 'string' || !Array.isArray(o['affected']))
      throw new IotopiaError('ERR_TOY_PARSE', `${source}: id, modified and affected are required`);
    return o as unknown as OsvRecord;
  },
  parseVex(bytes, source) {
    const o = json(bytes, source);
    if (!Array.isArray(o['statements'])) throw new IotopiaError('ERR_TOY_PARSE', `${source}: statements`);
    return (o['statements'] as Omit<VexStatement, 'source'>[]).map((s) => ({
      ...s,
      source: { document: source, author: String(o['author']) },
    }));
  },
  matchVulnerabilities(components, records, vex = []) {
    return components.flatMap((c) =>
      records
        .filter((r) =>
          r.affected.some((a) => a.package?.name === c.name && c.version !== undefined && (a.versions ?? []).includes(c.version)),
        )
        .map((r) => {
          const ids = [r.id, ...(r.aliases ?? [])];
          const st = vex
            .filter((s) => ids.includes(s.vulnerability) && (s.products.includes(c.purl ?? '') || s.products.includes(c.ref)))
            .at(-1);
          return {
            component: c,
            vulnerability: { id: r.id, aliases: r.aliases ?? [], ...(r.published === undefined ? {} : { published: r.published }) },
            reason: `version ${c.version} listed`,
            ...(st === undefined ? {} : { vex: st }),
            applies: st === undefined || (st.status !== 'not_affected' && st.status !== 'fixed'),
          };
        }),
    );
  },
};

export const bytesOf = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

export const sbomDoc = (components: { name: string; version?: string; purl?: string }[]) =>
  bytesOf({ format: 'cyclonedx', specVersion: '1.6', components: components.map((c, i) => ({ ref: `c${i}`, ...c })) });

export const osv = (id: string, name: string, versions: string[], extra: Record<string, unknown> = {}) => ({
  id,
  modified: '2030-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'npm', name }, versions }],
  ...extra,
});
