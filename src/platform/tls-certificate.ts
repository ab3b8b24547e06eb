/**
 * The server's own TLS certificate, for when the operator gives none: a platform TLS CA (its key
 * sealed in the store like the other platform keys, its certificate made once with fixed fields
 * and kept beside the key, so every replica and restart presents the same one) issues a server certificate
 * for the names the server is reached at. The server key is kept in the store too; its
 * certificate is issued again when the names change or it nears its end. The CA certificate is
 * written to <dataDir>/tls/ca.pem so clients can trust it (`--tls-ca`).
 */

import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generateKeyPair } from '../crypto/key-generate.ts';
import { createCertificate } from '../crypto/x509-create.ts';
import { ipAddressOctets, subjectAltNameExtension } from '../crypto/x509-san.ts';
import { IotopiaError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { fixedCaCertificate } from './fixed-ca.ts';
import { keptCertificate } from './kept-certificate.ts';
import { privateKeyOf, putKeyPair } from './key-records.ts';

export const TLS_CA_KEY = 'tls-ca';
export const TLS_SERVER_KEY = 'tls-server';
/** Where the CA certificate is written, under the data directory. */
export const TLS_CA_FILE = join('tls', 'ca.pem');

/** Server certificates live about 13 months (within the 398 days browsers accept) and are renewed 30 days before. */
const SERVER_VALIDITY_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TlsCertificate {
  /** PEM of the server's private key (PKCS #8). */
  key: string;
  /** PEM of the server certificate followed by the CA certificate. */
  cert: string;
  /** PEM of the CA certificate, the one clients trust. */
  caPem: string;
  certificate: X509Certificate;
  /** Where the CA certificate was written. */
  caFile: string;
  /** What was made now (key or certificate names), for the start-up message. */
  created: string[];
}

async function ensureKey(store: Store, name: string, created: string[]): Promise<KeyObject> {
  const existing = await store.keys.get(name);
  if (existing === undefined) {
    const pair = await generateKeyPair('secp256r1');
    try {
      await putKeyPair(store.keys, { name, type: 'secp256r1', privateKey: pair.privateKey });
      created.push(name);
      return pair.privateKey;
    } catch (e) {
      // Another replica made it first: use theirs.
      if ((await store.keys.get(name)) === undefined) throw e;
      return ensureKey(store, name, created);
    }
  }
  const key = privateKeyOf(existing);
  if (key === undefined) throw new IotopiaError('ERR_PLATFORM_KEY', `key "${name}" has no private half in the store`);
  return key;
}

/** A name as compared: an IP address by its octets (Node prints IPv6 expanded), a DNS name in lower case. */
const nameKey = (name: string) => (isIP(name) === 0 ? name.toLowerCase() : Buffer.from(ipAddressOctets(name)).toString('hex'));

/** True when the stored certificate fits the key, the CA, the names and the date. */
function stillGood(der: Uint8Array | undefined, key: KeyObject, ca: X509Certificate, names: readonly string[], now: Date): boolean {
  if (der === undefined) return false;
  try {
    const c = new X509Certificate(der);
    const sans = (c.subjectAltName ?? '').split(', ').map((s) => nameKey(s.replace(/^(DNS|IP Address):/, '')));
    return (
      c.checkPrivateKey(key) &&
      c.verify(ca.publicKey) &&
      names.every((n) => sans.includes(nameKey(n))) &&
      new Date(c.validTo).getTime() - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS
    );
  } catch {
    return false;
  }
}

/**
 * The server certificate for `names` (host names and IP addresses), from the store or made now,
 * and the CA certificate written to `<dataDir>/tls/ca.pem` (directory 0700, file 0600).
 */
export async function ensureTlsCertificate(store: Store, dataDir: string, names: readonly string[], now: Date): Promise<TlsCertificate> {
  if (names.length === 0) throw new TypeError('ensureTlsCertificate needs at least one name');
  const created: string[] = [];
  const caKey = await ensureKey(store, TLS_CA_KEY, created);
  const ca = await keptCertificate(store, TLS_CA_KEY, caKey, () => fixedCaCertificate('IoTopia TLS CA', caKey), created);
  const key = await ensureKey(store, TLS_SERVER_KEY, created);
  let certificate: X509Certificate;
  const stored = (await store.keys.get(TLS_SERVER_KEY))?.certificate;
  if (stillGood(stored, key, ca, names, now)) {
    certificate = new X509Certificate(stored as Uint8Array);
  } else {
    certificate = createCertificate({
      subject: { commonName: names[0] as string },
      publicKey: createPublicKey(key),
      signer: { privateKey: caKey, certificate: ca },
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
      keyUsage: ['digitalSignature'],
      extensions: [subjectAltNameExtension(names)],
    });
    await store.keys.setCertificate(TLS_SERVER_KEY, new Uint8Array(certificate.raw));
    created.push(`${TLS_SERVER_KEY}.certificate`);
  }
  const caFile = writeCaFile(dataDir, ca.toString());
  return {
    key: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    cert: `${certificate.toString()}${ca.toString()}`,
    caPem: ca.toString(),
    certificate,
    caFile,
    created,
  };
}

function writeCaFile(dataDir: string, pem: string): string {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dataDir, TLS_CA_FILE);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== pem) writeFileSync(file, pem, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
