import { createHash } from 'node:crypto';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { ReleaseComponent, ReleaseInfo, ReleaseOrigin, ReleaseRepository, ReleaseState } from '../release-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, bytes, date, decodeCursor, paged, pageLimit } from './rows.ts';

const INFO_COLUMNS = [
  'id',
  'model',
  'version',
  'sequence_number',
  'components',
  'envelope_digest',
  'envelope_size',
  'sbom_ref',
  'vendor_domain',
  'state',
  'origin',
  'created_at',
  'updated_at',
] as const;

interface InfoRow {
  id: string;
  model: string;
  version: string;
  sequence_number: number | string;
  components: string;
  envelope_digest: string;
  envelope_size: number | string;
  sbom_ref: string | null;
  vendor_domain: string | null;
  state: string;
  origin: string;
  created_at: number | string;
  updated_at: number | string;
}

const info = (r: InfoRow): ReleaseInfo => ({
  id: r.id,
  model: r.model,
  version: r.version,
  sequenceNumber: Number(r.sequence_number),
  components: JSON.parse(r.components) as ReleaseComponent[],
  ...(r.sbom_ref === null ? {} : { sbomRef: r.sbom_ref }),
  ...(r.vendor_domain === null ? {} : { vendorDomain: r.vendor_domain }),
  state: r.state as ReleaseState,
  origin: r.origin as ReleaseOrigin,
  envelopeDigest: r.envelope_digest,
  envelopeSize: Number(r.envelope_size),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export function sqlReleaseRepository({ db, clock }: SqlContext): ReleaseRepository {
  const infoOf = async (id: string) => {
    const row = await db.selectFrom('releases').select(INFO_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : info(row);
  };
  return {
    async create(r) {
      if (!Number.isSafeInteger(r.sequenceNumber) || r.sequenceNumber < 0)
        throw new TypeError('a sequence number is a safe unsigned integer');
      const now = clock().getTime();
      const res = await db
        .insertInto('releases')
        .values({
          id: r.id,
          model: r.model,
          version: r.version,
          sequence_number: r.sequenceNumber,
          components: JSON.stringify(r.components),
          envelope: r.envelope,
          envelope_digest: createHash('sha256').update(r.envelope).digest('hex'),
          envelope_size: r.envelope.length,
          sbom_ref: r.sbomRef ?? null,
          vendor_domain: r.vendorDomain ?? null,
          state: r.state,
          origin: r.origin,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(res) === 0)
        throw new StoreError(ERR_STORE_DUPLICATE, `a release ${r.id}, or of model ${r.model} with this version or sequence number, exists`);
      const stored = await infoOf(r.id);
      if (stored === undefined) throw new Error('the release row vanished');
      return stored;
    },
    async get(id) {
      const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : { ...info(row), envelope: bytes(row.envelope) };
    },
    async getByVersion(model, version) {
      const row = await db
        .selectFrom('releases')
        .select(INFO_COLUMNS)
        .where('model', '=', model)
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? undefined : info(row);
    },
    async list(request) {
      const limit = pageLimit(request);
      const after = decodeCursor(request?.after);
      let q = db
        .selectFrom('releases')
        .select(INFO_COLUMNS)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', after);
      if (request?.model !== undefined) q = q.where('model', '=', request.model);
      if (request?.state !== undefined) q = q.where('state', '=', request.state);
      return paged(await q.execute(), limit, info, (r) => r.id);
    },
    async latestSequence(model) {
      const row = await db
        .selectFrom('releases')
        .select('sequence_number')
        .where('model', '=', model)
        .orderBy('sequence_number', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.sequence_number);
    },
    async namingPayload(digest, limit) {
      if (!/^[0-9a-f]{64}$/.test(digest)) return [];
      // The components are JSON; the digest (hex, so nothing LIKE treats specially) narrows the rows, parsing decides.
      const rows = await db
        .selectFrom('releases')
        .select(['id', 'components'])
        .where('components', 'like', `%"digest":"${digest}"%`)
        .orderBy('id')
        .execute();
      return rows
        .filter((r) => (JSON.parse(r.components) as ReleaseComponent[]).some((c) => c.digest === digest))
        .slice(0, limit)
        .map((r) => r.id);
    },
    async setState(id, state) {
      const r = await db.updateTable('releases').set({ state, updated_at: clock().getTime() }).where('id', '=', id).executeTakeFirst();
      return affected(r) === 0 ? undefined : infoOf(id);
    },
  };
}
