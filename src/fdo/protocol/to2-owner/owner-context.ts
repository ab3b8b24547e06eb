/**
 * What several TO2 owner messages share: the stored voucher (unchanged since the session began),
 * the device's key, the owner's private keys, and the encrypted session once keys are agreed.
 *
 * The voucher is read from the store by TO2.HelloDevice, and again by TO2.DeviceServiceInfoReady
 * (before the owner's ServiceInfo goes out) to check the store still holds it; TO2.Done's outcome
 * commits only if it does (`To2Result.voucherHash`). Between those, a message takes the voucher
 * from this process's memory by the hash the session state holds: the same bytes, so the same
 * checks, whichever replica read them. A replica that has not read it reads it from the store.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { certificateOfDer } from '../../../crypto/x509-parse.ts';
import type { SessionState } from '../../session/index.ts';
import { type FdoPublicKey, publicKeyToKeyObject } from '../../types/public-key.ts';
import type { OwnershipVoucher } from '../../voucher/voucher.ts';
import { voucherOwner } from '../../voucher/voucher-owner.ts';
import { parseVoucher } from '../../voucher/voucher-parse.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { bytesField } from '../lib/to2-state-fields.ts';
import type { OwnerKeyRing } from '../ports.ts';
import type { To2OwnerOptions, To2OwnerState } from './types.ts';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('base64');

export interface LoadedVoucher {
  voucher: OwnershipVoucher;
  ownerPk: FdoPublicKey;
  ownerKey: KeyObject;
}

export async function ownerPrivateKey(
  keys: OwnerKeyRing,
  pk: FdoPublicKey | KeyObject,
  code: 'ERR_FDO_TO2_NOT_OWNER' | 'ERR_FDO_TO2_KEY_UNAVAILABLE',
): Promise<PrivateKeyLike> {
  const pub = 'type' in pk && typeof pk.type === 'number' ? publicKeyToKeyObject(pk as FdoPublicKey).key : (pk as KeyObject);
  const key = await keys.privateKeyFor(pub);
  if (key === undefined) throw to2Error(code, 'the owner key ring holds no private key for the voucher owner key');
  return key;
}

export function deviceKeyOf(voucher: OwnershipVoucher): KeyObject {
  const leaf = voucher.devCertChain?.[0];
  if (leaf === undefined)
    throw to2Error('ERR_FDO_TO2_DEVICE_KEY', 'the voucher has no device certificate chain, so the device key is unknown');
  return certificateOfDer(leaf).publicKey;
}

/** Vouchers kept in memory per handler (by its options), at most this many, the oldest out first. */
export const VOUCHERS_KEPT = 256;
const kept = new WeakMap<To2OwnerOptions, Map<string, LoadedVoucher>>();

/** The voucher of `bytes` (hash `hash`), parsed, kept for the session's later messages. */
export function keepVoucher(options: To2OwnerOptions, hash: string, voucher: OwnershipVoucher): LoadedVoucher {
  const ownerPk = voucherOwner(voucher);
  const loaded = { voucher, ownerPk, ownerKey: publicKeyToKeyObject(ownerPk).key };
  let memory = kept.get(options);
  if (memory === undefined) {
    memory = new Map();
    kept.set(options, memory);
  }
  memory.delete(hash);
  for (const [oldest] of memory) {
    if (memory.size < VOUCHERS_KEPT) break;
    memory.delete(oldest);
  }
  memory.set(hash, loaded);
  return loaded;
}

/**
 * The session's voucher. With `current`, or when this process does not have it, it is read from
 * the store and refused if the store no longer holds exactly the one the session began with.
 */
export async function loadVoucher(options: To2OwnerOptions, s: To2OwnerState, o: { current?: boolean } = {}): Promise<LoadedVoucher> {
  const known = kept.get(options)?.get(s.voucherHash);
  if (known !== undefined && o.current !== true) return known;
  const guid = bytesField(s.guid, 'guid', 16);
  const rec = await options.vouchers.get(guid);
  if (rec === undefined || sha256(rec.voucher) !== s.voucherHash) {
    throw to2Error('ERR_FDO_TO2_VOUCHER_CHANGED', 'the stored voucher changed or vanished during the session');
  }
  // The same bytes: what was parsed from them before still holds.
  return known ?? keepVoucher(options, s.voucherHash, parseVoucher(rec.voucher));
}

export function sessionOf(s: To2OwnerState): SessionState {
  if (s.session === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no session');
  return s.session;
}
