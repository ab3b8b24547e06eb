/**
 * What draft-ietf-suit-firmware-encryption allows in a SUIT_Encryption_Info (the value of
 * suit-parameter-encryption-info): COSE_Encrypt_Tagged or COSE_Encrypt0_Tagged, content encryption
 * with AES-GCM or AES-CTR, content keys distributed by AES key wrap or by ECDH-ES + AES key wrap.
 */
import { Algorithm } from '../../codec/cose/algorithms.ts';
import type { KdfContextInput } from '../../codec/cose/encrypt.ts';

/** CBOR tags of the two COSE structures a SUIT_Encryption_Info may be (RFC 9052 §2). */
export const EncryptionInfoTag = { COSE_Encrypt: 96, COSE_Encrypt0: 16 } as const;

/** AEAD content encryption (the draft's "Content Encryption" section; RFC 9053 §4.1). */
export const AEAD_ALGORITHMS: ReadonlySet<number> = new Set([Algorithm.A128GCM, Algorithm.A192GCM, Algorithm.A256GCM]);

/**
 * Content encryption without integrity (the draft's "Firmware Updates on IoT Devices with Flash
 * Memory" section; RFC 9459 §4). Only safe when the manifest's suit-parameter-image-digest covers
 * the plaintext, which the draft requires.
 */
export const CTR_ALGORITHMS: ReadonlySet<number> = new Set([Algorithm.A128CTR, Algorithm.A192CTR, Algorithm.A256CTR]);

/** AES key wrap with a pre-shared key-encryption key (the draft's "AES Key Wrap" section). */
export const KEY_WRAP_ALGORITHMS: ReadonlySet<number> = new Set([Algorithm.A128KW, Algorithm.A192KW, Algorithm.A256KW]);

/** Ephemeral-static ECDH with AES key wrap (the draft's "Ephemeral-Static Diffie-Hellman" section). */
export const ES_DH_ALGORITHMS: ReadonlySet<number> = new Set([
  Algorithm.ECDH_ES_A128KW,
  Algorithm.ECDH_ES_A192KW,
  Algorithm.ECDH_ES_A256KW,
]);

/** SuppPubInfo `other` of the COSE_KDF_Context for ES-DH (the draft's "Context Information Structure"). */
export const KDF_CONTEXT_OTHER = new TextEncoder().encode('SUIT Payload Encryption');

/**
 * The COSE_KDF_Context inputs the draft fixes: PartyUInfo and PartyVInfo are [nil, nil, nil],
 * SuppPubInfo is [keyDataLength, the recipient's protected header, 'SUIT Payload Encryption'], no
 * SuppPrivInfo. AlgorithmID (the key wrap algorithm) and keyDataLength follow from the recipient's alg.
 */
export const SUIT_KDF_CONTEXT: KdfContextInput = Object.freeze({ suppPubOther: KDF_CONTEXT_OTHER });

/** Limits on the input of decryptPayload. */
export interface DecryptLimits {
  /** Largest SUIT_Encryption_Info accepted, in bytes (default 8 KiB). */
  maxEncryptionInfoBytes: number;
  /** Largest ciphertext accepted, in bytes (default 64 MiB). */
  maxCiphertextBytes: number;
  /** Most recipients tried (default 16). */
  maxRecipients: number;
}

export const DEFAULT_DECRYPT_LIMITS: Readonly<DecryptLimits> = Object.freeze({
  maxEncryptionInfoBytes: 8 * 1024,
  maxCiphertextBytes: 64 * 1024 * 1024,
  maxRecipients: 16,
});
