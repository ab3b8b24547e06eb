import type { Kysely, Migration } from 'kysely';
import type { Database } from '../schema.ts';
import { voucherDeviceInfo } from '../sql/voucher-device-info.ts';

/** Vouchers read per step of the backfill: their bytes are held in memory together. */
const BATCH = 500;

/**
 * Each voucher's header DeviceInfo in a column of its own, indexed with the GUID, so that the
 * devices of a product model are selected by the index a page at a time. Vouchers stored before
 * are read here, in GUID order a batch at a time; those that are not vouchers stay null.
 */
export function voucherDeviceInfoColumn(): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      await untyped.schema.alterTable('vouchers').addColumn('device_info', 'text').execute();
      await untyped.schema.createIndex('vouchers_by_device_info').on('vouchers').columns(['device_info', 'guid']).execute();
      const db = untyped as unknown as Kysely<Database>;
      for (const side of ['manufacturer', 'owner']) await backfill(db, side);
    },
  };
}

async function backfill(db: Kysely<Database>, side: string): Promise<void> {
  let after: string | undefined;
  for (;;) {
    let q = db.selectFrom('vouchers').select(['guid', 'voucher']).where('side', '=', side);
    if (after !== undefined) q = q.where('guid', '>', after);
    const rows = await q.orderBy('guid').limit(BATCH).execute();
    for (const r of rows) {
      const deviceInfo = voucherDeviceInfo(new Uint8Array(r.voucher));
      if (deviceInfo !== null)
        await db.updateTable('vouchers').set({ device_info: deviceInfo }).where('side', '=', side).where('guid', '=', r.guid).execute();
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]?.guid;
  }
}
