/** The voucher repository's hot queries, precompiled (prepared-query.ts). */
import { preparedQuery } from './prepared-query.ts';

export const SELECT_VOUCHER = preparedQuery((db, p: { side: string; guid: string }) =>
  db.selectFrom('vouchers').selectAll().where('side', '=', p.side).where('guid', '=', p.guid),
);

/** New voucher bytes (a resale, a replacement) are not registered yet, whatever the old ones were. */
export const UPSERT_VOUCHER = preparedQuery(
  (
    db,
    p: {
      side: string;
      guid: string;
      voucher: Uint8Array;
      state: string;
      now: number;
      diAuthorisedBy: string | null;
      deviceInfo: string | null;
    },
  ) =>
    db
      .insertInto('vouchers')
      .values({
        side: p.side,
        guid: p.guid,
        voucher: p.voucher,
        state: p.state,
        created_at: p.now,
        updated_at: p.now,
        registered_until: null,
        di_authorised_by: p.diAuthorisedBy,
        device_info: p.deviceInfo,
      })
      .onConflict((oc) =>
        oc.columns(['side', 'guid']).doUpdateSet({
          voucher: p.voucher,
          state: p.state,
          updated_at: p.now,
          registered_until: null,
          di_authorised_by: p.diAuthorisedBy,
          device_info: p.deviceInfo,
        }),
      )
      // The row as written comes back with the write (RETURNING): no read of it afterwards.
      .returningAll(),
);

/** A voucher moved on from the one state it was expected in (the transition table gives one). */
export const UPDATE_VOUCHER_STATE_FROM = preparedQuery(
  (db, p: { side: string; guid: string; state: string; now: number; expected: string }) =>
    db
      .updateTable('vouchers')
      .set({ state: p.state, updated_at: p.now })
      .where('side', '=', p.side)
      .where('guid', '=', p.guid)
      .where('state', 'in', [p.expected]),
);

export const UPDATE_VOUCHER_REGISTERED_UNTIL = preparedQuery((db, p: { side: string; guid: string; until: number; now: number }) =>
  db.updateTable('vouchers').set({ registered_until: p.until, updated_at: p.now }).where('side', '=', p.side).where('guid', '=', p.guid),
);
