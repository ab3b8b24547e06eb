/**
 * MUD signature and MUD URL throughput: signing and verifying a 200-ACE MUD file (ECDSA P-256 and
 * RSA 2048; verification with and without the certificate path), CMS parsing alone, and MUD URL
 * decoding. Run on its own: `node bench/mud-signature.ts` (BENCH_SECONDS per measurement, default 1).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createCertificate } from '../src/crypto/x509-create.ts';
import { parseMudSignature } from '../src/mud/signature/cms-parse.ts';
import { signMudFile } from '../src/mud/signature/cms-sign.ts';
import { verifyMudSignature } from '../src/mud/signature/cms-verify.ts';
import { ID_PE_MUD_URL } from '../src/mud/url/constants.ts';
import { decodeDhcp4MudUrl, encodeDhcp4MudUrl } from '../src/mud/url/dhcp.ts';
import { encodeMudUrlExtension, readCertificateMudExtensions } from '../src/mud/url/x509.ts';
import { type Measurement, machine, measure } from './measure.ts';
import { generatedMudFile } from './mud.ts';

export function mudSignatureBench(seconds: number): { fileBytes: number; results: Measurement[] } {
  const content = new TextEncoder().encode(generatedMudFile());
  const notBefore = new Date('2025-01-01T00:00:00Z');
  const notAfter = new Date('2035-01-01T00:00:00Z');
  const time = new Date('2026-06-01T00:00:00Z');
  const results: Measurement[] = [];
  for (const kind of ['P-256', 'rsa2048'] as const) {
    const pair = () =>
      kind === 'P-256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rootKey = pair();
    const leafKey = pair();
    const root = createCertificate({
      subject: { commonName: 'Bench Root' },
      publicKey: rootKey.publicKey,
      signer: { privateKey: rootKey.privateKey },
      notBefore,
      notAfter,
      ca: true,
    });
    const leaf = createCertificate({
      subject: { commonName: 'bench signer' },
      publicKey: leafKey.publicKey,
      signer: { privateKey: rootKey.privateKey, certificate: root },
      notBefore,
      notAfter,
    });
    const options = { privateKey: leafKey.privateKey, certificate: leaf, signingTime: time };
    const signature = signMudFile(content, options);
    results.push(measure(`mud sign ${kind}`, () => signMudFile(content, options), seconds, 4));
    results.push(
      measure(
        `mud verify ${kind} (digest, signature)`,
        () => verifyMudSignature(content, signature, { checkChain: false, time }),
        seconds,
        4,
      ),
    );
    results.push(
      measure(
        `mud verify ${kind} (all checks, chain to a root)`,
        () => verifyMudSignature(content, signature, { trustAnchors: [root], time }),
        seconds,
        4,
      ),
    );
    if (kind === 'P-256') results.push(measure('mud signature parse (CMS)', () => parseMudSignature(signature), seconds, 8));
  }
  const option = encodeDhcp4MudUrl('https://bench.example/mud/hub.json');
  results.push(measure('MUD URL DHCPv4 decode', () => decodeDhcp4MudUrl(option), seconds));
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const device = createCertificate({
    subject: { commonName: 'bench device' },
    publicKey: key.publicKey,
    signer: { privateKey: key.privateKey },
    notBefore,
    notAfter,
    extensions: [{ oid: ID_PE_MUD_URL, value: encodeMudUrlExtension('https://bench.example/mud/hub.json') }],
  });
  const der = new Uint8Array(device.raw);
  results.push(measure('MUD URL from a certificate (DER)', () => readCertificateMudExtensions(der), seconds, 8));
  return { fileBytes: content.length, results };
}

if (import.meta.main) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 1);
  process.stdout.write(`${JSON.stringify({ machine: machine(), mudSignature: mudSignatureBench(seconds) }, null, 2)}\n`);
}
