/** Shared fixtures for the FDO tests: one cached key pair per type, certificates on demand. */
import type { X509Certificate } from 'node:crypto';
import { generateKeyPair, type KeyPair, type KeyPairType } from '../../../src/crypto/key-generate.ts';
import { createCertificate } from '../../../src/crypto/x509-create.ts';

const cache = new Map<string, Promise<KeyPair>>();

/** A key pair of `type`; `slot` gives further distinct pairs of the same type. */
export function keys(type: KeyPairType, slot = 0): Promise<KeyPair> {
  const id = `${type}/${slot}`;
  let p = cache.get(id);
  if (p === undefined) cache.set(id, (p = generateKeyPair(type)));
  return p;
}

/** A certificate for `subject`, self-signed or issued by `issuer`. */
export function certificateFor(
  subject: KeyPair,
  issuer?: { keys: KeyPair; certificate: X509Certificate },
  ca = false,
  name = 'IoTopia test',
): X509Certificate {
  return createCertificate({
    subject: { commonName: name },
    publicKey: subject.publicKey,
    signer:
      issuer === undefined ? { privateKey: subject.privateKey } : { privateKey: issuer.keys.privateKey, certificate: issuer.certificate },
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2044-01-01T00:00:00Z'),
    ca,
  });
}
