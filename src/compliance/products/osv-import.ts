/**
 * Imports OSV records from one file: one record, or a JSON array of records. Every record is
 * parsed before anything is written, and all are written in one transaction with their audit
 * records, so a bad entry imports nothing of its file. A stored record whose `modified` is newer
 * than the imported one is kept (OSV schema: `modified` orders versions of a record).
 */
import type { OsvRecord } from '../vulns/vuln-types.ts';
import { packageKey } from './candidate-names.ts';
import { MAX_OSV_RECORDS_PER_FILE, type ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';
import { checkImportSize } from './read-limit.ts';

export interface OsvImportResult {
  source: string;
  imported: { id: string; modified: string; replaced: boolean }[];
  /** Records not written because the stored one was modified later. */
  kept: { id: string; modified: string; storedModified: string }[];
}

const encoder = new TextEncoder();

function entries(bytes: Uint8Array, source: string): { bytes: Uint8Array; source: string }[] {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64)).trimStart();
  if (!text.startsWith('[')) return [{ bytes, source }];
  let list: unknown;
  try {
    list = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ProductError('ERR_PRODUCT_IMPORT', `${source}: not a JSON array of OSV records (${(e as Error).message})`, { cause: e });
  }
  if (!Array.isArray(list)) throw new ProductError('ERR_PRODUCT_IMPORT', `${source}: not a JSON array of OSV records`);
  if (list.length > MAX_OSV_RECORDS_PER_FILE)
    throw new ProductError(
      'ERR_PRODUCT_IMPORT',
      `${source}: ${list.length} records, more than the ${MAX_OSV_RECORDS_PER_FILE} one file may carry`,
    );
  return list.map((x, i) => ({ bytes: encoder.encode(JSON.stringify(x)), source: `${source}[${i}]` }));
}

const packagesOf = (r: OsvRecord) =>
  r.affected.flatMap((a) => (a.package === undefined ? [] : [{ ecosystem: a.package.ecosystem, name: packageKey(a.package.name) }]));

export async function importOsv(d: ProductDeps, bytes: Uint8Array, source: string, actor: string): Promise<OsvImportResult> {
  checkImportSize(d, bytes, source);
  const records = entries(bytes, source).map((e) => ({ record: d.parsers.parseOsvRecord(e.bytes, e.source), source: e.source }));
  const ids = new Set<string>();
  for (const { record, source: where } of records) {
    if (ids.has(record.id)) throw new ProductError('ERR_PRODUCT_IMPORT', `${where}: id: ${record.id} appears twice in the file`);
    ids.add(record.id);
  }
  return d.store.transaction(async (r) => {
    const out: OsvImportResult = { source, imported: [], kept: [] };
    for (const { record } of records) {
      const stored = await r.vulnerabilities.getOsv(record.id);
      if (stored !== undefined && Date.parse(stored.modified) > Date.parse(record.modified)) {
        out.kept.push({ id: record.id, modified: record.modified, storedModified: stored.modified });
        continue;
      }
      await r.vulnerabilities.putOsv({
        id: record.id,
        modified: record.modified,
        ...(record.published === undefined ? {} : { published: record.published }),
        ...(record.withdrawn === undefined ? {} : { withdrawn: record.withdrawn }),
        document: record as unknown as Record<string, unknown>,
        packages: packagesOf(record),
        source,
        importedBy: actor,
      });
      out.imported.push({ id: record.id, modified: record.modified, replaced: stored !== undefined });
    }
    await r.audit.append({
      actor,
      action: 'vulnerability.imported',
      subject: `osv:${source}`,
      details: { imported: out.imported, kept: out.kept },
    });
    return out;
  });
}
