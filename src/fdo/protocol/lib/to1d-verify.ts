/**
 * Checks the owner's signature on a to1d blob (FDO 1.1 §5.3.3, §5.4.4). The rendezvous server
 * checks it in TO0.OwnerSign against the voucher's current owner; the device can check it only in
 * TO2, once the voucher has told it who the owner is (TO1 gives it no owner key to check with).
 */
import { CoseError } from '../../../codec/cose/errors.ts';
import { verifySign1 } from '../../../codec/cose/sign1.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';
import { allowedSignatureAlgorithms, type FdoPublicKey, publicKeyToKeyObject } from '../../types/public-key.ts';

/** Throws ERR_FDO_TO1D_SIGNATURE (INVALID_OWNER_SIGN_BODY) unless `owner` signed `to1d`. */
export function verifyTo1dSignature(to1d: Uint8Array, owner: FdoPublicKey): void {
  const { key } = publicKeyToKeyObject(owner, 'owner key');
  try {
    verifySign1(to1d, { key, tag: 'required', algorithms: allowedSignatureAlgorithms(owner.type) });
  } catch (e) {
    if (e instanceof CoseError) {
      throw new FdoError(
        'ERR_FDO_TO1D_SIGNATURE',
        ErrorCode.INVALID_OWNER_SIGN_BODY,
        `to1d is not signed by the current owner key: ${e.message}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
}
