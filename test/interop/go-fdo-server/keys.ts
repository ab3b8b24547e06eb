/**
 * Key material for a go-fdo-server deployment, written as it reads it: private keys as PKCS #8
 * DER, certificates as PEM. Made with IoTopia's own key and certificate code.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type KeyPairType } from '../../../src/crypto/key-generate.ts';
import { createCertificate } from '../../../src/crypto/x509-create.ts';

export interface KeyFiles {
  privateKey: KeyObject;
  certificate: X509Certificate;
  /** PKCS #8 DER. */
  keyPath: string;
  /** PEM. */
  certPath: string;
}

/** A self-signed certificate over `privateKey` (a CA certificate when `ca`). */
export function selfSigned(privateKey: KeyObject, commonName: string, ca = false): X509Certificate {
  return createCertificate({
    subject: { commonName },
    publicKey: privateKey,
    signer: { privateKey },
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 365 * 86400_000),
    ca,
  });
}

/** Writes `privateKey` (made when not given) and a self-signed certificate for it into `dir`. */
export async function keyFiles(dir: string, name: string, type: KeyPairType, ca = false, given?: KeyObject): Promise<KeyFiles> {
  const privateKey = given ?? (await generateKeyPair(type)).privateKey;
  const certificate = selfSigned(privateKey, `IoTopia interop ${name}`, ca);
  const keyPath = join(dir, `${name}.der`);
  const certPath = join(dir, `${name}.pem`);
  await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'der' }), { mode: 0o600 });
  await writeFile(certPath, certificate.toString());
  return { privateKey, certificate, keyPath, certPath };
}
