import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { encode } from '../src/codec/cbor.ts';
import { Algorithm } from '../src/codec/cose/algorithms.ts';
import { decodeSign1, signSign1, verifySign1 } from '../src/codec/cose/sign1.ts';
import { type Measurement, measure } from './measure.ts';

export interface RatioRow {
  name: string;
  /** ops/s of the IoTopia operation divided by ops/s of the bare node:crypto operation. */
  ratio: number;
}

/**
 * COSE_Sign1 sign and verify for ES256 and ES384 next to node:crypto alone on the same bytes (the
 * Sig_structure), in the same run: the ratio is the cost of the COSE layer (CBOR, headers, checks).
 */
export function coseBench(seconds: number): { results: Measurement[]; ratios: RatioRow[] } {
  const results: Measurement[] = [];
  const ratios: RatioRow[] = [];
  const payload = new Uint8Array(100).fill(0x42);
  for (const [name, alg, curve, hash] of [
    ['ES256', Algorithm.ES256, 'P-256', 'sha256'],
    ['ES384', Algorithm.ES384, 'P-384', 'sha384'],
  ] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const protectedHeaders = new Map([[1, alg]]);
    const message = signSign1({ payload, key: privateKey, protectedHeaders });
    const tbs = sigStructureOf(message, payload);
    // Sanity: the bare operation is checked over exactly the bytes COSE signed.
    if (!verify(hash, tbs, { key: publicKey, dsaEncoding: 'ieee-p1363' }, decodeSign1(message).signature))
      throw new Error('Sig_structure mismatch');
    // The floors are node:crypto's fastest plain calls on these bytes: a bare KeyObject and DER
    // signatures (the signature converted once, outside the loop).
    const rawSig = sign(hash, tbs, privateKey);
    const rows = [
      measure(`COSE_Sign1 sign ${name} (100-byte payload)`, () => signSign1({ payload, key: privateKey, protectedHeaders }), seconds),
      measure(`node:crypto sign ${name} (same bytes)`, () => sign(hash, tbs, privateKey), seconds),
      measure(`COSE_Sign1 verify ${name} (decode + verify)`, () => verifySign1(message, { key: publicKey }), seconds),
      measure(`node:crypto verify ${name} (same bytes)`, () => verify(hash, tbs, publicKey, rawSig), seconds),
    ];
    results.push(...rows);
    const [s, rs, v, rv] = rows as [Measurement, Measurement, Measurement, Measurement];
    ratios.push({ name: `COSE_Sign1 sign ${name} / raw`, ratio: round(s.opsPerSec / rs.opsPerSec) });
    ratios.push({ name: `COSE_Sign1 verify ${name} / raw`, ratio: round(v.opsPerSec / rv.opsPerSec) });
  }
  return { results, ratios };
}

const round = (x: number): number => Number(x.toFixed(3));

/** The Sig_structure ["Signature1", protected, h'', payload] (RFC 9052 §4.4) the message was signed over. */
function sigStructureOf(message: Uint8Array, payload: Uint8Array): Uint8Array {
  return encode(['Signature1', decodeSign1(message).protectedBytes, new Uint8Array(0), payload]);
}
