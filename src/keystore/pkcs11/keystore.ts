/**
 * The PKCS#11 keystore: keys generated in a token and used there. A key named `name` is the key
 * pair whose CKA_LABEL is the label prefix followed by the name; objects without the prefix are
 * not IoTopia's and are neither listed nor touched.
 */
import { KeystoreError } from '../errors.ts';
import { checkKeyName, isKeystoreKeyType, KEY_NAME, type Keystore, type KeystoreEntry } from '../keystore.ts';
import { checkPkcs11Config, DEFAULT_LABEL_PREFIX, type Pkcs11Config } from './config.ts';
import { type Pkcs11KeyHandle, pkcs11Handle } from './handle.ts';
import { destroyTokenKey, findObjects, findTokenKey, generateTokenKey, labelOf } from './keys.ts';
import { type SealingKey, sealingKey } from './sealing-key.ts';
import { closeSession, openSession, type Pkcs11Session } from './session.ts';

export interface Pkcs11Keystore extends Keystore {
  readonly backend: 'pkcs11';
  get(name: string): Promise<Pkcs11KeyHandle | undefined>;
  /** Destroys the key pair in the token; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** The AES sealing key `name` in the token (made now when `create`), or undefined. */
  sealingKey(name: string, create: boolean): SealingKey | undefined;
}

/** Opens the token session (or joins this process's) and logs in. */
export function openPkcs11Keystore(config: Pkcs11Config): Pkcs11Keystore {
  checkPkcs11Config(config);
  const prefix = config.labelPrefix ?? DEFAULT_LABEL_PREFIX;
  const s = openSession(config);
  let closed = false;
  const session = (): Pkcs11Session => {
    if (closed) throw new KeystoreError('ERR_KEYSTORE_CLOSED', 'the PKCS#11 keystore was closed');
    return s;
  };
  const cache = new Map<string, Pkcs11KeyHandle>();
  const find = (name: string): Pkcs11KeyHandle | undefined => {
    checkKeyName(name);
    const known = cache.get(name);
    if (known !== undefined) return known;
    const key = findTokenKey(session(), prefix + name);
    if (key === undefined) return undefined;
    const handle = pkcs11Handle(s, name, key.type, key.publicKey, key.privateObject);
    cache.set(name, handle);
    return handle;
  };
  return {
    backend: 'pkcs11',
    async list() {
      const entries: KeystoreEntry[] = [];
      for (const object of findObjects(session(), s.api.CKO_PRIVATE_KEY)) {
        const label = labelOf(s, object);
        const name = label.slice(prefix.length);
        if (!label.startsWith(prefix) || !KEY_NAME.test(name)) continue;
        const handle = find(name);
        if (handle !== undefined && isKeystoreKeyType(handle.type))
          entries.push({ name, type: handle.type, backend: 'pkcs11', publicKey: handle.publicKey });
      }
      return entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    },
    async generate(name, type) {
      if (find(name) !== undefined) throw new KeystoreError('ERR_KEYSTORE_KEY_EXISTS', `the token holds a key named "${name}" already`);
      if (!isKeystoreKeyType(type)) throw new TypeError(`unsupported key type ${String(type)}`);
      const key = generateTokenKey(session(), prefix + name, type);
      const handle = pkcs11Handle(s, name, type, key.publicKey, key.privateObject);
      cache.set(name, handle);
      return handle;
    },
    async import() {
      throw new KeystoreError(
        'ERR_KEYSTORE_UNSUPPORTED',
        'the PKCS#11 keystore does not import keys: keys are generated in the token so that they never exist outside it',
      );
    },
    async get(name) {
      return find(name);
    },
    async exportPublic(name) {
      return find(name)?.publicKey;
    },
    async delete(name) {
      checkKeyName(name);
      cache.delete(name);
      return destroyTokenKey(session(), prefix + name);
    },
    sealingKey(name, create) {
      checkKeyName(name);
      return sealingKey(session(), prefix + name, create);
    },
    async close() {
      if (closed) return;
      closed = true;
      cache.clear();
      closeSession(config);
    },
  };
}
