import { IotopiaError } from '../../errors.ts';

/**
 * Stable codes of MUD signature failures (RFC 8520 §13, CMS per RFC 5652). The verification
 * codes name the check that failed; a caller that only wants "valid or not" catches them all.
 */
export type MudSignatureErrorCode =
  /** The signature file is not a CMS SignedData this module accepts (malformed, not detached, …). */
  | 'ERR_MUD_SIGNATURE_FORMAT'
  /** Beyond a parser limit (bytes, certificates, attributes). */
  | 'ERR_MUD_SIGNATURE_TOO_LARGE'
  /** A digest or signature algorithm outside SHA-256/384/512 with ECDSA or RSA PKCS #1 v1.5. */
  | 'ERR_MUD_SIGNATURE_UNSUPPORTED'
  /** The signer's certificate is neither in the signature nor given by the caller. */
  | 'ERR_MUD_SIGNATURE_NO_SIGNER'
  /** The message-digest attribute does not match the MUD file: the file was changed. */
  | 'ERR_MUD_SIGNATURE_DIGEST'
  /** The signature does not verify with the signer certificate's key. */
  | 'ERR_MUD_SIGNATURE_SIGNATURE'
  /** A certificate on the signer's path is expired or not yet valid at the verification time. */
  | 'ERR_MUD_SIGNATURE_EXPIRED'
  /** The signer's certificate path does not reach a trust anchor or fails another path check. */
  | 'ERR_MUD_SIGNATURE_CHAIN'
  /** The signing certificate lacks keyUsage digitalSignature (RFC 8520 §13.2). */
  | 'ERR_MUD_SIGNATURE_KEY_USAGE'
  /** The signer's subject is not the expected MUD signer (id-pe-mudsigner, RFC 8520 §11). */
  | 'ERR_MUD_SIGNATURE_SIGNER';

/** Which verification step a code belongs to, for reports ("digest", "signature", …). */
export type MudSignatureCheck = 'format' | 'digest' | 'signature' | 'expiry' | 'chain' | 'key-usage' | 'signer';

const CHECK_OF: Record<MudSignatureErrorCode, MudSignatureCheck> = {
  ERR_MUD_SIGNATURE_FORMAT: 'format',
  ERR_MUD_SIGNATURE_TOO_LARGE: 'format',
  ERR_MUD_SIGNATURE_UNSUPPORTED: 'format',
  ERR_MUD_SIGNATURE_NO_SIGNER: 'signature',
  ERR_MUD_SIGNATURE_DIGEST: 'digest',
  ERR_MUD_SIGNATURE_SIGNATURE: 'signature',
  ERR_MUD_SIGNATURE_EXPIRED: 'expiry',
  ERR_MUD_SIGNATURE_CHAIN: 'chain',
  ERR_MUD_SIGNATURE_KEY_USAGE: 'key-usage',
  ERR_MUD_SIGNATURE_SIGNER: 'signer',
};

/** A MUD signature that is malformed or does not verify; `check` names the failed step. */
export class MudSignatureError extends IotopiaError {
  declare readonly code: MudSignatureErrorCode;
  readonly check: MudSignatureCheck;

  constructor(code: MudSignatureErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.check = CHECK_OF[code];
  }
}
