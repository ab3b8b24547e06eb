/**
 * Imports the statements of one VEX document (OpenVEX or CycloneDX VEX, as the parser reads them)
 * in one transaction, each with an audit record naming who imported it, when, from which document,
 * its author and what it says. Statements are kept in import order; the latest about a pair wins.
 */
import type { VexStatement } from '../vulns/vuln-types.ts';
import type { ProductDeps } from './context.ts';
import { checkImportSize } from './read-limit.ts';

export interface VexImportResult {
  source: string;
  statements: number;
}

export async function importVex(d: ProductDeps, bytes: Uint8Array, source: string, actor: string): Promise<VexImportResult> {
  checkImportSize(d, bytes, source);
  const statements: VexStatement[] = d.parsers.parseVex(bytes, source);
  await d.store.transaction(async (r) => {
    await r.vulnerabilities.addVex(
      statements.map((s) => ({
        vulnerability: s.vulnerability,
        statement: s as unknown as Record<string, unknown>,
        document: s.source.document,
        ...(s.source.author === undefined ? {} : { author: s.source.author }),
        importedBy: actor,
      })),
    );
    for (const s of statements)
      await r.audit.append({
        actor,
        action: 'vex.imported',
        subject: `vulnerability:${s.vulnerability}`,
        details: {
          source,
          document: s.source.document,
          author: s.source.author ?? null,
          products: s.products,
          status: s.status,
          justification: s.justification ?? null,
        },
      });
  });
  return { source, statements: statements.length };
}
