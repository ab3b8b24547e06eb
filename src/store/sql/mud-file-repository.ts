import { createHash } from 'node:crypto';
import { checkMudFileInput, isMudFileName, type MudFileInfo, type MudFileRecord, type MudFileRepository } from '../mud-file-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, bytes, date, decodeCursor, paged, pageLimit } from './rows.ts';

const INFO_COLUMNS = [
  'name',
  'content_digest',
  'signature_digest',
  'content_bytes',
  'signature_bytes',
  'cache_validity',
  'mud_url',
  'signer',
  'published_at',
  'updated_at',
] as const;

interface InfoRow {
  name: string;
  content_digest: string;
  signature_digest: string;
  content_bytes: number | string;
  signature_bytes: number | string;
  cache_validity: number | string;
  mud_url: string;
  signer: string;
  published_at: number | string;
  updated_at: number | string;
}

const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');

const info = (r: InfoRow): MudFileInfo => ({
  name: r.name,
  contentDigest: r.content_digest,
  signatureDigest: r.signature_digest,
  contentBytes: Number(r.content_bytes),
  signatureBytes: Number(r.signature_bytes),
  cacheValidity: Number(r.cache_validity),
  mudUrl: r.mud_url,
  signer: r.signer,
  publishedAt: date(r.published_at),
  updatedAt: date(r.updated_at),
});

export function sqlMudFileRepository({ db, clock }: SqlContext): MudFileRepository {
  return {
    async put(file) {
      checkMudFileInput(file);
      const now = clock().getTime();
      const changed = {
        content: file.content,
        signature: file.signature,
        content_digest: digest(file.content),
        signature_digest: digest(file.signature),
        content_bytes: file.content.length,
        signature_bytes: file.signature.length,
        cache_validity: file.cacheValidity,
        mud_url: file.mudUrl,
        signer: file.signer,
        updated_at: now,
      };
      // A replacement keeps the first publication time.
      const row = await db
        .insertInto('mud_files')
        .values({ name: file.name, ...changed, published_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet(changed))
        .returning(INFO_COLUMNS)
        .executeTakeFirstOrThrow();
      return info(row);
    },
    async get(name) {
      if (!isMudFileName(name)) return undefined;
      const row = await db.selectFrom('mud_files').selectAll().where('name', '=', name).executeTakeFirst();
      if (row === undefined) return undefined;
      const record: MudFileRecord = { ...info(row), content: bytes(row.content), signature: bytes(row.signature) };
      return record;
    },
    async delete(name) {
      if (!isMudFileName(name)) return false;
      return affected(await db.deleteFrom('mud_files').where('name', '=', name).executeTakeFirst()) > 0;
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('mud_files').select(INFO_COLUMNS);
      if (after !== undefined) q = q.where('name', '>', after);
      const rows = await q
        .orderBy('name')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, info, (r) => r.name);
    },
  };
}
