import { ERR_STORE_CONFLICT, ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import type { VoucherRecord, VoucherRepository, VoucherSide, VoucherState } from '../voucher-repository.ts';
import type { SqlContext } from './context.ts';
import { changedRows } from './prepared-queries.ts';
import { bytes, date, decodeCursor, guidBytes, guidHex, optionalDate, paged, pageLimit } from './rows.ts';
import { voucherDeviceInfo } from './voucher-device-info.ts';
import { SELECT_VOUCHER, UPDATE_VOUCHER_REGISTERED_UNTIL, UPDATE_VOUCHER_STATE_FROM, UPSERT_VOUCHER } from './voucher-queries.ts';

interface Row {
  side: string;
  guid: string;
  voucher: Uint8Array;
  state: string;
  created_at: number | string;
  updated_at: number | string;
  registered_until: number | string | null;
  di_authorised_by: string | null;
  device_info: string | null;
}

function record(r: Row): VoucherRecord {
  const registeredUntil = optionalDate(r.registered_until);
  return {
    side: r.side as VoucherSide,
    guid: guidBytes(r.guid),
    voucher: bytes(r.voucher),
    state: r.state as VoucherState,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    ...(registeredUntil === undefined ? {} : { registeredUntil }),
    ...(r.di_authorised_by === null ? {} : { diAuthorisedBy: r.di_authorised_by }),
    ...(r.device_info === null ? {} : { deviceInfo: r.device_info }),
  };
}

export function sqlVoucherRepository({ db, clock, prepared }: SqlContext): VoucherRepository {
  const get = async (side: VoucherSide, guid: Uint8Array) => {
    const row = (await prepared.run(db, SELECT_VOUCHER, { side, guid: guidHex(guid) })).rows[0];
    return row === undefined ? undefined : record(row);
  };
  /** Rows moved to `state` from the one state expected (precompiled). */
  const setStateFrom = async (side: VoucherSide, guid: Uint8Array, state: VoucherState, expected: VoucherState) =>
    changedRows(await prepared.run(db, UPDATE_VOUCHER_STATE_FROM, { side, guid: guidHex(guid), state, now: clock().getTime(), expected }));
  /** Rows moved to `state` from any state, or from one of several. */
  const setStateIn = async (side: VoucherSide, guid: Uint8Array, state: VoucherState, expected?: readonly VoucherState[]) => {
    let q = db
      .updateTable('vouchers')
      .set({ state, updated_at: clock().getTime() })
      .where('side', '=', side)
      .where('guid', '=', guidHex(guid));
    if (expected !== undefined) q = q.where('state', 'in', [...expected]);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  };
  return {
    async put({ side, guid, voucher, state, diAuthorisedBy }) {
      const now = clock().getTime();
      const deviceInfo = voucherDeviceInfo(voucher);
      const params = { side, guid: guidHex(guid), voucher, state, now, diAuthorisedBy: diAuthorisedBy ?? null, deviceInfo };
      const row = (await prepared.run(db, UPSERT_VOUCHER, params)).rows[0];
      if (row === undefined) throw new Error('vouchers: an upsert returned no row');
      return record(row);
    },
    get,
    async setState(side, guid, state, expected) {
      if (expected !== undefined && expected.length === 0) throw new TypeError('setState: expected names no state');
      const [only] = expected?.length === 1 ? expected : [];
      const r = only !== undefined ? await setStateFrom(side, guid, state, only) : await setStateIn(side, guid, state, expected);
      if (r !== 0) return;
      const now = await get(side, guid);
      if (now === undefined) throw new StoreError(ERR_STORE_NOT_FOUND, `no ${side} voucher ${guidHex(guid)}`);
      throw new StoreError(ERR_STORE_CONFLICT, `${side} voucher ${guidHex(guid)} is ${now.state}, not ${expected?.join(' or ')}`);
    },
    async setRegisteredUntil(side, guid, until) {
      const params = { side, guid: guidHex(guid), until: until.getTime(), now: clock().getTime() };
      if (changedRows(await prepared.run(db, UPDATE_VOUCHER_REGISTERED_UNTIL, params)) === 0)
        throw new StoreError(ERR_STORE_NOT_FOUND, `no ${side} voucher ${guidHex(guid)}`);
    },
    async list(side, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('vouchers').selectAll().where('side', '=', side);
      if (page?.state !== undefined) q = q.where('state', '=', page.state);
      if (page?.registeredBefore !== undefined) q = q.where('registered_until', '<', page.registeredBefore.getTime());
      if (after !== undefined) q = q.where('guid', '>', after);
      const rows = await q
        .orderBy('guid')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.guid);
    },
    async listDeviceVouchers(deviceInfo, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db
        .selectFrom('vouchers as v')
        .selectAll('v')
        .where('v.device_info', deviceInfo === null ? 'is' : '=', deviceInfo)
        .where((eb) => eb.exists(eb.selectFrom('devices as d').select('d.guid').whereRef('d.guid', '=', 'v.guid')))
        .where((eb) =>
          eb.or([
            eb('v.side', '=', 'manufacturer'),
            eb.not(
              eb.exists(
                eb.selectFrom('vouchers as m').select('m.guid').where('m.side', '=', 'manufacturer').whereRef('m.guid', '=', 'v.guid'),
              ),
            ),
          ]),
        );
      if (after !== undefined) q = q.where('v.guid', '>', after);
      const rows = await q
        .orderBy('v.guid')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.guid);
    },
  };
}
