/** TLS handshakes and certificates for the transport tests (real sockets on 127.0.0.1). */
import type { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { createCertificate } from '../../../src/crypto/x509-create.ts';
import { subjectAltNameExtension } from '../../../src/crypto/x509-san.ts';

export interface Handshake {
  fingerprint: string;
  subjectAltName: string | undefined;
}

/** One TLS handshake: the server certificate's fingerprint, or a rejection with the TLS error. */
export function handshake(port: number, o: { ca?: string; cert?: string; key?: string; servername?: string } = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: o.servername ?? 'localhost', ...o }, () => {
      const peer = socket.getPeerX509Certificate();
      socket.end();
      if (peer === undefined) reject(new Error('no peer certificate'));
      else resolve({ fingerprint: peer.fingerprint256, subjectAltName: peer.subjectAltName });
    });
    socket.on('error', reject);
  });
}

export interface TestCa {
  pem: string;
  key: string;
  certificate: X509Certificate;
  /** A leaf for `names` (server) or a client certificate: PEM chain and key. */
  issue(commonName: string, names?: string[]): Promise<{ cert: string; key: string; fingerprint: string }>;
}

export async function testCa(commonName: string): Promise<TestCa> {
  const ca = await generateKeyPair('secp256r1');
  const now = Date.now();
  const certificate = createCertificate({
    subject: { commonName },
    publicKey: ca.publicKey,
    signer: { privateKey: ca.privateKey },
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
    ca: { pathLength: 0 },
  });
  return {
    pem: certificate.toString(),
    key: ca.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certificate,
    async issue(cn, names) {
      const leaf = await generateKeyPair('secp256r1');
      const c = createCertificate({
        subject: { commonName: cn },
        publicKey: leaf.publicKey,
        signer: { privateKey: ca.privateKey, certificate },
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + 86_400_000),
        ...(names === undefined ? {} : { extensions: [subjectAltNameExtension(names)] }),
      });
      return {
        cert: c.toString(),
        key: leaf.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        fingerprint: c.fingerprint256,
      };
    },
  };
}

/** Waits for `check` to hold, trying every 100 ms; fails after `limitMs` (a deadline, not a timing claim). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
