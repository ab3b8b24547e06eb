/**
 * The demo's MUD signer, made at start: a CA (the MUD manager's signer trust anchor, written next
 * to the data) and a signing certificate it issued. MUD files are signed as `iotopia mud sign`
 * signs them (RFC 8520 §13).
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { generateKeyPair } from '../../crypto/key-generate.ts';
import { createCertificate } from '../../crypto/x509-create.ts';
import { signMudFile } from '../../mud/signature/cms-sign.ts';

export interface DemoMudSigner {
  /** The CA's PEM file (the intent role's --intent-mud-signer-ca). */
  caFile: string;
  sign(content: Uint8Array): Uint8Array;
}

const YEAR_MS = 365 * 24 * 3_600_000;

export async function makeMudSigner(caFile: string, organization: string): Promise<DemoMudSigner> {
  const now = Date.now();
  const valid = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 5 * YEAR_MS) };
  const ca = await generateKeyPair('secp256r1');
  const caCert = createCertificate({
    subject: { organization, commonName: `${organization} MUD CA` },
    publicKey: ca.publicKey,
    signer: { privateKey: ca.privateKey },
    ca: true,
    ...valid,
  });
  const leaf = await generateKeyPair('secp256r1');
  const leafCert: X509Certificate = createCertificate({
    subject: { organization, commonName: `${organization} MUD signer` },
    publicKey: leaf.publicKey,
    signer: { privateKey: ca.privateKey, certificate: caCert },
    ...valid,
  });
  await writeFile(caFile, caCert.toString(), { mode: 0o600 });
  const key: KeyObject = leaf.privateKey;
  return { caFile, sign: (content) => signMudFile(content, { privateKey: key, certificate: leafCert }) };
}
