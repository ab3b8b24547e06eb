/**
 * The device certificate template against pkijs as the oracle: pkijs parses every field of the
 * template's output, encodes the parsed certificate again to exactly the same bytes, and builds
 * the same TBSCertificate through createCertificate from the same inputs.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { type DeviceCertificateFields, issueDeviceCertificate } from '../../src/crypto/x509-device-template.ts';

const SUBJECTS = {
  'P-256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'RSA-2048': () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
} as const;

const CAS = {
  'P-256': { keys: SUBJECTS['P-256'](), oid: '1.2.840.10045.4.3.2' },
  'P-384': { keys: SUBJECTS['P-384'](), oid: '1.2.840.10045.4.3.3' },
  'RSA-2048': { keys: SUBJECTS['RSA-2048'](), oid: '1.2.840.113549.1.1.11' },
};

function caCertificate(name: string, keys: { privateKey: KeyObject; publicKey: KeyObject }): X509Certificate {
  return createCertificate({
    subject: { commonName: `Template test CA ${name}`, organization: 'IoTopia' },
    publicKey: keys.publicKey,
    signer: { privateKey: keys.privateKey },
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2074-01-01T00:00:00Z'),
    serialNumber: 1n,
    ca: { pathLength: 0 },
  });
}

const pkijsOf = (der: Uint8Array) => new pkijs.Certificate({ schema: asn1js.fromBER(der).result });
const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

function fields(publicKey: KeyObject, over: Partial<DeviceCertificateFields> = {}): DeviceCertificateFields {
  return {
    commonName: 'device-0042 ünïcode',
    publicKey,
    notBefore: new Date('2026-03-04T05:06:07.890Z'),
    notAfter: new Date('2056-03-04T05:06:07Z'),
    serialNumber: Uint8Array.from([0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
    ...over,
  };
}

describe('device certificate template', () => {
  for (const [caName, ca] of Object.entries(CAS)) {
    const caCert = caCertificate(caName, ca.keys);
    for (const [subjectName, make] of Object.entries(SUBJECTS)) {
      test(`${subjectName} device under a ${caName} CA: every field as pkijs reads it, and pkijs re-encodes the same bytes`, () => {
        const device = make();
        const f = fields(device.publicKey);
        const cert = issueDeviceCertificate({ certificate: caCert, privateKey: ca.keys.privateKey }, f);
        const der = new Uint8Array(cert.raw);
        const p = pkijsOf(der);
        assert.equal(p.version, 2);
        assert.equal(hex(p.serialNumber.valueBlock.valueHexView), hex(f.serialNumber));
        assert.equal(p.signature.algorithmId, ca.oid);
        assert.equal(p.signatureAlgorithm.algorithmId, ca.oid);
        assert.equal(hex(p.issuer.toSchema().toBER()), hex(pkijsOf(new Uint8Array(caCert.raw)).subject.toSchema().toBER()));
        assert.equal(p.notBefore.value.toISOString(), '2026-03-04T05:06:07.000Z');
        assert.equal(p.notBefore.type, 0); // UTCTime before 2050
        assert.equal(p.notAfter.value.toISOString(), '2056-03-04T05:06:07.000Z');
        assert.equal(p.notAfter.type, 1); // GeneralizedTime from 2050
        assert.equal(p.subject.typesAndValues.length, 1);
        assert.equal(p.subject.typesAndValues[0]?.type, '2.5.4.3');
        assert.equal(p.subject.typesAndValues[0]?.value.valueBlock.value, f.commonName);
        assert.equal(hex(p.subjectPublicKeyInfo.toSchema().toBER()), hex(device.publicKey.export({ format: 'der', type: 'spki' })));
        const ext = new Map((p.extensions ?? []).map((e) => [e.extnID, e]));
        const parsedOf = (oid: string) => (ext.get(oid) as pkijs.Extension).parsedValue;
        assert.deepEqual([...ext.keys()], ['2.5.29.19', '2.5.29.15', '2.5.29.14', '2.5.29.35']);
        assert.equal(ext.get('2.5.29.19')?.critical, true);
        assert.equal((parsedOf('2.5.29.19') as pkijs.BasicConstraints).cA, false);
        assert.equal(ext.get('2.5.29.15')?.critical, true);
        assert.equal(hex((parsedOf('2.5.29.15') as asn1js.BitString).valueBlock.valueHexView), '80');
        assert.equal(ext.get('2.5.29.14')?.critical, false);
        assert.equal(ext.get('2.5.29.35')?.critical, false);
        const caSki = (pkijsOf(new Uint8Array(caCert.raw)).extensions ?? []).find((e) => e.extnID === '2.5.29.14');
        const aki = ext.get('2.5.29.35')?.parsedValue as pkijs.AuthorityKeyIdentifier;
        assert.equal(
          hex(aki.keyIdentifier?.valueBlock.valueHexView ?? new Uint8Array()),
          hex(((caSki as pkijs.Extension).parsedValue as asn1js.OctetString).valueBlock.valueHexView),
        );
        // Re-encoded from the parsed fields (not the kept bytes), the certificate is byte for byte the same.
        assert.equal(hex(p.toSchema(true).toBER()), hex(der));
        // The pkijs builder makes the same TBSCertificate from the same inputs (signatures differ: ECDSA is randomised).
        const oracle = createCertificate({
          subject: { commonName: f.commonName },
          publicKey: device.publicKey,
          signer: { privateKey: ca.keys.privateKey, certificate: caCert },
          notBefore: f.notBefore,
          notAfter: f.notAfter,
          serialNumber: f.serialNumber,
        });
        assert.equal(hex(p.tbsView), hex(pkijsOf(new Uint8Array(oracle.raw)).tbsView));
        assert.ok(cert.verify(ca.keys.publicKey));
        assert.ok(cert.checkIssued(caCert));
      });
    }
  }

  test('serials with a leading zero octet, short serials and 2049/2050 boundaries match the pkijs builder', () => {
    const ca = CAS['P-256'];
    const caCert = caCertificate('P-256', ca.keys);
    const device = SUBJECTS['P-256']();
    for (const over of [
      { serialNumber: Uint8Array.of(0, 0, 0x80, 1) },
      { serialNumber: Uint8Array.of(1) },
      { serialNumber: Uint8Array.of(0xff, 0xff) },
      { notBefore: new Date('2049-12-31T23:59:59Z'), notAfter: new Date('2050-01-01T00:00:00Z') },
      { commonName: 'x'.repeat(64) },
    ]) {
      const f = fields(device.publicKey, over);
      const cert = issueDeviceCertificate({ certificate: caCert, privateKey: ca.keys.privateKey }, f);
      const oracle = createCertificate({
        subject: { commonName: f.commonName },
        publicKey: device.publicKey,
        signer: { privateKey: ca.keys.privateKey, certificate: caCert },
        notBefore: f.notBefore,
        notAfter: f.notAfter,
        serialNumber: f.serialNumber,
      });
      assert.equal(hex(pkijsOf(new Uint8Array(cert.raw)).tbsView), hex(pkijsOf(new Uint8Array(oracle.raw)).tbsView));
    }
  });

  test('refuses what createCertificate refuses: bad names, serials, validity, and a key that is not the CA certificate key', () => {
    const ca = CAS['P-384'];
    const caCert = caCertificate('P-384', ca.keys);
    const device = SUBJECTS['P-256']();
    const issue = (over: Partial<DeviceCertificateFields>, key = ca.keys.privateKey) =>
      issueDeviceCertificate({ certificate: caCert, privateKey: key }, fields(device.publicKey, over));
    assert.throws(() => issue({ commonName: '' }), TypeError);
    assert.throws(() => issue({ commonName: 'x'.repeat(65) }), TypeError);
    assert.throws(() => issue({ serialNumber: Uint8Array.of(0, 0) }), TypeError);
    assert.throws(() => issue({ serialNumber: new Uint8Array(20).fill(0xff) }), TypeError);
    assert.throws(() => issue({ notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2029-01-01T00:00:00Z') }), TypeError);
    assert.throws(() => issue({ notBefore: new Date(Number.NaN) }), TypeError);
    assert.throws(() => issue({}, SUBJECTS['P-384']().privateKey), /does not match/);
  });
});
