/**
 * The software keystore: private halves as PKCS #8, sealed by the store's master key in the keys
 * table (src/store/key-repository.ts). Keys without a private half there (trusted peers' keys, or
 * the public records of keys held by a token) are not this keystore's.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { generateKeyPair } from '../crypto/key-generate.ts';
import { spkiOf } from '../crypto/private-key-handle.ts';
import type { KeyRecord, KeyRepository } from '../store/key-repository.ts';
import { KeystoreError } from './errors.ts';
import { checkKeyName, isKeystoreKeyType, type Keystore, type KeystoreEntry, type KeystoreKeyType } from './keystore.ts';

export function softwareKeystore(keys: KeyRepository): Keystore {
  return {
    backend: 'software',
    async list() {
      const entries: KeystoreEntry[] = [];
      for (const r of await keys.list()) {
        const full = await keys.get(r.name);
        if (full?.privateKey === undefined || !isKeystoreKeyType(r.type)) continue;
        entries.push({ name: r.name, type: r.type, backend: 'software', publicKey: publicOf(r) });
      }
      return entries;
    },
    async generate(name, type) {
      checkKeyName(name);
      if (!isKeystoreKeyType(type)) throw new TypeError(`unsupported key type ${String(type)}`);
      const { privateKey } = await generateKeyPair(type);
      await put(keys, name, type, privateKey);
      return privateKey;
    },
    async import(name, privateKey) {
      checkKeyName(name);
      if (privateKey?.type !== 'private') throw new TypeError('import needs a private KeyObject');
      await put(keys, name, typeOf(privateKey), privateKey);
    },
    async get(name) {
      const r = await keys.get(name);
      return r?.privateKey === undefined ? undefined : createPrivateKey({ key: Buffer.from(r.privateKey), format: 'der', type: 'pkcs8' });
    },
    async exportPublic(name) {
      const r = await keys.get(name);
      return r?.privateKey === undefined ? undefined : publicOf(r);
    },
    async close() {},
  };
}

async function put(keys: KeyRepository, name: string, type: KeystoreKeyType, privateKey: KeyObject): Promise<void> {
  if ((await keys.get(name)) !== undefined) throw new KeystoreError('ERR_KEYSTORE_KEY_EXISTS', `a key named "${name}" exists already`);
  await keys.create({
    name,
    type,
    publicKey: spkiOf(privateKey),
    privateKey: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
  });
}

const publicOf = (r: Pick<KeyRecord, 'publicKey'>): KeyObject =>
  createPublicKey({ key: Buffer.from(r.publicKey), format: 'der', type: 'spki' });

/** The keystore type of an imported key; other kinds of key are refused. */
export function typeOf(key: KeyObject): KeystoreKeyType {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return 'secp256r1';
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'secp384r1') return 'secp384r1';
  if (key.asymmetricKeyType === 'rsa' && d?.modulusLength === 2048) return 'rsa2048';
  if (key.asymmetricKeyType === 'rsa' && d?.modulusLength === 3072) return 'rsa3072';
  throw new KeystoreError('ERR_KEYSTORE_UNSUPPORTED', 'only EC P-256, EC P-384, RSA-2048 and RSA-3072 keys are kept');
}
