import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type DerItem, readChildren, readWhole } from '../../src/crypto/der-read.ts';
import { explicit, sequence, tlv } from '../../src/crypto/lib/der-write.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { ID_PE_MUD_URL, ID_PE_MUDSIGNER } from '../../src/mud/url/constants.ts';
import { encodeMudSignerExtension, encodeMudUrlExtension, readCertificateMudExtensions } from '../../src/mud/url/x509.ts';
import { readCertificateExtensions } from '../../src/mud/url/x509-extensions.ts';
import { issue, pki, selfSigned } from '../crypto/fixtures/pki.ts';

const URL_A = 'https://lighting.example.com/lightbulb2000';

/** The oracle: pkijs's view of the same extensions. */
function pkijsExtensions(der: Uint8Array) {
  const cert = new pkijs.Certificate({ schema: asn1js.fromBER(der).result });
  return (cert.extensions ?? []).map((e) => ({
    id: e.extnID,
    critical: e.critical,
    value: new Uint8Array(e.extnValue.valueBlock.valueHexView),
  }));
}

function sameAsOracle(der: Uint8Array): void {
  const ours = readCertificateExtensions(der).map((e) => ({ ...e, value: new Uint8Array(e.value) }));
  assert.deepEqual(ours, pkijsExtensions(der));
}

const SBOM_LIKE_OID = '1.3.6.1.4.1.55555.1.1';
const { root, intermediate, leaf } = pki();
const mudDevice = issue(intermediate, 'lightbulb-0001', {
  extensions: [
    { oid: ID_PE_MUD_URL, value: encodeMudUrlExtension(URL_A), critical: true },
    { oid: ID_PE_MUDSIGNER, value: encodeMudSignerExtension(intermediate.cert) },
    { oid: SBOM_LIKE_OID, value: Uint8Array.of(0x16, 0x03, 0x61, 0x62, 0x63) },
  ],
});
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaCert = createCertificate({
  subject: { commonName: 'rsa', organization: 'IoTopia', country: 'DE', serialNumber: 'A1' },
  publicKey: rsa.publicKey,
  signer: { privateKey: rsa.privateKey },
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
  extensions: [{ oid: ID_PE_MUD_URL, value: encodeMudUrlExtension(URL_A) }],
});
const raw = (c: X509Certificate) => new Uint8Array(c.raw);

/** The certificate's TBSCertificate fields, signatureAlgorithm and signatureValue, to rebuild variants (the signature is not checked by a parser). */
function parts(der: Uint8Array) {
  const [tbs, alg, sig] = readChildren(readWhole(der, 0x30)) as [DerItem, DerItem, DerItem];
  return { fields: readChildren(tbs).map((f) => f.bytes), alg: alg.bytes, sig: sig.bytes };
}
const rebuild = (fields: Uint8Array[], p: ReturnType<typeof parts>) => sequence(sequence(...fields), p.alg, p.sig);

describe('the strict certificate extension reader against pkijs', () => {
  test('the same extensions, flags and values for the test PKI, RSA, and MUD URL / MUD signer / other extensions', () => {
    for (const c of [root.cert, intermediate.cert, leaf.cert, mudDevice.cert, rsaCert, selfSigned('x').cert]) sameAsOracle(raw(c));
    const ours = readCertificateExtensions(raw(mudDevice.cert));
    assert.deepEqual(
      ours
        .filter((e) => e.id !== '2.5.29.15' && e.id !== '2.5.29.19' && e.id !== '2.5.29.14' && e.id !== '2.5.29.35')
        .map((e) => [e.id, e.critical]),
      [
        [ID_PE_MUD_URL, true],
        [ID_PE_MUDSIGNER, false],
        [SBOM_LIKE_OID, false],
      ],
    );
  });

  test('a version 1 certificate, and one with issuer and subject unique identifiers', () => {
    const p = parts(raw(mudDevice.cert));
    const [, ...rest] = p.fields; // without version
    const v1 = rebuild(rest.slice(0, 6), p);
    const withIds = rebuild(
      [...p.fields.slice(0, 7), tlv(0x81, Uint8Array.of(0, 0xab)), tlv(0x82, Uint8Array.of(0, 0xcd)), ...p.fields.slice(7)],
      p,
    );
    for (const der of [v1, withIds]) {
      new X509Certificate(der);
      sameAsOracle(der);
    }
    assert.deepEqual(readCertificateExtensions(v1), []);
    assert.equal(readCertificateMudExtensions(v1).mudUrl, undefined);
    assert.equal(readCertificateMudExtensions(withIds).mudUrl, URL_A);
  });

  test('refuses what is not the outline of a certificate', () => {
    const p = parts(raw(mudDevice.cert));
    const ext = p.fields[7] as Uint8Array;
    const bad: [string, Uint8Array][] = [
      ['trailing byte', Uint8Array.of(...raw(mudDevice.cert), 0)],
      ['two members', sequence(sequence(...p.fields), p.alg)],
      ['serial not an INTEGER', rebuild([p.fields[0] as Uint8Array, tlv(0x04, Uint8Array.of(1)), ...p.fields.slice(2)], p)],
      ['a field after the extensions', rebuild([...p.fields, tlv(0x05)], p)],
      ['extensions not a SEQUENCE', rebuild([...p.fields.slice(0, 7), explicit(3, tlv(0x31))], p)],
      [
        'an extension without extnValue',
        rebuild([...p.fields.slice(0, 7), explicit(3, sequence(sequence(tlv(0x06, Uint8Array.of(0x55, 0x1d, 0x0f)))))], p),
      ],
      [
        'a BOOLEAN of two octets',
        rebuild(
          [
            ...p.fields.slice(0, 7),
            explicit(3, sequence(sequence(tlv(0x06, Uint8Array.of(0x55, 0x1d, 0x0f)), tlv(0x01, Uint8Array.of(0xff, 0xff)), tlv(0x04)))),
          ],
          p,
        ),
      ],
      ['extensions then junk inside [3]', rebuild([...p.fields.slice(0, 7), explicit(3, readWhole(ext, 0xa3).contents, tlv(0x05))], p)],
    ];
    for (const [why, der] of bad) assert.throws(() => readCertificateExtensions(der), TypeError, why);
  });

  test('a certificate node:crypto accepts but that is not strict DER gives the answer pkijs gives', () => {
    const p = parts(raw(mudDevice.cert));
    const wrapped = readWhole(p.fields[7] as Uint8Array, 0xa3).contents;
    const inner = readWhole(wrapped, 0x30);
    // The Extensions SEQUENCE with a long-form length although its length is below 128: BER, not DER.
    const long =
      inner.contents.length < 256
        ? Uint8Array.of(0x30, 0x81, inner.contents.length)
        : Uint8Array.of(0x30, 0x82, inner.contents.length >> 8, inner.contents.length & 0xff);
    const nonMinimal = Uint8Array.of(0x30, 0x82, 0, inner.contents.length);
    const der = rebuild(
      [...p.fields.slice(0, 7), explicit(3, Buffer.concat([inner.contents.length < 128 ? long : nonMinimal, inner.contents]))],
      p,
    );
    assert.throws(() => readCertificateExtensions(der), TypeError);
    assert.doesNotThrow(() => new X509Certificate(der));
    assert.equal(readCertificateMudExtensions(der).mudUrl, URL_A);
    assert.deepEqual(pkijsExtensions(der).find((e) => e.id === ID_PE_MUD_URL)?.critical, true);
  });
});
