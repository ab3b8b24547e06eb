/**
 * A device's chain of ownership as its voucher records it: the manufacturer's key (the header's
 * public key) and then each entry's owner key, in the order the transfers were signed, ending at
 * the current owner. It reads the voucher this server keeps under the device's original GUID
 * (the owner's copy, else the manufacturer's); when TO2 gave the device a new voucher (a new GUID
 * and, in its header, the owner's key), that voucher's key ends the chain, as one more link when
 * it is a key the chain did not end with. It checks nothing: verification is verifyVoucher's.
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
  /** The link comes from the voucher TO2 made (its header key), not from the original voucher. */
  replacement?: boolean;
}

export interface VoucherChain {
  /** Which copy was read. */
  side: VoucherSide;
  state: VoucherState;
  /** The DeviceInfo DI wrote into the header. */
  deviceInfo: string;
  links: VoucherChainLink[];
  /** The voucher TO2 made, when this server keeps it: its GUID and state. */
  replacement?: { guid: Uint8Array; state: VoucherState };
}

const link = (role: VoucherChainLink['role'], key: KeySummary, entry?: number): VoucherChainLink => ({
  role,
  ...(entry === undefined ? {} : { entry }),
  keyType: key.type,
  fingerprint: key.fingerprint,
  current: false,
});

/**
 * The chain of the voucher kept for `guid`, ended by the one TO2 made under `replacementGuid`;
 * undefined when this server keeps neither. Unreadable bytes throw the voucher's error.
 */
export async function voucherChain(
  vouchers: Pick<VoucherRepository, 'get'>,
  guid: Uint8Array,
  replacementGuid?: Uint8Array,
): Promise<VoucherChain | undefined> {
  const record = (await vouchers.get('owner', guid)) ?? (await vouchers.get('manufacturer', guid));
  const replaced = replacementGuid === undefined ? undefined : await vouchers.get('owner', replacementGuid);
  const base = record ?? replaced;
  if (base === undefined) return undefined;
  const summary = inspectVoucher(parseVoucher(base.voucher));
  const links = [link('manufacturer', summary.manufacturerKey), ...summary.entries.map((e) => link('owner', e.ownerKey, e.index))];
  if (record !== undefined && replaced !== undefined) {
    const key = inspectVoucher(parseVoucher(replaced.voucher)).manufacturerKey;
    if (key.fingerprint === null || key.fingerprint !== links.at(-1)?.fingerprint) links.push({ ...link('owner', key), replacement: true });
  }
  const last = links.at(-1);
  if (last !== undefined) last.current = true;
  return {
    side: base.side,
    state: base.state,
    deviceInfo: summary.deviceInfo,
    links,
    ...(record === undefined || replaced === undefined || replacementGuid === undefined
      ? {}
      : { replacement: { guid: replacementGuid, state: replaced.state } }),
  };
}
