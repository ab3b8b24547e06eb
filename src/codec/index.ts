/**
 * The public API of src/codec: CBOR (strict decoding with limits, diagnostic notation), byte
 * helpers, and COSE (RFC 9052/9053) messages and keys.
 *
 * The architecture rule is "no reach into another module's lib/, no upward import"
 * (test/architecture.test.ts); importing this file is not required, and a named public file of the
 * module (e.g. cose/sign1.ts) is just as good. Nothing here comes from lib/.
 */
export { bytesEqual, concat, constantTimeEqual, plainCopy, plainView } from './bytes.ts';
export { DEFAULT_LIMITS, type DecodeOptions, decode, encode, Tag } from './cbor.ts';
export { type DiagOptions, diagnose } from './cbor-diag.ts';
export { CborError, type CborErrorCode } from './cbor-errors.ts';
export { type CborLimits, type ScannedItem, type ScanRules, scanCbor, scanCborLength } from './cbor-scan.ts';
export { Algorithm, type AlgorithmId, algorithmName } from './cose/algorithms.ts';
export {
  type DecodedEncrypt,
  type DecryptEncryptOptions,
  type DecryptedEncrypt,
  decodeEncrypt,
  decryptEncrypt,
  type EncryptEncryptOptions,
  encryptEncrypt,
  type RandomSource,
} from './cose/encrypt.ts';
export { type ContentAlgorithm, Context, contentAlgorithm, encStructure, nonceOf, param, recoverKey } from './cose/encrypt-steps.ts';
export {
  type DecodedEncrypt0,
  type DecryptEncrypt0Options,
  type DecryptedEncrypt0,
  decodeEncrypt0,
  decryptEncrypt0,
  type EncryptEncrypt0Options,
  encryptEncrypt0,
  encryptEncrypt0Detached,
} from './cose/encrypt0.ts';
export { CoseError, type CoseErrorCode } from './cose/errors.ts';
export { HeaderAlgParam, HeaderParam } from './cose/header-parameters.ts';
export {
  type CoseKey,
  type CoseKeyToKeyObjectOptions,
  coseKeyToJwk,
  coseKeyToKeyObject,
  decodeCoseKey,
  encodeCoseKey,
  jwkToCoseKey,
  type KeyObjectToCoseKeyOptions,
  keyObjectToCoseKey,
  validateCoseKey,
} from './cose/key.ts';
export { Curve, EC2Param, KeyOp, KeyParam, KeyType, OKPParam, RSAParam, SymmetricParam } from './cose/key-parameters.ts';
export {
  type CreateMacOptions,
  createMac,
  type DecodedMac,
  type DecodedRecipient,
  decodeMac,
  type KdfContextInput,
  type PartyInfo,
  type RecipientInput,
  type VerifiedMac,
  type VerifyMacOptions,
  verifyMac,
} from './cose/mac.ts';
export {
  type CreateMac0Options,
  createMac0,
  type DecodedMac0,
  decodeMac0,
  type VerifiedMac0,
  type VerifyMac0Options,
  verifyMac0,
} from './cose/mac0.ts';
export {
  type DecodedSign,
  type DecodedSigner,
  decodeSign,
  type SignerInput,
  type SignerKeyResolver,
  type SignSignOptions,
  signSign,
  type VerifiedSign,
  type VerifySignOptions,
  verifySign,
} from './cose/sign.ts';
export {
  type DecodedSign1,
  type DecodeRules,
  decodeSign1,
  type HeaderMap,
  type KeyLike,
  type SigningKeyLike,
  type SignSign1Options,
  signSign1,
  type TagRule,
  type VerifiedSign1,
  type VerifySign1Options,
  verifySign1,
} from './cose/sign1.ts';
export { isSigningHandle, type SigningHandle, type SignRequest } from './cose/signing-handle.ts';
export { CoseTag } from './cose/tags.ts';
