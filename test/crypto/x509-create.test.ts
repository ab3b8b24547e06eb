import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type CertificateSignatureAlgorithm, type CreateCertificateOptions, createCertificate } from '../../src/crypto/x509-create.ts';
import { DURING, issue, selfSigned, T0, T1 } from './fixtures/pki.ts';
import { hex, pythonUnavailable, runPython } from './python/run.ts';

function parsed(cert: X509Certificate): pkijs.Certificate {
  return new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(cert.raw)).result });
}

function extension(cert: X509Certificate, oid: string): pkijs.Extension | undefined {
  return parsed(cert).extensions?.find((e) => e.extnID === oid);
}

describe('createCertificate', () => {
  test('a self-signed CA root with the requested fields', () => {
    const kp = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const cert = createCertificate({
      subject: { commonName: 'IoTopia Root', organization: 'IoTopia', organizationalUnit: 'Onboarding', country: 'NL' },
      publicKey: kp.publicKey,
      signer: { privateKey: kp.privateKey },
      notBefore: new Date('2025-01-01T00:00:00.900Z'),
      notAfter: new Date('2055-01-01T00:00:00Z'),
      serialNumber: 0x0102030405n,
      ca: { pathLength: 2 },
    });
    assert.equal(cert.subject, 'C=NL\nO=IoTopia\nOU=Onboarding\nCN=IoTopia Root');
    assert.equal(cert.issuer, cert.subject);
    assert.equal(cert.serialNumber, '0102030405');
    assert.equal(cert.ca, true);
    // Fractions of a second are dropped; 2055 needs GeneralizedTime.
    assert.equal(cert.validFromDate.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(cert.validToDate.toISOString(), '2055-01-01T00:00:00.000Z');
    assert.equal(parsed(cert).notAfter.type, 1);
    assert.equal(parsed(cert).notBefore.type, 0);
    assert.ok(cert.verify(kp.publicKey));
    assert.ok(cert.publicKey.equals(kp.publicKey));
    assert.equal(cert.signatureAlgorithmOid, '1.2.840.10045.4.3.3');
    const bc = extension(cert, '2.5.29.19');
    assert.equal(bc?.critical, true);
    assert.deepEqual((bc!.parsedValue as pkijs.BasicConstraints).toJSON(), { cA: true, pathLenConstraint: 2 });
    const ku = extension(cert, '2.5.29.15');
    assert.equal(ku?.critical, true);
    // keyCertSign (bit 5) and cRLSign (bit 6): 0000 0110, 1 unused bit.
    assert.equal(hex(new Uint8Array(ku!.extnValue.valueBlock.valueHexView)), '03020106');
    const ski = extension(cert, '2.5.29.14')?.parsedValue as asn1js.OctetString;
    const aki = extension(cert, '2.5.29.35')?.parsedValue as pkijs.AuthorityKeyIdentifier;
    assert.equal(ski.valueBlock.valueHexView.length, 20);
    assert.deepEqual(aki.keyIdentifier?.valueBlock.valueHexView, ski.valueBlock.valueHexView);
  });

  test('an end-entity certificate issued by a CA, with an extra extension', () => {
    const root = selfSigned('Root');
    // RFC 8520 §10: the MUD URL extension, an IA5String.
    const mudUrl = new asn1js.IA5String({ value: 'https://mud.example.com/lightbulb.json' }).toBER();
    const leaf = issue(root, 'device-42', {
      subject: { commonName: 'device-42', serialNumber: 'SN-42' },
      extensions: [{ oid: '1.3.6.1.5.5.7.1.25', value: new Uint8Array(mudUrl) }],
    });
    assert.equal(leaf.cert.issuer, root.cert.subject);
    assert.equal(leaf.cert.ca, false);
    assert.ok(leaf.cert.verify(root.cert.publicKey));
    assert.ok(leaf.cert.checkIssued(root.cert));
    const ku = extension(leaf.cert, '2.5.29.15');
    assert.equal(hex(new Uint8Array(ku!.extnValue.valueBlock.valueHexView)), '03020780'); // digitalSignature
    const aki = extension(leaf.cert, '2.5.29.35')?.parsedValue as pkijs.AuthorityKeyIdentifier;
    const rootSki = extension(root.cert, '2.5.29.14')?.parsedValue as asn1js.OctetString;
    assert.deepEqual(aki.keyIdentifier?.valueBlock.valueHexView, rootSki.valueBlock.valueHexView);
    const mud = extension(leaf.cert, '1.3.6.1.5.5.7.1.25');
    assert.equal(mud?.critical, false);
    assert.deepEqual(new Uint8Array(mud!.extnValue.valueBlock.valueHexView), new Uint8Array(mudUrl));
    // Random serials are positive and 16 octets long.
    assert.match(leaf.cert.serialNumber, /^[0-7][0-9A-F]{31}$/);
  });

  const algorithms: [CertificateSignatureAlgorithm, () => { privateKey: KeyObject; publicKey: KeyObject }, string][] = [
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), '1.2.840.10045.4.3.2'],
    ['ES384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), '1.2.840.10045.4.3.3'],
    ['ES512', () => generateKeyPairSync('ec', { namedCurve: 'P-521' }), '1.2.840.10045.4.3.4'],
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), '1.2.840.113549.1.1.11'],
    ['RS384', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), '1.2.840.113549.1.1.12'],
    ['EdDSA', () => generateKeyPairSync('ed25519'), '1.3.101.112'],
  ];
  for (const [alg, keys, oid] of algorithms) {
    test(`signature algorithm ${alg}`, () => {
      const kp = keys();
      const cert = createCertificate({
        subject: { commonName: alg },
        publicKey: kp.publicKey,
        signer: { privateKey: kp.privateKey },
        notBefore: T0,
        notAfter: T1,
        signatureAlgorithm: alg,
      });
      assert.equal(cert.signatureAlgorithmOid, oid);
      assert.ok(cert.verify(kp.publicKey));
      // RSA signature algorithms carry NULL parameters (RFC 4055 §5); ECDSA and EdDSA none.
      const params = parsed(cert).signatureAlgorithm.algorithmParams;
      assert.equal(params instanceof asn1js.Null, alg.startsWith('RS'));
    });
  }

  test('the signature algorithm defaults from the signing key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = createCertificate({ subject: { commonName: 'r' }, publicKey: rsa.publicKey, signer: rsa, notBefore: T0, notAfter: T1 });
    assert.equal(cert.signatureAlgorithmOid, '1.2.840.113549.1.1.11');
  });

  test('misuse is a TypeError', () => {
    const root = selfSigned('Root');
    const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const base: CreateCertificateOptions = {
      subject: { commonName: 'x' },
      publicKey: kp.publicKey,
      signer: kp,
      notBefore: T0,
      notAfter: T1,
    };
    const bad: Partial<CreateCertificateOptions>[] = [
      { signer: { privateKey: other.privateKey } }, // self-signed by a key that is not the subject's
      { signer: { privateKey: other.privateKey, certificate: root.cert } }, // key does not match the signer certificate
      { signer: { privateKey: kp.publicKey } },
      { signatureAlgorithm: 'RS256' },
      { signatureAlgorithm: 'PS256' as never },
      { notAfter: new Date(T0.getTime() - 1000) },
      { notBefore: new Date('invalid') },
      { notAfter: new Date('+010000-01-01T00:00:00Z') },
      { serialNumber: 0n },
      { serialNumber: 2n ** 160n },
      { serialNumber: -5n },
      { subject: { commonName: '' } },
      { subject: { commonName: 'x', country: 'Netherlands' } },
      { subject: { commonName: 'x', serialNumber: 'SN_1' } },
      { ca: { pathLength: -1 } },
      { keyUsage: [] },
      { keyUsage: ['signEverything' as never] },
      { extensions: [{ oid: '2.5.29.19', value: Uint8Array.of(0x30, 0x00) }] },
      { extensions: [{ oid: 'not-an-oid', value: Uint8Array.of(5, 0) }] },
      { publicKey: 'key' as never },
    ];
    bad.forEach((overrides, i) => {
      assert.throws(() => createCertificate({ ...base, ...overrides }), TypeError, `case ${i}`);
    });
  });

  test('unsupported subject keys are ERR_KEY_UNSUPPORTED', () => {
    const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(
      () =>
        createCertificate({
          subject: { commonName: 'x' },
          publicKey: generateKeyPairSync('x25519').publicKey,
          signer: { privateKey: kp.privateKey, certificate: selfSigned('R').cert },
          notBefore: T0,
          notAfter: T1,
        }),
      { code: 'ERR_KEY_UNSUPPORTED' },
    );
  });

  for (const alg of ['ES256', 'ES384', 'RS256'] as const) {
    test(`Python cryptography validates a chain we built (${alg})`, (t) => {
      const why = pythonUnavailable();
      if (why !== undefined) return t.skip(why);
      const keys = () =>
        alg === 'RS256'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' });
      const rootKeys = keys();
      const root = {
        cert: createCertificate({
          subject: { commonName: `Root ${alg}` },
          publicKey: rootKeys.publicKey,
          signer: rootKeys,
          notBefore: T0,
          notAfter: T1,
          ca: { pathLength: 1 },
        }),
        privateKey: rootKeys.privateKey,
      };
      const midKeys = keys();
      const mid = createCertificate({
        subject: { commonName: `Manufacturer CA ${alg}` },
        publicKey: midKeys.publicKey,
        signer: { privateKey: root.privateKey, certificate: root.cert },
        notBefore: T0,
        notAfter: T1,
        ca: { pathLength: 0 },
      });
      const leafKeys = keys();
      const leaf = createCertificate({
        subject: { commonName: 'device-0001' },
        publicKey: leafKeys.publicKey,
        signer: { privateKey: midKeys.privateKey, certificate: mid },
        notBefore: T0,
        notAfter: T1,
      });
      const reply = runPython<{ links: boolean[]; policy: string | null }>('verify_chain.py', {
        chain: [leaf.toString(), mid.toString()],
        anchors: [root.cert.toString()],
        time: DURING.toISOString(),
      });
      assert.deepEqual(reply, { links: [true, true], policy: null });
      const outside = runPython<{ links: boolean[]; policy: string | null }>('verify_chain.py', {
        chain: [leaf.toString(), mid.toString()],
        anchors: [root.cert.toString()],
        time: new Date('2040-01-01T00:00:00Z').toISOString(),
      });
      assert.ok(outside.policy !== null, 'Python must reject the chain after it expired');
    });
  }
});
