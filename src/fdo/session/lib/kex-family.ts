/** The contract each key-exchange family (ECDH, finite-field DH, RSA-OAEP) implements; internal. */
import type { KeyObject } from 'node:crypto';
import type { PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import type { KexSuiteName } from '../../constants/crypto.ts';
import type { RandomSource, SharedSecret } from '../types.ts';

export interface OwnerStartOptions {
  random: RandomSource;
  /** The owner's key, checked against the suite where the suite depends on it (ASYMKEX). */
  ownerKey?: PrivateKeyLike | undefined;
  /** The owner's ephemeral private value instead of one drawn from `random` (known-answer tests). */
  privateKey?: Uint8Array | undefined;
}

export interface DeviceRespondOptions {
  random: RandomSource;
  /** The owner's public key from the voucher; ASYMKEX encrypts to it. */
  ownerPublicKey?: KeyObject | undefined;
  privateKey?: Uint8Array | undefined;
}

export interface OwnerFinishOptions {
  /** The owner's private key; ASYMKEX decrypts xB with it. */
  ownerPrivateKey?: PrivateKeyLike | undefined;
}

export interface KexFamily {
  /** xA and the owner's private value, which must be kept (and may be stored) until xB arrives. */
  ownerStart(suite: KexSuiteName, options: OwnerStartOptions): { xA: Uint8Array; secret: Uint8Array };
  deviceRespond(suite: KexSuiteName, xA: Uint8Array, options: DeviceRespondOptions): { xB: Uint8Array; shared: SharedSecret };
  ownerFinish(suite: KexSuiteName, xA: Uint8Array, secret: Uint8Array, xB: Uint8Array, options: OwnerFinishOptions): SharedSecret;
  /** Whether a stored owner secret has the shape the suite gives it. */
  secretFits(suite: KexSuiteName, secret: Uint8Array): boolean;
}
