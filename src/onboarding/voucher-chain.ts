/**
 * A device's chain of ownership as its voucher records it: the manufacturer's key (the header's
 * public key) and then each entry's owner key, in the order the transfers were signed, ending at
 * the current owner. It reads the voucher this server keeps (the owner's copy, else the
 * manufacturer's) and checks nothing: verification is verifyVoucher's.
 */
import { inspectVoucher, type KeySummary } from '../fdo/voucher/voucher-inspect.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import type { VoucherRepository, VoucherSide, VoucherState } from '../store/voucher-repository.ts';

export interface VoucherChainLink {
  /** `manufacturer` for the header's key, `owner` for an entry's key. */
  role: 'manufacturer' | 'owner';
  /** The entry's index; absent for the manufacturer. */
  entry?: number;
  /** The key's type (SECP256R1, …), as FDO 1.1 §3.3.4 names it. */
  keyType: string;
  /** SHA-256 of the key's DER SubjectPublicKeyInfo, hex; null when the key does not decode. */
  fingerprint: string | null;
  /** True for the last link: the key that owns the device now. */
  current: boolean;
}

export interface VoucherChain {
  /** Which copy was read. */
  side: VoucherSide;
  state: VoucherState;
  /** The DeviceInfo DI wrote into the header. */
  deviceInfo: string;
  links: VoucherChainLink[];
}

const link = (role: VoucherChainLink['role'], key: KeySummary, entry?: number): VoucherChainLink => ({
  role,
  ...(entry === undefined ? {} : { entry }),
  keyType: key.type,
  fingerprint: key.fingerprint,
  current: false,
});

/** The chain of the voucher kept for `guid`; undefined when this server keeps none. Unreadable bytes throw the voucher's error. */
export async function voucherChain(vouchers: Pick<VoucherRepository, 'get'>, guid: Uint8Array): Promise<VoucherChain | undefined> {
  const record = (await vouchers.get('owner', guid)) ?? (await vouchers.get('manufacturer', guid));
  if (record === undefined) return undefined;
  const summary = inspectVoucher(parseVoucher(record.voucher));
  const links = [link('manufacturer', summary.manufacturerKey), ...summary.entries.map((e) => link('owner', e.ownerKey, e.index))];
  const last = links.at(-1);
  if (last !== undefined) last.current = true;
  return { side: record.side, state: record.state, deviceInfo: summary.deviceInfo, links };
}
