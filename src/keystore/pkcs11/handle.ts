/**
 * A KeyHandle for a private key in a PKCS#11 token. Signing and RSA-OAEP decryption run in the
 * token: ECDSA as CKM_ECDSA over a digest computed here (its output is r||s, PKCS#11 v2.40 §2.3.1),
 * RSA as CKM_SHA*_RSA_PKCS or CKM_SHA*_RSA_PKCS_PSS with a salt as long as the hash, OAEP as
 * CKM_RSA_PKCS_OAEP with MGF1 over the same hash and no label. Calls are synchronous, so an
 * operation's C_*Init and C_* never interleave with another's on the shared session.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { Mechanism, RsaOAEP, RsaPSS } from 'pkcs11js';
import { CryptoError } from '../../crypto/errors.ts';
import { hashLength, type KeyHandle, type SignRequest } from '../../crypto/private-key-handle.ts';
import type { RsaOaepHash } from '../../crypto/rsa-oaep.ts';
import { KeystoreError } from '../errors.ts';
import type { KeystoreKeyType } from '../keystore.ts';
import { tokenError } from './errors.ts';
import type { Pkcs11Api, Pkcs11Session } from './session.ts';

/** PKCS#11 v2.40 §2.1.8: the OAEP label comes from the encoding parameter (empty here). */
const CKZ_DATA_SPECIFIED = 1;

export interface Pkcs11KeyHandle extends KeyHandle {
  readonly type: KeystoreKeyType;
}

export function pkcs11Handle(s: Pkcs11Session, name: string, type: KeystoreKeyType, publicKey: KeyObject, object: Buffer): Pkcs11KeyHandle {
  const rsa = type.startsWith('rsa');
  const modulusBytes = rsa ? (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8 : 0;
  const live = () => {
    if (!s.open) throw new KeystoreError('ERR_KEYSTORE_CLOSED', `key "${name}": its PKCS#11 keystore was closed`);
  };
  const handle: Pkcs11KeyHandle = {
    backend: 'pkcs11',
    name,
    type,
    publicKey,
    sign(request: SignRequest, data: Uint8Array): Uint8Array {
      live();
      const { mechanism, input } = signMechanism(s.api, rsa, request, data);
      try {
        s.p11.C_SignInit(s.session, mechanism, object);
        return new Uint8Array(s.p11.C_Sign(s.session, input, Buffer.alloc(rsa ? modulusBytes : 2 * 66)));
      } catch (e) {
        throw tokenError('C_Sign', e);
      }
    },
  };
  if (!rsa) return handle;
  return {
    ...handle,
    decryptOaep(hash: RsaOaepHash, ciphertext: Uint8Array): Uint8Array {
      live();
      const parameter: RsaOAEP = {
        type: s.api.CK_PARAMS_RSA_OAEP,
        hashAlg: hashMechanism(s.api, hash),
        mgf: mgf(s.api, hash),
        source: CKZ_DATA_SPECIFIED,
      };
      const mechanism: Mechanism = { mechanism: s.api.CKM_RSA_PKCS_OAEP, parameter };
      try {
        s.p11.C_DecryptInit(s.session, mechanism, object);
        return new Uint8Array(s.p11.C_Decrypt(s.session, Buffer.from(ciphertext), Buffer.alloc(modulusBytes)));
      } catch (e) {
        // A ciphertext that does not decode is the caller's ERR_DECRYPT_FAILED, one code for every
        // way OAEP decoding fails; a token that cannot run the mechanism is a keystore error.
        const ckr = (e as Error)?.message ?? '';
        if (ckr.startsWith('CKR_ENCRYPTED_DATA')) throw new CryptoError('ERR_DECRYPT_FAILED', 'RSA-OAEP decryption failed');
        throw tokenError('C_Decrypt', e);
      }
    },
  };
}

function signMechanism(a: Pkcs11Api, rsa: boolean, request: SignRequest, data: Uint8Array): { mechanism: Mechanism; input: Buffer } {
  const hash = request.hash;
  if (request.scheme === 'ecdsa' && !rsa && hash !== null) {
    return { mechanism: { mechanism: a.CKM_ECDSA }, input: createHash(hash).update(data).digest() };
  }
  if (request.scheme === 'rsa-pkcs1' && rsa && hash !== null) {
    const m = { sha256: a.CKM_SHA256_RSA_PKCS, sha384: a.CKM_SHA384_RSA_PKCS, sha512: a.CKM_SHA512_RSA_PKCS }[hash];
    return { mechanism: { mechanism: m }, input: Buffer.from(data) };
  }
  if (request.scheme === 'rsa-pss' && rsa && hash !== null) {
    const m = { sha256: a.CKM_SHA256_RSA_PKCS_PSS, sha384: a.CKM_SHA384_RSA_PKCS_PSS, sha512: a.CKM_SHA512_RSA_PKCS_PSS }[hash];
    const parameter: RsaPSS = { type: a.CK_PARAMS_RSA_PSS, hashAlg: hashMechanism(a, hash), mgf: mgf(a, hash), saltLen: hashLength(hash) };
    return { mechanism: { mechanism: m, parameter }, input: Buffer.from(data) };
  }
  throw new KeystoreError('ERR_KEYSTORE_UNSUPPORTED', `the PKCS#11 keystore cannot sign ${request.scheme} with this key`);
}

function hashMechanism(a: Pkcs11Api, hash: 'sha256' | 'sha384' | 'sha512'): number {
  return { sha256: a.CKM_SHA256, sha384: a.CKM_SHA384, sha512: a.CKM_SHA512 }[hash];
}

function mgf(a: Pkcs11Api, hash: 'sha256' | 'sha384' | 'sha512'): number {
  return { sha256: a.CKG_MGF1_SHA256, sha384: a.CKG_MGF1_SHA384, sha512: a.CKG_MGF1_SHA512 }[hash];
}
