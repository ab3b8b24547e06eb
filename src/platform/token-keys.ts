/**
 * The server's keys in a PKCS#11 token. The token holds the private half; the store keeps a
 * public-only record under the same name, which carries the key's certificate and lets the owner
 * find its key by the public key a voucher names. A data directory whose keys are software keys
 * is not silently switched: the operator asked for hardware keys and would get software ones.
 */
import { type PrivateKeyLike, spkiOf } from '../crypto/private-key-handle.ts';
import { KeystoreError } from '../keystore/errors.ts';
import type { Keystore, KeystoreKeyType } from '../keystore/keystore.ts';
import type { Store } from '../store/store.ts';

export async function ensureTokenKey(
  store: Store,
  keystore: Keystore,
  name: string,
  type: KeystoreKeyType,
  created: string[],
): Promise<PrivateKeyLike> {
  const record = await store.keys.get(name);
  if (record?.privateKey !== undefined) {
    throw new KeystoreError(
      'ERR_KEYSTORE_CONFIG',
      `--keystore ${keystore.backend}: the store holds the software key "${name}"; start with --keystore software, or use a new data directory for keys in the token`,
    );
  }
  let key = await keystore.get(name);
  if (key === undefined) {
    if (record !== undefined) {
      throw new KeystoreError('ERR_KEYSTORE_KEY_NOT_FOUND', `key "${name}" is recorded in the store but is not in the configured token`);
    }
    key = await keystore.generate(name, type);
    created.push(name);
  }
  const spki = spkiOf(key);
  if (record === undefined) {
    await store.keys.create({ name, type, publicKey: spki });
  } else if (Buffer.compare(Buffer.from(record.publicKey), spki) !== 0) {
    throw new KeystoreError('ERR_KEYSTORE_KEY_NOT_FOUND', `key "${name}" in the token is not the key the store recorded under that name`);
  }
  return key;
}
