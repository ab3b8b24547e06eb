import { Compile } from 'typebox/compile';
import { canonicalPurl } from './canonical-purl.ts';
import { SbomError } from './errors.ts';
import { SBOM_LIMITS } from './sbom-limits.ts';
import type { ParsedSbom, SbomComponent } from './sbom-types.ts';
import { SpdxDocument, type SpdxPackage } from './spdx-schema.ts';

const checkDocument = Compile(SpdxDocument);

/** SPDX 2.3 §7.21 / Annex F: the purl external reference's category, in either spelling seen. */
const PACKAGE_MANAGER = new Set(['PACKAGE-MANAGER', 'PACKAGE_MANAGER']);

/** An SPDX 2.3 JSON document, checked against the schema of the members read; packages become components. */
export function parseSpdx(doc: Record<string, unknown>, source: string): ParsedSbom {
  if (doc.spdxVersion !== 'SPDX-2.3') {
    throw new SbomError(
      'ERR_SBOM_SPEC_VERSION',
      { source, field: 'spdxVersion' },
      `${JSON.stringify(doc.spdxVersion)} is not supported; SPDX-2.3 is`,
    );
  }
  if (Array.isArray(doc.packages) && doc.packages.length > SBOM_LIMITS.maxComponents) {
    throw new SbomError('ERR_SBOM_TOO_MANY_COMPONENTS', { source, field: 'packages' }, `more than ${SBOM_LIMITS.maxComponents} packages`);
  }
  if (!checkDocument.Check(doc)) {
    const first = checkDocument.Errors(doc)[0];
    const field = first?.instancePath || '/';
    const entry = /^\/packages\/(\d+)/.exec(field)?.[1];
    throw new SbomError(
      'ERR_SBOM_SCHEMA',
      { source, ...(entry !== undefined ? { entry: `package ${entry}` } : {}), field },
      `SPDX 2.3: ${first?.message ?? 'invalid'}`,
    );
  }
  const packages = doc.packages ?? [];
  const described = describedId(doc);
  const subject = packages.find((p) => p.SPDXID === described);
  return {
    format: 'spdx',
    specVersion: '2.3',
    serial: doc.documentNamespace,
    ...(subject ? { subject: { name: subject.name, ...(subject.versionInfo ? { version: subject.versionInfo } : {}) } } : {}),
    components: packages.map((p, i) => toComponent(p, i, source)),
  };
}

// SPDX 2.3 §6.x documentDescribes and §11 DESCRIBES relationships of the document: the subject is
// the one package among the described elements (files and snippets may be described as well).
function describedId(doc: SpdxDocument): string | undefined {
  const described = new Set(doc.documentDescribes ?? []);
  for (const r of doc.relationships ?? []) {
    if (r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES') described.add(r.relatedSpdxElement);
  }
  const packages = (doc.packages ?? []).filter((p) => described.has(p.SPDXID));
  return packages.length === 1 ? packages[0]?.SPDXID : undefined;
}

function toComponent(p: SpdxPackage, index: number, source: string): SbomComponent {
  const purlRef = p.externalRefs?.find((r) => PACKAGE_MANAGER.has(r.referenceCategory) && r.referenceType === 'purl');
  const licenses = [p.licenseConcluded, p.licenseDeclared].filter(
    (l, i, all): l is string => l !== undefined && l !== 'NOASSERTION' && l !== 'NONE' && all.indexOf(l) === i,
  );
  const supplier = supplierName(p.supplier);
  return {
    ref: p.SPDXID,
    name: p.name,
    ...(p.versionInfo !== undefined ? { version: p.versionInfo } : {}),
    ...(purlRef ? { purl: canonicalPurl(purlRef.referenceLocator, source, `package ${index}`, 'externalRefs') } : {}),
    ...(supplier !== undefined ? { supplier } : {}),
    ...(licenses.length > 0 ? { licenses } : {}),
  };
}

// SPDX 2.3 §7.5: "Person: name (email)", "Organization: name (email)" or NOASSERTION.
function supplierName(supplier: string | undefined): string | undefined {
  if (supplier === undefined || supplier === 'NOASSERTION') return undefined;
  return supplier.replace(/^(Person|Organization|Tool):\s*/, '');
}
