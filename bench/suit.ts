import { generateKeyPairSync, verify } from 'node:crypto';
import { encode } from '../src/codec/cbor.ts';
import { p1363ToDerSignature } from '../src/codec/cose/ecdsa-signature.ts';
import { decodeSign1 } from '../src/codec/cose/sign1.ts';
import { signEnvelope, verifyEnvelope } from '../src/suit/authenticate.ts';
import { buildEnvelope } from '../src/suit/create/build.ts';
import { parseDescription } from '../src/suit/create/description.ts';
import { decodeEnvelope, readEnvelope } from '../src/suit/envelope.ts';
import { interleavedRatio, type Measurement, measure } from './measure.ts';

/**
 * SUIT envelopes verified per second (digest, COSE_Sign1 ES256, manifest decode, severable digests)
 * next to the bare ES256 verification of the same Sig_structure with node:crypto, in the same run.
 * The envelope has the shape of the draft's example 4 (three components, load and fetch sequences).
 */
export function suitBench(seconds: number): { results: Measurement[]; ratios: { name: string; ratio: number }[]; envelopeBytes: number } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const digest = (n: number) => ({ 'algorithm-id': 'sha256', 'digest-bytes': Buffer.alloc(32, n).toString('hex') });
  const description = {
    'manifest-sequence-number': 4,
    severable: true,
    components: [
      {
        'install-id': ['00'],
        'download-id': ['02'],
        'load-id': ['01'],
        'install-on-download': false,
        'install-digest': digest(1),
        'install-size': 34768,
        'download-digest': digest(2),
        'load-digest': digest(3),
        'load-size': 76834,
        uri: 'https://updates.example/file.bin',
        'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
        'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
        bootable: true,
        loadable: true,
      },
    ],
  };
  const envelope = signEnvelope(buildEnvelope(parseDescription(description)), { key: privateKey });
  const raw = readEnvelope(envelope);
  const block = decodeSign1(raw.authentication.blocks[0] as Uint8Array);
  const tbs = encode(['Signature1', block.protectedBytes, new Uint8Array(0), raw.authentication.digestBytes]);
  if (!verify('sha256', tbs, { key: publicKey, dsaEncoding: 'ieee-p1363' }, block.signature)) throw new Error('Sig_structure mismatch');
  // The floor is node:crypto's fastest plain verify of these bytes: a bare KeyObject and the DER form
  // of the same signature, converted once outside the loop.
  const derSignature = p1363ToDerSignature(block.signature);
  const floor = () => verify('sha256', tbs, publicKey, derSignature);
  if (!floor()) throw new Error('DER signature mismatch');
  const keys = [publicKey];
  const rows = [
    measure(
      `SUIT envelope verify ES256 (${envelope.length} bytes, 2 severable members)`,
      () => verifyEnvelope(envelope, { keys }),
      seconds,
    ),
    measure('node:crypto verify ES256 (same Sig_structure, bare KeyObject, DER signature)', floor, seconds),
    measure('SUIT envelope decode only (no crypto)', () => decodeEnvelope(envelope), seconds),
  ];
  const [v, rv] = rows as [Measurement, Measurement, Measurement];
  const interleaved = interleavedRatio(() => verifyEnvelope(envelope, { keys }), floor, seconds);
  return {
    results: rows,
    ratios: [
      { name: 'SUIT envelope verify / raw ES256 verify', ratio: Number((v.opsPerSec / rv.opsPerSec).toFixed(3)) },
      { name: 'SUIT envelope verify / raw ES256 verify (interleaved)', ratio: interleaved },
    ],
    envelopeBytes: envelope.length,
  };
}
