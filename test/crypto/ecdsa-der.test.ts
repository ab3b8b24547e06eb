import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { test } from 'node:test';
import { derToP1363Signature, p1363ToDerSignature } from '../../src/codec/cose/ecdsa-signature.ts';
import { sequence, unsignedInteger } from '../../src/crypto/lib/der-write.ts';

/** The DER Ecdsa-Sig-Value written with the general DER writer, as the reference. */
const p1363ToDer = (rs: Uint8Array) =>
  sequence(unsignedInteger(rs.subarray(0, rs.length / 2)), unsignedInteger(rs.subarray(rs.length / 2)));

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

test('p1363ToDerSignature encodes exactly as the general DER writer, including zero, high-bit and P-521 sizes', () => {
  const cases: Uint8Array[] = [
    new Uint8Array(64),
    Buffer.concat([Buffer.alloc(32, 0xff), Buffer.alloc(32, 0x01)]),
    Buffer.concat([Buffer.alloc(31, 0), Buffer.of(0x80), Buffer.alloc(32, 0x7f)]),
    Buffer.alloc(132, 0xff),
  ];
  for (const size of [32, 48, 66]) for (let k = 0; k < 200; k++) cases.push(randomBytes(2 * size));
  for (const c of cases) assert.deepEqual(new Uint8Array(p1363ToDerSignature(c)), p1363ToDer(c));
});

test('p1363ToDerSignature refuses an odd or empty r||s', () => {
  assert.throws(() => p1363ToDerSignature(new Uint8Array(0)), TypeError);
  assert.throws(() => p1363ToDerSignature(new Uint8Array(63)), TypeError);
});

test('derToP1363Signature reads what node:crypto signs on P-256, P-384 and P-521, matching its ieee-p1363 output', () => {
  const data = Buffer.from('Sig_structure bytes');
  for (const [curve, size] of [
    ['P-256', 32],
    ['P-384', 48],
    ['P-521', 66],
  ] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let k = 0; k < 20; k++) {
      const raw = derToP1363Signature(sign(null, data, privateKey), size);
      assert.equal(raw.length, 2 * size);
      assert.ok(verify(null, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
      assert.deepEqual(derToP1363Signature(p1363ToDerSignature(raw), size), raw);
    }
  }
});

test('derToP1363Signature left-pads short integers', () => {
  assert.deepEqual(derToP1363Signature(hex('3006 020101 020102'), 4), hex('00000001 00000002'));
  assert.deepEqual(derToP1363Signature(hex('3008 02020080 02020081'), 2), hex('0080 0081'));
});

test('derToP1363Signature is strict about the DER it reads', () => {
  const bad: [string, string][] = [
    ['not a SEQUENCE', '3106 020101 020102'],
    ['SEQUENCE longer than the input', '3007 020101 020102'],
    ['trailing bytes after the SEQUENCE', '3006 020101 020102 00'],
    ['bytes after the INTEGERs inside the SEQUENCE', '3008 020101 020102 0500'],
    ['long-form length below 128', '308106 020101 020102'],
    ['a member that is not an INTEGER', '3006 040101 020102'],
    ['an empty INTEGER', '3005 0200 020102'],
    ['a negative INTEGER', '3006 020181 020102'],
    ['a non-minimal INTEGER', '3007 02020001 020102'],
    ['an INTEGER larger than the size', '3009 0203010000 020102'],
    ['a missing s', '3003 020101'],
    ['an INTEGER running past the SEQUENCE', '3006 020101 020302'],
  ];
  for (const [why, der] of bad) assert.throws(() => derToP1363Signature(hex(der), 2), TypeError, why);
});
