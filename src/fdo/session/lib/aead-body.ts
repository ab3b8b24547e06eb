/**
 * Message bodies of the COSE AEAD suites (A128GCM, A256GCM, AES-CCM-64-128-128/256): a tagged
 * COSE_Encrypt0 with protected { 1: alg }, unprotected { 5: IV }, no external AAD; internal.
 */
import type { KeyObject } from 'node:crypto';
import { decodeEncrypt0, decryptEncrypt0, encryptEncrypt0 } from '../../../codec/cose/encrypt0.ts';
import { HeaderParam } from '../../../codec/cose/header-parameters.ts';
import type { AeadSuite } from '../cipher-suites.ts';
import { sessionError } from '../errors.ts';
import { rethrowCose } from './cose-failure.ts';

export const MESSAGE_LIMITS = { maxBytes: 1024 * 1024 } as const;

export function sealAead(suite: AeadSuite, sek: KeyObject, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return encryptEncrypt0({
    plaintext,
    key: sek,
    protectedHeaders: new Map([[HeaderParam.alg, suite.id]]),
    unprotectedHeaders: new Map([[HeaderParam.IV, iv]]),
    tagged: true,
  });
}

/** The plaintext and the IV it came with. */
export function openAead(suite: AeadSuite, sek: KeyObject, message: Uint8Array): { plaintext: Uint8Array; iv: Uint8Array } {
  let iv: Uint8Array;
  try {
    const m = decodeEncrypt0(message, { limits: MESSAGE_LIMITS });
    if (m.alg !== suite.id)
      throw sessionError('ERR_FDO_SESSION_ALG', `message uses algorithm ${m.alg}; the session's suite is ${suite.name}`);
    iv = ivOf(m.protectedHeaders, m.unprotectedHeaders, suite);
    const { plaintext } = decryptEncrypt0(message, { key: sek, algorithms: [suite.id], limits: MESSAGE_LIMITS });
    return { plaintext, iv };
  } catch (cause) {
    rethrowCose(cause, suite.name);
  }
}

function ivOf(protectedHeaders: Map<unknown, unknown>, unprotectedHeaders: Map<unknown, unknown>, suite: AeadSuite): Uint8Array {
  if (protectedHeaders.has(HeaderParam.partialIV) || unprotectedHeaders.has(HeaderParam.partialIV)) {
    throw sessionError('ERR_FDO_SESSION_IV', 'message carries a Partial IV; TO2 messages carry the whole IV');
  }
  const iv = unprotectedHeaders.get(HeaderParam.IV) ?? protectedHeaders.get(HeaderParam.IV);
  if (!(iv instanceof Uint8Array)) throw sessionError('ERR_FDO_SESSION_IV', 'message has no IV (5)');
  if (iv.length !== suite.ivLength)
    throw sessionError('ERR_FDO_SESSION_IV', `IV is ${iv.length} bytes; ${suite.name} needs ${suite.ivLength}`);
  return iv;
}
