/**
 * A certificate kept beside its key in the store: the kept one when it is readable and for this
 * key, otherwise one made now and kept. Every restart and every replica then presents the same
 * bytes, which a certificate made again would not be (an ECDSA signature differs each time).
 */
import { X509Certificate } from 'node:crypto';
import { type PrivateKeyLike, spkiOf } from '../crypto/private-key-handle.ts';
import type { Store } from '../store/store.ts';

/** The kept certificate of key `name`, or `make()`'s, kept now; `created` notes a new one. */
export async function keptCertificate(
  store: Store,
  name: string,
  key: PrivateKeyLike,
  make: () => X509Certificate,
  created: string[],
): Promise<X509Certificate> {
  const stored = readCertificate((await store.keys.get(name))?.certificate, key);
  if (stored !== undefined) return stored;
  const certificate = make();
  await store.keys.setCertificate(name, new Uint8Array(certificate.raw));
  created.push(`${name}.certificate`);
  // Replicas starting together may each write one: use whichever the store kept.
  return readCertificate((await store.keys.get(name))?.certificate, key) ?? certificate;
}

function readCertificate(der: Uint8Array | undefined, key: PrivateKeyLike): X509Certificate | undefined {
  if (der === undefined) return undefined;
  try {
    const certificate = new X509Certificate(der);
    const spki = new Uint8Array(certificate.publicKey.export({ format: 'der', type: 'spki' }));
    return Buffer.compare(spki, spkiOf(key)) === 0 ? certificate : undefined;
  } catch {
    return undefined;
  }
}
