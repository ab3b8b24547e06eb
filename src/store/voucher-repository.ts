import type { Page, PageRequest } from './page.ts';

/** Whose copy of a voucher: the manufacturer's (made at DI) or an owner's (imported or replaced). */
export type VoucherSide = 'manufacturer' | 'owner';

/**
 * Manufacturer states: `created` (DI done), `extended` (handed to an owner). Owner states:
 * `imported`, `registered` (TO0 done), `onboarded` (TO2 done), `replaced` (retired: TO2 gave a new
 * voucher the device took, or superseded one it never took), `resold` (extended to the next owner
 * and handed on; never offered in TO2 again).
 */
export type VoucherState = 'created' | 'extended' | 'imported' | 'registered' | 'onboarded' | 'replaced' | 'resold';

export interface VoucherRecord {
  side: VoucherSide;
  /** The device GUID, 16 bytes. */
  guid: Uint8Array;
  /** The voucher's CBOR encoding, as stored. */
  voucher: Uint8Array;
  state: VoucherState;
  createdAt: Date;
  updatedAt: Date;
  /** Owner side: when the last TO0 registration at the rendezvous runs out. */
  registeredUntil?: Date;
  /** Manufacturer side: how its DI was authorised (`factory`, `token:<id>`, `loopback`); absent when not recorded. */
  diAuthorisedBy?: string;
  /**
   * The header's DeviceInfo (FDO 1.1 §3.4.1, OVDeviceInfo), read from the bytes when they were
   * stored; absent when they are not a voucher FDO reads.
   */
  deviceInfo?: string;
}

export interface VoucherRepository {
  /** Stores the voucher, replacing the bytes, state and DI authorisation of an earlier one for the same side and GUID. */
  put(v: {
    side: VoucherSide;
    guid: Uint8Array;
    voucher: Uint8Array;
    state: VoucherState;
    diAuthorisedBy?: string;
  }): Promise<VoucherRecord>;
  get(side: VoucherSide, guid: Uint8Array): Promise<VoucherRecord | undefined>;
  /**
   * Throws ERR_STORE_NOT_FOUND when there is no such voucher. With `expected`, the update happens
   * only while the voucher is in one of those states (checked by the update itself, so two writers
   * cannot both win) and throws ERR_STORE_CONFLICT otherwise.
   */
  setState(side: VoucherSide, guid: Uint8Array, state: VoucherState, expected?: readonly VoucherState[]): Promise<void>;
  /** Records when the voucher's TO0 registration runs out. Throws ERR_STORE_NOT_FOUND when there is no such voucher. */
  setRegisteredUntil(side: VoucherSide, guid: Uint8Array, until: Date): Promise<void>;
  /**
   * In GUID order. `state` filters; `registeredBefore` keeps vouchers whose registration runs out
   * before that time (the ones to register again).
   */
  list(side: VoucherSide, page?: PageRequest & { state?: VoucherState; registeredBefore?: Date }): Promise<Page<VoucherRecord>>;
  /**
   * The voucher each device record's DeviceInfo is read from — the manufacturer's under the
   * record's GUID when there is one, else the owner's — where that DeviceInfo is `deviceInfo`
   * (null: the voucher's bytes could not be read), in GUID order. Vouchers of GUIDs without a
   * device record (such as those TO2 replaced) are not listed.
   */
  listDeviceVouchers(deviceInfo: string | null, page?: PageRequest): Promise<Page<VoucherRecord>>;
}
