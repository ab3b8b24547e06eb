import { type Selectable, sql } from 'kysely';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { PayloadLocation, PayloadRecord, PayloadRepository } from '../payload-repository.ts';
import type { PayloadsTable } from '../schema.ts';
import type { SqlContext } from './context.ts';
import { affected, bytes, date, decodeCursor, paged, pageLimit } from './rows.ts';

type Row = Selectable<PayloadsTable>;

const record = (r: Row, withChunks: boolean): PayloadRecord => ({
  digest: r.digest,
  size: Number(r.size),
  mediaType: r.media_type,
  location: r.location as PayloadLocation,
  blobId: r.blob_id,
  chunkSize: Number(r.chunk_size),
  chunkDigests: withChunks ? bytes(r.chunk_digests) : new Uint8Array(0),
  createdAt: date(r.created_at),
});

export function sqlPayloadRepository({ db, clock }: SqlContext): PayloadRepository {
  const get = async (digest: string) => {
    const row = await db.selectFrom('payloads').selectAll().where('digest', '=', digest).executeTakeFirst();
    return row === undefined ? undefined : record(row, true);
  };
  return {
    get,
    async putChunk(blobId, index, chunk) {
      await db.insertInto('payload_chunks').values({ blob_id: blobId, n: index, bytes: chunk, written_at: clock().getTime() }).execute();
    },
    async getChunk(blobId, index) {
      const row = await db
        .selectFrom('payload_chunks')
        .select('bytes')
        .where('blob_id', '=', blobId)
        .where('n', '=', index)
        .executeTakeFirst();
      return row === undefined ? undefined : bytes(row.bytes);
    },
    async deleteChunks(blobId) {
      return affected(await db.deleteFrom('payload_chunks').where('blob_id', '=', blobId).executeTakeFirst());
    },
    async chunkBlobsBefore(before, limit) {
      const rows = await db
        .selectFrom('payload_chunks')
        .select('blob_id')
        .groupBy('blob_id')
        .having(sql<number>`coalesce(max(written_at), 0)`, '<', before.getTime())
        .orderBy('blob_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.blob_id);
    },
    async blobIdsInUse(blobIds) {
      if (blobIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('payloads')
        .select('blob_id')
        .where('blob_id', 'in', [...blobIds])
        .execute();
      return new Set(rows.map((r) => r.blob_id));
    },
    async delete(digest) {
      const p = await get(digest);
      if (p === undefined) return undefined;
      const r = await db.deleteFrom('payloads').where('digest', '=', digest).executeTakeFirst();
      return affected(r) === 0 ? undefined : p;
    },
    async create(p) {
      const now = clock().getTime();
      const r = await db
        .insertInto('payloads')
        .values({
          digest: p.digest,
          size: p.size,
          media_type: p.mediaType,
          location: p.location,
          blob_id: p.blobId,
          chunk_size: p.chunkSize,
          chunk_digests: p.chunkDigests,
          created_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `a payload with digest ${p.digest} exists`);
      return { ...p, createdAt: new Date(now) };
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db
        .selectFrom('payloads')
        .select(['digest', 'size', 'media_type', 'location', 'blob_id', 'chunk_size', 'created_at'])
        .orderBy('digest')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('digest', '>', after);
      const rows = await q.execute();
      return paged(
        rows,
        limit,
        (r) => record({ ...r, chunk_digests: new Uint8Array(0) }, false),
        (r) => r.digest,
      );
    },
  };
}
