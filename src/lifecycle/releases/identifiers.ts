/**
 * SUIT vendor and class identifiers as draft-ietf-suit-manifest-37 §8.4.8.2 and §8.4.8.3 recommend
 * them: the vendor id a name-based UUID (version 5, RFC 9562 §5.5) of the vendor's domain name in
 * the DNS namespace, the class id a version 5 UUID of the model name in the vendor id's namespace.
 * A device computes the same two from its vendor domain and model and checks them before installing.
 */
import { createHash } from 'node:crypto';

/** The DNS name space ID, RFC 9562 §6.6: 6ba7b810-9dad-11d1-80b4-00c04fd430c8. */
const NAMESPACE_DNS = new Uint8Array(Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex'));

/** A version 5 UUID (RFC 9562 §5.5): SHA-1 of namespace and name, version and variant bits set. */
export function uuidV5(namespace: Uint8Array, name: string): Uint8Array {
  if (namespace.length !== 16) throw new TypeError('a UUID namespace is 16 bytes');
  const h = new Uint8Array(createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16));
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  return h;
}

export const vendorIdOf = (vendorDomain: string): Uint8Array => uuidV5(NAMESPACE_DNS, vendorDomain);
export const classIdOf = (vendorId: Uint8Array, model: string): Uint8Array => uuidV5(vendorId, model);

/** A DNS name of letters, digits and hyphens in dot-separated labels (at most 253 characters). */
export const VENDOR_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
