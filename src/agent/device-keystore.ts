/**
 * The agent's device key in a PKCS#11 token. The credential names the key by an RFC 7512 PKCS#11
 * URI (`pkcs11:token=…;object=…`) in its keystoreRef, so it says where the key is without holding
 * it; the module path and the PIN come from the agent's settings when it onboards.
 */
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import type { DeviceKeyStore } from '../fdo/protocol/to2-ports.ts';
import { KeystoreError } from '../keystore/errors.ts';
import { DEFAULT_LABEL_PREFIX } from '../keystore/pkcs11/config.ts';
import type { Pkcs11Keystore } from '../keystore/pkcs11/keystore.ts';

/** RFC 7512 §2.3: token and object attribute values, percent-encoded outside the unreserved set. */
export function pkcs11Ref(token: string, label: string): string {
  return `pkcs11:token=${encodeURIComponent(token)};object=${encodeURIComponent(label)}`;
}

/** The token and object label of a `pkcs11:` keystoreRef, or undefined for any other reference. */
export function parsePkcs11Ref(ref: string): { token: string; object: string } | undefined {
  if (!ref.startsWith('pkcs11:')) return undefined;
  const attrs = new Map<string, string>();
  for (const part of ref.slice('pkcs11:'.length).split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    try {
      attrs.set(part.slice(0, eq), decodeURIComponent(part.slice(eq + 1)));
    } catch {
      return undefined;
    }
  }
  const token = attrs.get('token');
  const object = attrs.get('object');
  return token === undefined || object === undefined ? undefined : { token, object };
}

/** Device keys found in `keystore` (one token) by the keystoreRef of a credential. */
export function tokenDeviceKeys(keystore: Pkcs11Keystore, token: string, labelPrefix = DEFAULT_LABEL_PREFIX): DeviceKeyStore {
  return {
    async privateKeyFor(ref: string): Promise<PrivateKeyLike | undefined> {
      const parsed = parsePkcs11Ref(ref);
      if (parsed === undefined || parsed.token !== token || !parsed.object.startsWith(labelPrefix)) return undefined;
      return keystore.get(parsed.object.slice(labelPrefix.length));
    },
  };
}

/** ERR_KEYSTORE_KEY_NOT_FOUND naming the reference (a printable URI IoTopia wrote itself). */
export function deviceKeyMissing(ref: string): KeystoreError {
  return new KeystoreError('ERR_KEYSTORE_KEY_NOT_FOUND', `the device key ${JSON.stringify(ref)} is not in the configured token`);
}
