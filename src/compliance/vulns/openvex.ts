import { Compile } from 'typebox/compile';
import { VulnError } from './errors.ts';
import { vexProductId } from './vex-product.ts';
import { OpenVexDocument, type OpenVexStatement } from './vex-schema.ts';
import type { VexStatement } from './vuln-types.ts';

const checkDocument = Compile(OpenVexDocument);

/** An OpenVEX v0.2.0 document's statements. */
export function parseOpenVex(doc: unknown, source: string): VexStatement[] {
  if (!checkDocument.Check(doc)) {
    const first = checkDocument.Errors(doc)[0];
    const field = first?.instancePath || '/';
    const index = /^\/statements\/(\d+)/.exec(field)?.[1];
    throw new VulnError(
      'ERR_VEX_SCHEMA',
      { source, ...(index !== undefined ? { entry: `statement ${index}` } : {}), field },
      `OpenVEX v0.2.0: ${first?.message ?? 'invalid'}`,
    );
  }
  return doc.statements.map((s, i) => toStatement(s, i, doc, source));
}

function toStatement(s: OpenVexStatement, index: number, doc: OpenVexDocument, source: string): VexStatement {
  // OpenVEX v0.2.0: not_affected "MUST" carry a justification or an impact statement.
  if (s.status === 'not_affected' && s.justification === undefined && s.impact_statement === undefined) {
    throw new VulnError(
      'ERR_VEX_JUSTIFICATION',
      { source, entry: `statement ${index} (${s.vulnerability.name})`, field: 'justification' },
      'not_affected without a justification or impact_statement',
    );
  }
  return {
    vulnerability: s.vulnerability.name,
    products: productIds(s),
    status: s.status,
    ...(s.justification !== undefined ? { justification: s.justification } : {}),
    ...(s.impact_statement !== undefined ? { impactStatement: s.impact_statement } : {}),
    ...(s.action_statement !== undefined ? { actionStatement: s.action_statement } : {}),
    source: {
      document: doc['@id'],
      author: doc.author,
      ...(s.timestamp !== undefined || doc.timestamp !== undefined ? { timestamp: s.timestamp ?? doc.timestamp } : {}),
    },
  };
}

// A product and its subcomponents all count: the SBOM being matched may list either.
function productIds(s: OpenVexStatement): string[] {
  const ids = new Set<string>();
  for (const p of s.products) {
    for (const c of [p, ...(p.subcomponents ?? [])]) {
      if (c['@id'] !== undefined) ids.add(vexProductId(c['@id']));
      if (c.identifiers?.purl !== undefined) ids.add(vexProductId(c.identifiers.purl));
    }
  }
  return [...ids];
}
