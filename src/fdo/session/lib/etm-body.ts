/**
 * Message bodies of the encrypt-then-MAC suites (COSEAES128CBC/CTR, COSEAES256CBC/CTR); internal.
 *
 *   outer = COSE_Mac0 (tag 17): protected { 1: HMAC 256/256 or 384/384 }, unprotected {},
 *           payload = bstr .cbor inner, tag = HMAC over MAC_structure "MAC0" under SVK
 *   inner = COSE_Encrypt0 (untagged): protected { 1: suite id }, unprotected { 5: IV },
 *           ciphertext = AES-CBC with PKCS#7 padding, or AES-CTR, under SEK
 *
 * On receive the inner algorithm is also taken from the unprotected header, where RFC 9459
 * implementations put it (AES-CBC and AES-CTR take no additional authenticated data, so the inner
 * protected header protects nothing; the outer MAC covers the whole inner block either way). A
 * label in both headers is malformed (RFC 9052 §3).
 *
 * The MAC is checked before anything inside is parsed or decrypted, so neither the inner structure
 * nor the CBC padding is examined for an unauthenticated message (no padding oracle).
 */
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { decode, encode, Tag } from '../../../codec/cbor.ts';
import { HeaderParam } from '../../../codec/cose/header-parameters.ts';
import { createMac0, verifyMac0 } from '../../../codec/cose/mac0.ts';
import { CoseTag } from '../../../codec/cose/tags.ts';
import type { EtmSuite } from '../cipher-suites.ts';
import { sessionError } from '../errors.ts';
import { rethrowCose } from './cose-failure.ts';

const LIMITS = { maxBytes: 1024 * 1024 } as const;

function cipherName(suite: EtmSuite): string {
  return `aes-${suite.sekLength * 8}-${suite.mode}`;
}

export function sealEtm(suite: EtmSuite, sek: KeyObject, svk: KeyObject, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(cipherName(suite), sek, iv);
  const ciphertext = new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
  const innerAlg = suite.innerAlgs[0] as number;
  const inner = encode([encode(new Map([[HeaderParam.alg, innerAlg]])), new Map([[HeaderParam.IV, iv]]), ciphertext]);
  return createMac0({
    payload: inner,
    key: svk,
    protectedHeaders: new Map([[HeaderParam.alg, suite.macAlg]]),
    unprotectedHeaders: new Map(),
    tagged: true,
  });
}

/** The plaintext and the IV it came with. */
export function openEtm(suite: EtmSuite, sek: KeyObject, svk: KeyObject, message: Uint8Array): { plaintext: Uint8Array; iv: Uint8Array } {
  let payload: Uint8Array;
  try {
    payload = verifyMac0(message, { key: svk, algorithms: [suite.macAlg], limits: LIMITS }).payload;
  } catch (cause) {
    rethrowCose(cause, suite.name);
  }
  const { iv, ciphertext } = readInner(suite, payload);
  return { plaintext: decrypt(suite, sek, iv, ciphertext), iv };
}

function readInner(suite: EtmSuite, payload: Uint8Array): { iv: Uint8Array; ciphertext: Uint8Array } {
  const malformed = (why: string) => sessionError('ERR_FDO_SESSION_MALFORMED', `inner COSE_Encrypt0 of ${suite.name}: ${why}`);
  let item: unknown;
  try {
    item = decode(payload, { ...LIMITS, maxDepth: 8 });
  } catch (cause) {
    throw sessionError('ERR_FDO_SESSION_MALFORMED', `inner COSE_Encrypt0 of ${suite.name} is not CBOR`, cause);
  }
  // Written untagged; a tagged one is read too, as COSE allows either where the type is known.
  if (item instanceof Tag && item.tag === CoseTag.COSE_Encrypt0) item = item.value;
  if (!Array.isArray(item) || item.length !== 3) throw malformed('not an array of 3');
  const [protectedBytes, unprotected, ciphertext] = item as [unknown, unknown, unknown];
  if (!(protectedBytes instanceof Uint8Array) || !(unprotected instanceof Map) || !(ciphertext instanceof Uint8Array)) {
    throw malformed('elements are not bstr, map, bstr');
  }
  let protectedHeaders: unknown;
  try {
    protectedHeaders = protectedBytes.length === 0 ? new Map() : decode(protectedBytes, { ...LIMITS, maxDepth: 4 });
  } catch (cause) {
    throw sessionError('ERR_FDO_SESSION_MALFORMED', `inner COSE_Encrypt0 of ${suite.name}: protected header is not CBOR`, cause);
  }
  if (!(protectedHeaders instanceof Map)) throw malformed('protected header is not a map');
  if (protectedHeaders.has(HeaderParam.alg) && unprotected.has(HeaderParam.alg)) {
    throw malformed('the algorithm is in both the protected and the unprotected header');
  }
  const alg = protectedHeaders.get(HeaderParam.alg) ?? unprotected.get(HeaderParam.alg);
  if (typeof alg !== 'number' || !suite.innerAlgs.includes(alg)) {
    throw sessionError('ERR_FDO_SESSION_ALG', `inner algorithm ${JSON.stringify(alg)} is not ${suite.name}'s`);
  }
  if (protectedHeaders.has(HeaderParam.partialIV) || unprotected.has(HeaderParam.partialIV)) {
    throw sessionError('ERR_FDO_SESSION_IV', 'message carries a Partial IV; TO2 messages carry the whole IV');
  }
  const iv = unprotected.get(HeaderParam.IV) ?? protectedHeaders.get(HeaderParam.IV);
  if (!(iv instanceof Uint8Array)) throw sessionError('ERR_FDO_SESSION_IV', 'message has no IV (5)');
  if (iv.length !== suite.ivLength)
    throw sessionError('ERR_FDO_SESSION_IV', `IV is ${iv.length} bytes; ${suite.name} needs ${suite.ivLength}`);
  return { iv, ciphertext };
}

function decrypt(suite: EtmSuite, sek: KeyObject, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  // Authentic but undecryptable input means the peer is broken; it gets the same answer as forgery.
  const failed = () => sessionError('ERR_FDO_SESSION_DECRYPT', 'message does not decrypt under the session keys');
  if (suite.mode === 'cbc' && (ciphertext.length === 0 || ciphertext.length % 16 !== 0)) throw failed();
  try {
    const d = createDecipheriv(cipherName(suite), sek, iv);
    return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
  } catch {
    throw failed();
  }
}
