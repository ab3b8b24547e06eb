import type { DeviceRecord, DeviceRepository, DeviceState } from '../device-repository.ts';
import { ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { date, decodeCursor, guidBytes, guidHex, optionalDate, paged, pageLimit } from './rows.ts';

interface Row {
  guid: string;
  state: string;
  replacement_guid: string | null;
  created_at: number | string;
  updated_at: number | string;
  onboarded_at: number | string | null;
  mud_url: string | null;
  sbom_url: string | null;
  onboard_address: string | null;
}

function record(r: Row): DeviceRecord {
  const onboardedAt = optionalDate(r.onboarded_at);
  return {
    guid: guidBytes(r.guid),
    state: r.state as DeviceState,
    ...(r.replacement_guid === null ? {} : { replacementGuid: guidBytes(r.replacement_guid) }),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    ...(onboardedAt === undefined ? {} : { onboardedAt }),
    ...(r.mud_url === null ? {} : { mudUrl: r.mud_url }),
    ...(r.sbom_url === null ? {} : { sbomUrl: r.sbom_url }),
    ...(r.onboard_address === null ? {} : { onboardAddress: r.onboard_address }),
  };
}

export function sqlDeviceRepository({ db, clock }: SqlContext): DeviceRepository {
  const get = async (guid: Uint8Array) => {
    const row = await db.selectFrom('devices').selectAll().where('guid', '=', guidHex(guid)).executeTakeFirst();
    return row === undefined ? undefined : record(row);
  };
  return {
    async upsert({ guid, state }) {
      const now = clock().getTime();
      await db
        .insertInto('devices')
        .values({ guid: guidHex(guid), state, replacement_guid: null, created_at: now, updated_at: now, onboarded_at: null })
        .onConflict((oc) => oc.column('guid').doUpdateSet({ state, updated_at: now }))
        .execute();
      return (await get(guid)) as DeviceRecord;
    },
    get,
    async getByReplacementGuid(replacementGuid) {
      const row = await db
        .selectFrom('devices')
        .selectAll()
        .where('replacement_guid', '=', guidHex(replacementGuid))
        .orderBy('updated_at', 'desc')
        .executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async markOnboarded(guid, replacementGuid, info = {}) {
      const now = clock().getTime();
      const r = await db
        .updateTable('devices')
        .set({
          state: 'onboarded',
          replacement_guid: guidHex(replacementGuid),
          updated_at: now,
          onboarded_at: now,
          mud_url: info.mudUrl ?? null,
          sbom_url: info.sbomUrl ?? null,
          onboard_address: info.address ?? null,
        })
        .where('guid', '=', guidHex(guid))
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new StoreError(ERR_STORE_NOT_FOUND, `no device ${guidHex(guid)}`);
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('devices').selectAll();
      if (page?.state !== undefined) q = q.where('state', '=', page.state);
      if (after !== undefined) q = q.where('guid', '>', after);
      const rows = await q
        .orderBy('guid')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.guid);
    },
  };
}
