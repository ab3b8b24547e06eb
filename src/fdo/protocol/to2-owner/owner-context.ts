/**
 * What several TO2 owner messages share: the stored voucher (unchanged since the session began),
 * the device's key, the owner's private keys, and the encrypted session once keys are agreed.
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

/** The session's voucher, refused if the store no longer holds exactly the one the session began with. */
export async function loadVoucher(options: To2OwnerOptions, s: To2OwnerState): Promise<LoadedVoucher> {
  const guid = bytesField(s.guid, 'guid', 16);
  const rec = await options.vouchers.get(guid);
  if (rec === undefined || sha256(rec.voucher) !== s.voucherHash) {
    throw to2Error('ERR_FDO_TO2_VOUCHER_CHANGED', 'the stored voucher changed or vanished during the session');
  }
  const voucher = parseVoucher(rec.voucher);
  const ownerPk = voucherOwner(voucher);
  return { voucher, ownerPk, ownerKey: publicKeyToKeyObject(ownerPk).key };
}

export function sessionOf(s: To2OwnerState): SessionState {
  if (s.session === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no session');
  return s.session;
}
