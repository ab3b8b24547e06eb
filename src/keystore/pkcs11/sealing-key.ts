/**
 * An AES-256 key in the token that seals small secrets (the store's master key) with AES-GCM run
 * in the token (CKM_AES_GCM, 96-bit IV, 128-bit tag, NIST SP 800-38D). The key is made with
 * CKA_SENSITIVE and without CKA_EXTRACTABLE, as the signing keys are; only sealed bytes leave.
 * Sealed form: IV (12 bytes) || ciphertext || tag (16 bytes).
 */
import { randomBytes } from 'node:crypto';
import type { AesGCM, Mechanism } from 'pkcs11js';
import { KeystoreError } from '../errors.ts';
import { tokenError } from './errors.ts';
import { findObjects } from './keys.ts';
import type { Pkcs11Session } from './session.ts';

const IV_BYTES = 12;
const TAG_BITS = 128;

export interface SealingKey {
  seal(plain: Uint8Array): Uint8Array;
  /** ERR_KEYSTORE_PKCS11 when the bytes were not sealed by this key or were altered. */
  open(sealed: Uint8Array): Uint8Array;
}

/** The sealing key labelled `label`: found, or made now when `create` (else undefined). */
export function sealingKey(s: Pkcs11Session, label: string, create: boolean): SealingKey | undefined {
  const found = findObjects(s, s.api.CKO_SECRET_KEY, label);
  if (found.length > 1) throw new KeystoreError('ERR_KEYSTORE_PKCS11', `the token holds ${found.length} secret keys labelled "${label}"`);
  let key = found[0];
  if (key === undefined) {
    if (!create) return undefined;
    key = generate(s, label);
  }
  const object = key;
  const mechanism = (iv: Buffer): Mechanism => {
    const parameter: AesGCM = { type: s.api.CK_PARAMS_AES_GCM, iv, ivBits: IV_BYTES * 8, tagBits: TAG_BITS };
    return { mechanism: s.api.CKM_AES_GCM, parameter };
  };
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      try {
        s.p11.C_EncryptInit(s.session, mechanism(iv), object);
        const out = s.p11.C_Encrypt(s.session, Buffer.from(plain), Buffer.alloc(plain.length + TAG_BITS / 8));
        return new Uint8Array(Buffer.concat([iv, out]));
      } catch (e) {
        throw tokenError('C_Encrypt', e);
      }
    },
    open(sealed) {
      if (sealed.length < IV_BYTES + TAG_BITS / 8) throw new KeystoreError('ERR_KEYSTORE_PKCS11', 'sealed bytes too short');
      const iv = Buffer.from(sealed.subarray(0, IV_BYTES));
      try {
        s.p11.C_DecryptInit(s.session, mechanism(iv), object);
        return new Uint8Array(s.p11.C_Decrypt(s.session, Buffer.from(sealed.subarray(IV_BYTES)), Buffer.alloc(sealed.length)));
      } catch (e) {
        throw tokenError('C_Decrypt', e);
      }
    },
  };
}

function generate(s: Pkcs11Session, label: string): Buffer {
  const a = s.api;
  try {
    return s.p11.C_GenerateKey(s.session, { mechanism: a.CKM_AES_KEY_GEN }, [
      { type: a.CKA_CLASS, value: a.CKO_SECRET_KEY },
      { type: a.CKA_KEY_TYPE, value: a.CKK_AES },
      { type: a.CKA_VALUE_LEN, value: 32 },
      { type: a.CKA_TOKEN, value: true },
      { type: a.CKA_PRIVATE, value: true },
      { type: a.CKA_SENSITIVE, value: true },
      { type: a.CKA_EXTRACTABLE, value: false },
      { type: a.CKA_ENCRYPT, value: true },
      { type: a.CKA_DECRYPT, value: true },
      { type: a.CKA_LABEL, value: label },
    ]);
  } catch (e) {
    throw tokenError('C_GenerateKey', e);
  }
}
