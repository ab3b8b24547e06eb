import { IotopiaError } from '../errors.ts';

/** Stable codes of crypto-layer failures caused by bad or hostile input. */
export type CryptoErrorCode =
  | 'ERR_KEY_FORMAT'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_CERT_FORMAT'
  | 'ERR_CERT_CHAIN'
  | 'ERR_DECRYPT_FAILED'
  | 'ERR_DH_PUBLIC_INVALID'
  | 'ERR_CRYPTO_INPUT_TOO_LARGE'
  | 'ERR_CSR_INVALID';

/** Bad or hostile input to a crypto operation. Caller misuse is a TypeError instead. */
export class CryptoError extends IotopiaError {
  declare readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The input encodings that key and certificate decoders recognise, named in ERR_KEY_FORMAT. */
export type KeyFormatName = 'pem' | 'spki' | 'pkcs8' | 'sec1' | 'pkcs1-public' | 'pkcs1-private' | 'x509' | 'cose-key' | 'unknown';

/** A key or certificate that could not be decoded. `format` names the encoding that was tried. */
export class KeyFormatError extends CryptoError {
  declare readonly code: 'ERR_KEY_FORMAT';
  readonly format: KeyFormatName;

  constructor(format: KeyFormatName, problem: string, options?: ErrorOptions) {
    super('ERR_KEY_FORMAT', `${format}: ${problem}`, options);
    this.format = format;
  }
}

/** Why a certificate path was rejected; the first failing check on the path wins. */
export type CertChainReason =
  | 'empty'
  | 'expired'
  | 'not-yet-valid'
  | 'signature'
  | 'issuer-mismatch'
  | 'not-ca'
  | 'path-length'
  | 'key-usage'
  | 'unsupported-critical-extension'
  | 'unsupported-key'
  | 'malformed'
  | 'untrusted';

/**
 * A certificate path that does not validate. `index` is the certificate's position in the chain as
 * given (0 is the end entity); the trust anchor that completed the path has index `chain.length`.
 */
export class CertChainError extends CryptoError {
  declare readonly code: 'ERR_CERT_CHAIN';
  readonly reason: CertChainReason;
  readonly index: number;
  readonly subject: string | undefined;

  constructor(reason: CertChainReason, index: number, subject: string | undefined, detail: string, options?: ErrorOptions) {
    super('ERR_CERT_CHAIN', `certificate ${index}${subject === undefined ? '' : ` (${subject})`}: ${reason}: ${detail}`, options);
    this.reason = reason;
    this.index = index;
    this.subject = subject;
  }
}
