import { createHash, randomUUID } from 'node:crypto';
import type { SbomDocumentInfo, SbomRepository, StoredSbomComponent } from '../sbom-repository.ts';
import type { SqlContext } from './context.ts';
import { bytes, date } from './rows.ts';

const INFO_COLUMNS = [
  'id',
  'model',
  'version',
  'format',
  'spec_version',
  'serial',
  'source',
  'digest',
  'size',
  'imported_by',
  'imported_at',
] as const;

interface InfoRow {
  id: string;
  model: string;
  version: string;
  format: string;
  spec_version: string;
  serial: string | null;
  source: string;
  digest: string;
  size: number | string;
  imported_by: string;
  imported_at: number | string;
}

const info = (r: InfoRow, componentCount: number): SbomDocumentInfo => ({
  id: r.id,
  model: r.model,
  version: r.version,
  format: r.format,
  specVersion: r.spec_version,
  ...(r.serial === null ? {} : { serial: r.serial }),
  source: r.source,
  digest: r.digest,
  size: Number(r.size),
  componentCount,
  importedBy: r.imported_by,
  importedAt: date(r.imported_at),
});

interface ComponentRow {
  ref: string;
  name: string;
  version: string | null;
  purl: string | null;
  supplier: string | null;
  licenses: string | null;
}

const component = (r: ComponentRow): StoredSbomComponent => ({
  ref: r.ref,
  name: r.name,
  ...(r.version === null ? {} : { version: r.version }),
  ...(r.purl === null ? {} : { purl: r.purl }),
  ...(r.supplier === null ? {} : { supplier: r.supplier }),
  ...(r.licenses === null ? {} : { licenses: JSON.parse(r.licenses) as string[] }),
});

/** Rows per insert statement: PostgreSQL takes at most 65535 parameters in one. */
const COMPONENT_BATCH = 500;

export function sqlSbomRepository({ db, clock }: SqlContext): SbomRepository {
  const countOf = async (id: string) => {
    const r = await db
      .selectFrom('sbom_components')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('sbom_id', '=', id)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  };
  const infoOf = async (model: string, version: string) => {
    const row = await db
      .selectFrom('sbom_documents')
      .select(INFO_COLUMNS)
      .where('model', '=', model)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? undefined : info(row, await countOf(row.id));
  };
  return {
    async put(s) {
      const replaced = await infoOf(s.model, s.version);
      if (replaced !== undefined) {
        await db.deleteFrom('sbom_components').where('sbom_id', '=', replaced.id).execute();
        await db.deleteFrom('sbom_documents').where('id', '=', replaced.id).execute();
      }
      const id = randomUUID();
      await db
        .insertInto('sbom_documents')
        .values({
          id,
          model: s.model,
          version: s.version,
          format: s.format,
          spec_version: s.specVersion,
          serial: s.serial ?? null,
          source: s.source,
          digest: createHash('sha256').update(s.bytes).digest('hex'),
          size: s.bytes.length,
          bytes: s.bytes,
          imported_by: s.importedBy,
          imported_at: clock().getTime(),
        })
        .execute();
      for (let i = 0; i < s.components.length; i += COMPONENT_BATCH) {
        const rows = s.components.slice(i, i + COMPONENT_BATCH).map((c, k) => ({
          sbom_id: id,
          n: i + k,
          ref: c.ref,
          name: c.name,
          version: c.version ?? null,
          purl: c.purl ?? null,
          supplier: c.supplier ?? null,
          licenses: c.licenses === undefined ? null : JSON.stringify(c.licenses),
        }));
        await db.insertInto('sbom_components').values(rows).execute();
      }
      const stored = await infoOf(s.model, s.version);
      if (stored === undefined) throw new Error('the SBOM row vanished');
      return replaced === undefined ? { stored } : { stored, replaced };
    },
    info: infoOf,
    async bytes(model, version) {
      const row = await db
        .selectFrom('sbom_documents')
        .selectAll()
        .where('model', '=', model)
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? undefined : { info: info(row, await countOf(row.id)), bytes: bytes(row.bytes) };
    },
    async components(model, version) {
      const rows = await db
        .selectFrom('sbom_components')
        .innerJoin('sbom_documents', 'sbom_documents.id', 'sbom_components.sbom_id')
        .select([
          'sbom_components.ref',
          'sbom_components.name',
          'sbom_components.version',
          'sbom_components.purl',
          'sbom_components.supplier',
          'sbom_components.licenses',
        ])
        .where('sbom_documents.model', '=', model)
        .where('sbom_documents.version', '=', version)
        .orderBy('sbom_components.n')
        .execute();
      return rows.map(component);
    },
    async ofModel(model) {
      const rows = await db.selectFrom('sbom_documents').select(INFO_COLUMNS).where('model', '=', model).orderBy('version').execute();
      return Promise.all(rows.map(async (r) => info(r, await countOf(r.id))));
    },
  };
}
