/**
 * The secure-component API: every private key IoTopia holds (the server's manufacturer, owner and
 * device-CA keys, the agent's device key) lives in a Keystore. A backend either keeps the private
 * half itself and hands out a KeyObject (software: sealed in the store by the master key) or keeps
 * it in a token and hands out a KeyHandle that signs and decrypts there (PKCS#11).
 */
import type { KeyObject } from 'node:crypto';
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';

export type KeystoreBackend = 'software' | 'pkcs11';

/** The key types a keystore makes: those FDO 1.1 §3.3.2 names for device and owner keys. */
export type KeystoreKeyType = 'secp256r1' | 'secp384r1' | 'rsa2048' | 'rsa3072';

export const KEYSTORE_KEY_TYPES: readonly KeystoreKeyType[] = ['secp256r1', 'secp384r1', 'rsa2048', 'rsa3072'];

export interface KeystoreEntry {
  name: string;
  type: KeystoreKeyType;
  backend: KeystoreBackend;
  publicKey: KeyObject;
}

export interface Keystore {
  readonly backend: KeystoreBackend;
  /** The keys with a private half in this keystore, in name order. */
  list(): Promise<KeystoreEntry[]>;
  /** Makes a key pair under `name`; ERR_KEYSTORE_KEY_EXISTS when the name is taken. */
  generate(name: string, type: KeystoreKeyType): Promise<PrivateKeyLike>;
  /** Stores an existing private key (software only: a token never takes key material from outside). */
  import(name: string, privateKey: KeyObject): Promise<void>;
  /** The private key or its handle, or undefined for an unknown name. */
  get(name: string): Promise<PrivateKeyLike | undefined>;
  /** The public half, or undefined for an unknown name. */
  exportPublic(name: string): Promise<KeyObject | undefined>;
  /** Ends the session (PKCS#11: logs out and finalizes the module once its last user closes). */
  close(): Promise<void>;
}

/** Key names are plain ASCII labels: they end up as PKCS#11 CKA_LABEL values and in PKCS#11 URIs. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkKeyName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !KEY_NAME.test(name)) {
    throw new TypeError('a key name is 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit');
  }
}

export function isKeystoreKeyType(type: unknown): type is KeystoreKeyType {
  return KEYSTORE_KEY_TYPES.includes(type as KeystoreKeyType);
}
