/** Key pairs for tests, made once per process: RSA generation is slow and most tests need a few. */
import { generateKeyPair, type KeyPair, type KeyPairType } from '../../src/crypto/key-generate.ts';

const cache = new Map<string, Promise<KeyPair>>();

/** The key pair of `type` in `slot`: the same pair for the same slot, distinct pairs for others. */
export function cachedKeys(type: KeyPairType, slot = 0): Promise<KeyPair> {
  const id = `${type}/${slot}`;
  let pair = cache.get(id);
  if (pair === undefined) cache.set(id, (pair = generateKeyPair(type)));
  return pair;
}
