import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import { test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createCertificationRequest, readCertificationRequest } from '../../src/crypto/csr.ts';
import { CryptoError } from '../../src/crypto/errors.ts';

const isCsrError = (e: unknown): boolean => e instanceof CryptoError && e.code === 'ERR_CSR_INVALID';

test('a certification request round-trips for EC and RSA keys and certifies the right key', () => {
  for (const pair of [
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ]) {
    const csr = createCertificationRequest(pair.privateKey, 'device-1');
    assert.ok(readCertificationRequest(csr).publicKey.equals(pair.publicKey));
  }
});

test('pkijs reads the requests written here as they are: the same bytes re-encoded, the subject, no attributes, a valid signature', async () => {
  const cases = [
    [generateKeyPairSync('ec', { namedCurve: 'P-256' }), '1.2.840.10045.4.3.2'],
    [generateKeyPairSync('ec', { namedCurve: 'P-384' }), '1.2.840.10045.4.3.3'],
    [generateKeyPairSync('rsa', { modulusLength: 2048 }), '1.2.840.113549.1.1.11'],
    [generateKeyPairSync('rsa', { modulusLength: 3072 }), '1.2.840.113549.1.1.12'],
  ] as const;
  for (const [pair, oid] of cases) {
    const csr = createCertificationRequest(pair.privateKey, 'SN-ü-0001');
    const parsed = pkijs.CertificationRequest.fromBER(csr);
    assert.deepEqual(new Uint8Array(parsed.toSchema().toBER()), csr, `${oid}: pkijs writes the same DER back`);
    assert.equal(parsed.version, 0);
    assert.equal(parsed.signatureAlgorithm.algorithmId, oid);
    assert.deepEqual(
      parsed.subject.typesAndValues.map((t) => [t.type, t.value.valueBlock.value]),
      [['2.5.4.3', 'SN-ü-0001']],
    );
    assert.equal(parsed.attributes, undefined);
    assert.ok(await parsed.verify(), `${oid}: pkijs verifies the self-signature`);
  }
});

test('garbage, truncation and a broken self-signature are ERR_CSR_INVALID', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = createCertificationRequest(privateKey, 'device-1');
  const flipped = csr.slice();
  flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 1;
  assert.throws(() => readCertificationRequest(Uint8Array.of(1, 2, 3)), isCsrError);
  assert.throws(() => readCertificationRequest(csr.subarray(0, csr.length - 10)), isCsrError);
  assert.throws(() => readCertificationRequest(flipped), isCsrError);
});

/** A request as another toolkit writes it: pkijs, with a challengePassword attribute and a longer subject. */
async function pkijsRequest(keys: webcrypto.CryptoKeyPair, hash: 'SHA-256' | 'SHA-384'): Promise<Uint8Array> {
  const req = new pkijs.CertificationRequest();
  req.subject.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.6', value: new asn1js.PrintableString({ value: 'NL' }) }));
  req.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'go-device' }) }),
  );
  req.attributes = [new pkijs.Attribute({ type: '1.2.840.113549.1.9.7', values: [new asn1js.PrintableString({ value: 'secret' })] })];
  await req.subjectPublicKeyInfo.importKey(keys.publicKey);
  await req.sign(keys.privateKey, hash);
  return new Uint8Array(req.toSchema().toBER());
}

test('requests written by pkijs (attributes, a longer subject) read as pkijs reads them, for EC and RSA', async () => {
  const algorithms = [
    [{ name: 'ECDSA', namedCurve: 'P-256' }, 'SHA-256'],
    [{ name: 'ECDSA', namedCurve: 'P-384' }, 'SHA-384'],
    [{ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, 'SHA-256'],
  ] as const;
  for (const [algorithm, hash] of algorithms) {
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const der = await pkijsRequest(keys, hash);
    const oracle = pkijs.CertificationRequest.fromBER(der);
    const spki = new Uint8Array(oracle.subjectPublicKeyInfo.toSchema().toBER());
    const key = readCertificationRequest(der).publicKey;
    assert.deepEqual(new Uint8Array(key.export({ format: 'der', type: 'spki' })), spki, `${algorithm.name}: the key pkijs reads`);
  }
});

test('trailing bytes, lengths in more octets than needed, partial-octet signatures and unknown or mismatched algorithms are ERR_CSR_INVALID', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = createCertificationRequest(privateKey, 'device-1');
  assert.throws(() => readCertificationRequest(Uint8Array.from([...csr, 0])), isCsrError);
  // The outer length written in more octets than it needs (a leading zero octet) is not DER.
  assert.equal(csr[1], 0x81);
  const longForm = Uint8Array.from([0x30, 0x82, 0, ...csr.subarray(2)]);
  assert.throws(() => readCertificationRequest(longForm), isCsrError);
  // The signature BIT STRING claiming unused bits.
  const parsed = asn1js.fromBER(csr).result as asn1js.Sequence;
  const sig = parsed.valueBlock.value[2] as asn1js.BitString;
  const sigStart = csr.length - sig.valueBlock.valueHexView.length - 1;
  const unused = csr.slice();
  unused[sigStart] = 1;
  assert.throws(() => readCertificationRequest(unused), isCsrError);
  // An EC key under an RSA signature algorithm, and an algorithm that is not supported.
  const tbs = (parsed.valueBlock.value[0] as asn1js.Sequence).toBER();
  const withAlgorithm = (oid: string) =>
    new Uint8Array(
      new asn1js.Sequence({
        value: [
          asn1js.fromBER(tbs).result,
          new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] }),
          new asn1js.BitString({ valueHex: sig.valueBlock.valueHexView }),
        ],
      }).toBER(),
    );
  assert.throws(
    () => readCertificationRequest(withAlgorithm('1.2.840.113549.1.1.11')),
    (e: unknown) => isCsrError(e) && /ec key signed with a rsa algorithm/.test((e as Error).message),
  );
  assert.throws(
    () => readCertificationRequest(withAlgorithm('1.2.840.10045.4.1')),
    (e: unknown) => isCsrError(e) && /1\.2\.840\.10045\.4\.1 is not supported/.test((e as Error).message),
  );
  assert.ok(readCertificationRequest(withAlgorithm('1.2.840.10045.4.3.2')).publicKey.equals(createPublicKey(privateKey)));
});
