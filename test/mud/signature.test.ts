import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createCertificate, type KeyUsage } from '../../src/crypto/x509-create.ts';
import { parseMudSignature } from '../../src/mud/signature/cms-parse.ts';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { verifyMudSignature } from '../../src/mud/signature/cms-verify.ts';
import { MudSignatureError } from '../../src/mud/signature/errors.ts';
import { defaultSignatureUrl, signatureUrlOf } from '../../src/mud/signature/location.ts';
import { ID_PE_MUD_URL, ID_PE_MUDSIGNER } from '../../src/mud/url/constants.ts';
import { MudUrlError } from '../../src/mud/url/errors.ts';
import { encodeMudSignerExtension, encodeMudUrlExtension } from '../../src/mud/url/x509.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2030-01-01T00:00:00Z');
const AT = new Date('2026-06-01T00:00:00Z');
const MUD = new TextEncoder().encode('{"ietf-mud:mud":{"mud-version":1,"mud-url":"https://example.com/bulb.json"}}\n');

type KeyKind = 'P-256' | 'P-384' | 'rsa';
const keyPair = (kind: KeyKind) =>
  kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: kind });

interface Pki {
  root: X509Certificate;
  intermediate: X509Certificate;
  signer: X509Certificate;
  signerKey: KeyObject;
  intermediateKey: KeyObject;
}

function makePki(kind: KeyKind, signer: { keyUsage?: KeyUsage[]; notAfter?: Date; commonName?: string } = {}): Pki {
  const rootKey = keyPair(kind);
  const interKey = keyPair(kind);
  const leafKey = keyPair(kind);
  const root = createCertificate({
    subject: { commonName: 'Example Root' },
    publicKey: rootKey.publicKey,
    signer: { privateKey: rootKey.privateKey },
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    ca: true,
  });
  const intermediate = createCertificate({
    subject: { commonName: 'Example MUD CA' },
    publicKey: interKey.publicKey,
    signer: { privateKey: rootKey.privateKey, certificate: root },
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    ca: { pathLength: 0 },
  });
  const leaf = createCertificate({
    subject: { commonName: signer.commonName ?? 'mud-signer.example.com', organization: 'Example Lighting' },
    publicKey: leafKey.publicKey,
    signer: { privateKey: interKey.privateKey, certificate: intermediate },
    notBefore: NOT_BEFORE,
    notAfter: signer.notAfter ?? NOT_AFTER,
    ...(signer.keyUsage === undefined ? {} : { keyUsage: signer.keyUsage }),
  });
  return { root, intermediate, signer: leaf, signerKey: leafKey.privateKey, intermediateKey: interKey.privateKey };
}

function sign(pki: Pki, content: Uint8Array = MUD, extra: Partial<Parameters<typeof signMudFile>[1]> = {}): Uint8Array {
  return signMudFile(content, { privateKey: pki.signerKey, certificate: pki.signer, chain: [pki.intermediate], signingTime: AT, ...extra });
}

function fails(fn: () => unknown, code: string, check: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MudSignatureError, `expected MudSignatureError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.check, check);
    return true;
  });
}

describe('sign then verify', () => {
  for (const [kind, digest, alg] of [
    ['P-256', 'sha256', 'ecdsa-with-SHA256'],
    ['P-384', 'sha384', 'ecdsa-with-SHA384'],
    ['rsa', 'sha256', 'rsaEncryption (PKCS #1 v1.5)'],
  ] as const) {
    test(`${kind}: every check passes through an intermediate carried in the signature`, () => {
      const pki = makePki(kind);
      const result = verifyMudSignature(MUD, sign(pki), { trustAnchors: [pki.root], time: AT });
      assert.deepEqual(result.checks, ['digest', 'signature', 'chain', 'key-usage']);
      assert.equal(result.signer, 'O=Example Lighting, CN=mud-signer.example.com');
      assert.equal(result.digestAlgorithm, digest);
      assert.equal(result.signatureAlgorithm, alg);
      assert.equal(result.signingTime?.toISOString(), AT.toISOString());
      assert.equal(result.contentType, 'data');
      assert.equal(result.chain.length, 2);
      assert.ok(result.trustAnchor?.raw.equals(pki.root.raw));
    });
  }

  const pki = makePki('P-256');
  const signature = sign(pki);

  test('the signature is detached, with content-type, message-digest and signing-time, DER-sorted', () => {
    const parsed = parseMudSignature(signature);
    assert.equal(parsed.contentType, '1.2.840.113549.1.7.1');
    assert.equal(parsed.certificates.length, 2);
    assert.ok(parsed.signedAttributes !== undefined);
    assert.equal(parsed.signedAttributes.signingTime?.toISOString(), AT.toISOString());
    assert.equal(parsed.signedAttributes.der[0], 0x31);
  });

  test('id-ct-mudtype as content type verifies and is reported', () => {
    const result = verifyMudSignature(MUD, sign(pki, MUD, { contentType: 'mud' }), { trustAnchors: [pki.root], time: AT });
    assert.equal(result.contentType, 'mud');
    assert.equal(parseMudSignature(sign(pki, MUD, { contentType: 'mud' })).contentType, '1.2.840.113549.1.9.16.1.41');
  });

  test('a flipped byte in the MUD file fails the digest check', () => {
    for (const at of [0, 17, MUD.length - 1]) {
      const changed = MUD.slice();
      changed[at]! ^= 0x01;
      fails(() => verifyMudSignature(changed, signature, { trustAnchors: [pki.root], time: AT }), 'ERR_MUD_SIGNATURE_DIGEST', 'digest');
    }
  });

  test('a flipped byte in the signature value fails the signature check', () => {
    const changed = signature.slice();
    changed[changed.length - 3]! ^= 0x01;
    fails(() => verifyMudSignature(MUD, changed, { trustAnchors: [pki.root], time: AT }), 'ERR_MUD_SIGNATURE_SIGNATURE', 'signature');
  });

  test('a changed signing-time (a signed attribute) fails the signature check', () => {
    const parsed = parseMudSignature(signature);
    const der = parsed.signedAttributes!.der.slice();
    const at = Buffer.from(der).indexOf(Buffer.from('260601', 'ascii'));
    assert.ok(at > 0);
    der[at + 5] = 0x32; // 260601 -> 260602
    const forged = { ...parsed, signedAttributes: { ...parsed.signedAttributes!, der } };
    fails(() => verifyMudSignature(MUD, forged, { trustAnchors: [pki.root], time: AT }), 'ERR_MUD_SIGNATURE_SIGNATURE', 'signature');
  });

  test('a certificate with the same issuer and serial but another key fails the signature check', () => {
    const impostorKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const impostor = createCertificate({
      subject: { commonName: 'mud-signer.example.com', organization: 'Example Lighting' },
      publicKey: impostorKey.publicKey,
      signer: { privateKey: pki.intermediateKey, certificate: pki.intermediate },
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      serialNumber: new Uint8Array(Buffer.from(pki.signer.serialNumber, 'hex')),
    });
    const parsed = parseMudSignature(signature);
    const swapped = { ...parsed, certificates: [impostor, pki.intermediate] };
    fails(() => verifyMudSignature(MUD, swapped, { trustAnchors: [pki.root], time: AT }), 'ERR_MUD_SIGNATURE_SIGNATURE', 'signature');
  });

  test('the chain check needs a trust anchor; the wrong one fails it too', () => {
    fails(() => verifyMudSignature(MUD, signature, { time: AT }), 'ERR_MUD_SIGNATURE_CHAIN', 'chain');
    fails(
      () => verifyMudSignature(MUD, signature, { trustAnchors: [makePki('P-256').root], time: AT }),
      'ERR_MUD_SIGNATURE_CHAIN',
      'chain',
    );
    const noChain = verifyMudSignature(MUD, signature, { checkChain: false, time: AT });
    assert.deepEqual(noChain.checks, ['digest', 'signature']);
    assert.ok(noChain.warnings.some((w) => w.includes('not checked')));
  });

  test('the intermediate can be given by the caller instead of carried', () => {
    const bare = signMudFile(MUD, { privateKey: pki.signerKey, certificate: pki.signer, signingTime: AT });
    fails(() => verifyMudSignature(MUD, bare, { trustAnchors: [pki.root], time: AT }), 'ERR_MUD_SIGNATURE_CHAIN', 'chain');
    const ok = verifyMudSignature(MUD, bare, { trustAnchors: [pki.root], certificates: [pki.intermediate], time: AT });
    assert.equal(ok.chain.length, 2);
  });

  test('validity is checked at the verification time', () => {
    fails(
      () => verifyMudSignature(MUD, signature, { trustAnchors: [pki.root], time: new Date('2031-01-01T00:00:00Z') }),
      'ERR_MUD_SIGNATURE_EXPIRED',
      'expiry',
    );
    fails(
      () => verifyMudSignature(MUD, signature, { trustAnchors: [pki.root], time: new Date('2024-01-01T00:00:00Z') }),
      'ERR_MUD_SIGNATURE_EXPIRED',
      'expiry',
    );
  });

  test('a signing certificate without digitalSignature fails the key-usage check (§13.2)', () => {
    const weak = makePki('P-256', { keyUsage: ['keyEncipherment'] });
    fails(() => verifyMudSignature(MUD, sign(weak), { trustAnchors: [weak.root], time: AT }), 'ERR_MUD_SIGNATURE_KEY_USAGE', 'key-usage');
  });

  test('a signing-time outside the signer certificate validity is reported as a warning', () => {
    const early = signMudFile(MUD, {
      privateKey: pki.signerKey,
      certificate: pki.signer,
      chain: [pki.intermediate],
      signingTime: new Date('2024-06-01T00:00:00Z'),
    });
    const r = verifyMudSignature(MUD, early, { trustAnchors: [pki.root], time: AT });
    assert.ok(r.warnings.some((w) => w.includes('signing-time 2024-06-01')));
    assert.deepEqual(verifyMudSignature(MUD, signature, { trustAnchors: [pki.root], time: AT }).warnings, []);
  });

  test('a signer named by subject key identifier is found (RFC 5652 §5.3, version 3)', () => {
    const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(signature).result });
    const sd = new pkijs.SignedData({ schema: info.content });
    const ski = createHash('sha1')
      .update(
        new Uint8Array(
          new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(pki.signer.raw)).result }).subjectPublicKeyInfo.subjectPublicKey
            .valueBlock.valueHexView,
        ),
      )
      .digest();
    const signer = sd.signerInfos[0]!;
    signer.version = 3;
    signer.sid = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: ski });
    const bySki = new Uint8Array(new pkijs.ContentInfo({ contentType: info.contentType, content: sd.toSchema(true) }).toSchema().toBER());
    assert.ok('subjectKeyIdentifier' in parseMudSignature(bySki).signerId);
    assert.equal(
      verifyMudSignature(MUD, bySki, { trustAnchors: [pki.root], time: AT }).signer,
      'O=Example Lighting, CN=mud-signer.example.com',
    );
    signer.sid = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: new Uint8Array(20) });
    const unknown = new Uint8Array(new pkijs.ContentInfo({ contentType: info.contentType, content: sd.toSchema(true) }).toSchema().toBER());
    fails(() => verifyMudSignature(MUD, unknown, { trustAnchors: [pki.root], time: AT }), 'ERR_MUD_SIGNATURE_NO_SIGNER', 'signature');
  });

  test('the signer certificate may come from the caller; without it there is no signer', () => {
    const parsed = parseMudSignature(signature);
    const stripped = { ...parsed, certificates: [] };
    fails(() => verifyMudSignature(MUD, stripped, { checkChain: false, time: AT }), 'ERR_MUD_SIGNATURE_NO_SIGNER', 'signature');
    const ok = verifyMudSignature(MUD, stripped, { certificates: [pki.signer, pki.intermediate], trustAnchors: [pki.root], time: AT });
    assert.equal(ok.chain.length, 2);
  });
});

describe('the MUD signer name (id-pe-mudsigner, §11)', () => {
  const pki = makePki('P-256');
  const signature = sign(pki);
  const deviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const deviceCert = (signerName: X509Certificate) =>
    createCertificate({
      subject: { commonName: 'bulb-0001' },
      publicKey: deviceKey.publicKey,
      signer: { privateKey: deviceKey.privateKey },
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      extensions: [
        { oid: ID_PE_MUD_URL, value: encodeMudUrlExtension('https://example.com/bulb.json') },
        { oid: ID_PE_MUDSIGNER, value: encodeMudSignerExtension(signerName) },
      ],
    });

  test("the device certificate's mudsigner must name the signing certificate's subject", () => {
    const ok = verifyMudSignature(MUD, signature, { trustAnchors: [pki.root], time: AT, deviceCertificate: deviceCert(pki.signer) });
    assert.deepEqual(ok.checks, ['digest', 'signature', 'signer', 'chain', 'key-usage']);
    const other = makePki('P-256', { commonName: 'someone-else.example.com' });
    fails(
      () => verifyMudSignature(MUD, signature, { trustAnchors: [pki.root], time: AT, deviceCertificate: deviceCert(other.signer) }),
      'ERR_MUD_SIGNATURE_SIGNER',
      'signer',
    );
  });

  test('an expected signer given as text matches in either RDN order, case-insensitively', () => {
    for (const name of ['O=Example Lighting, CN=mud-signer.example.com', 'CN=MUD-Signer.example.com,O=Example Lighting']) {
      assert.ok(verifyMudSignature(MUD, signature, { checkChain: false, time: AT, expectedSigner: name }).checks.includes('signer'));
    }
    fails(
      () => verifyMudSignature(MUD, signature, { checkChain: false, time: AT, expectedSigner: 'CN=mud-signer.example.com' }),
      'ERR_MUD_SIGNATURE_SIGNER',
      'signer',
    );
  });
});

describe('malformed signature files', () => {
  const pki = makePki('P-256');
  const signature = sign(pki);

  test('truncation, trailing bytes, garbage and non-SignedData fail with ERR_MUD_SIGNATURE_FORMAT', () => {
    for (const bad of [
      signature.subarray(0, signature.length - 1),
      signature.subarray(0, 20),
      Uint8Array.of(...signature, 0),
      new Uint8Array(0),
      new TextEncoder().encode('-----BEGIN PKCS7-----'),
      Uint8Array.of(0x30, 0x03, 0x06, 0x01, 0x00),
    ]) {
      fails(() => verifyMudSignature(MUD, bad, { checkChain: false }), 'ERR_MUD_SIGNATURE_FORMAT', 'format');
    }
  });

  test('a signed attribute without a value is a format error', () => {
    for (const type of ['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.5']) {
      const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(signature).result });
      const sd = new pkijs.SignedData({ schema: info.content });
      const attrs = sd.signerInfos[0]!.signedAttrs!;
      attrs.attributes = attrs.attributes.map((a) => (a.type === type ? new pkijs.Attribute({ type, values: [] }) : a));
      const changed = new Uint8Array(
        new pkijs.ContentInfo({ contentType: info.contentType, content: sd.toSchema(true) }).toSchema().toBER(),
      );
      fails(() => parseMudSignature(changed), 'ERR_MUD_SIGNATURE_FORMAT', 'format');
    }
  });

  test('id-ct-mudtype without signed attributes is a format error (RFC 5652 §5.3); id-data without them parses', () => {
    const withoutAttributes = (der: Uint8Array): Uint8Array => {
      const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(der).result });
      const sd = new pkijs.SignedData({ schema: info.content });
      sd.signerInfos[0]!.signedAttrs = undefined;
      return new Uint8Array(new pkijs.ContentInfo({ contentType: info.contentType, content: sd.toSchema(true) }).toSchema().toBER());
    };
    fails(() => parseMudSignature(withoutAttributes(sign(pki, MUD, { contentType: 'mud' }))), 'ERR_MUD_SIGNATURE_FORMAT', 'format');
    const data = parseMudSignature(withoutAttributes(signature));
    assert.equal(data.signedAttributes, undefined);
  });

  test('an attribute whose value SET is emptied, leaving its value beside it, is a format error (a fuzzing find)', () => {
    // content-type attribute: OID 1.2.840.113549.1.9.3, SET of 11 octets holding id-data.
    const at = Buffer.from(signature).indexOf(Buffer.from('06092a864886f70d010903310b', 'hex'));
    assert.ok(at > 0);
    const changed = signature.slice();
    changed[at + 12] = 0x00;
    fails(() => verifyMudSignature(MUD, changed, { checkChain: false }), 'ERR_MUD_SIGNATURE_FORMAT', 'format');
  });

  test('input beyond the limits fails with ERR_MUD_SIGNATURE_TOO_LARGE', () => {
    fails(() => parseMudSignature(signature, { maxBytes: signature.length - 1 }), 'ERR_MUD_SIGNATURE_TOO_LARGE', 'format');
    fails(() => parseMudSignature(signature, { maxCertificates: 1 }), 'ERR_MUD_SIGNATURE_TOO_LARGE', 'format');
    fails(() => parseMudSignature(signature, { maxSignedAttributes: 2 }), 'ERR_MUD_SIGNATURE_TOO_LARGE', 'format');
  });

  test('deep nesting is a format error, not a crash', () => {
    const depth = 20000;
    const nested = new Uint8Array(depth * 2);
    for (let i = 0; i < depth; i++) nested.set([0x30, 0x80], i * 2);
    fails(() => parseMudSignature(nested), 'ERR_MUD_SIGNATURE_FORMAT', 'format');
  });
});

describe('the signature location (§13.2)', () => {
  test('.json becomes .p7s; other paths get .p7s appended; the member wins', () => {
    assert.equal(defaultSignatureUrl('https://example.com/mud/bulb.json'), 'https://example.com/mud/bulb.p7s');
    assert.equal(defaultSignatureUrl('https://luminaire.example.com/Luminaire_150'), 'https://luminaire.example.com/Luminaire_150.p7s');
    assert.equal(defaultSignatureUrl('https://example.com/bulb.json?v=2'), 'https://example.com/bulb.p7s?v=2');
    assert.throws(
      () => defaultSignatureUrl('http://example.com/bulb.json'),
      (e: unknown) => e instanceof MudUrlError && e.code === 'ERR_MUD_URL_SCHEME',
    );
    assert.equal(
      signatureUrlOf({ 'ietf-mud:mud': { 'mud-url': 'https://a.example/x.json', 'mud-signature': 'https://b.example/x.json.p7s' } }),
      'https://b.example/x.json.p7s',
    );
    assert.equal(signatureUrlOf({ 'ietf-mud:mud': { 'mud-url': 'https://a.example/x.json' } }), 'https://a.example/x.p7s');
    assert.equal(signatureUrlOf({ other: 1 }), undefined);
  });
});

describe('shared vectors: mud/signed', () => {
  const dir = vectorPath('mud', 'signed');
  const read = (...p: string[]) => new Uint8Array(readFileSync(join(dir!, ...p)));

  test('cisco-luminaire: fails now with an expiry reason, verifies at 2019-06-08 (Unix 1560000000)', (t) => {
    if (dir === undefined) return t.skip(vectorsMissing('mud/signed'));
    const file = read('cisco-luminaire', 'Luminaire_150.json');
    const sig = read('cisco-luminaire', 'Luminaire_150.p7s');
    const ca = readFileSync(join(dir, 'cisco-luminaire', 'luminaire-cacert.pem'), 'utf8');
    fails(() => verifyMudSignature(file, sig, { trustAnchors: [ca] }), 'ERR_MUD_SIGNATURE_EXPIRED', 'expiry');
    const ok = verifyMudSignature(file, sig, { trustAnchors: [ca], time: new Date(1560000000 * 1000) });
    assert.deepEqual(ok.checks, ['digest', 'signature', 'chain', 'key-usage']);
    assert.equal(ok.signer, 'O=Demo Luminaire Manufacturer, CN=luminaire.example.com');
    assert.equal(ok.signatureAlgorithm, 'ecdsa-with-SHA256');
    fails(() => verifyMudSignature(file, sig, { time: new Date(1560000000 * 1000) }), 'ERR_MUD_SIGNATURE_CHAIN', 'chain');
    const changed = file.slice();
    changed[100]! ^= 0x20;
    fails(
      () => verifyMudSignature(changed, sig, { trustAnchors: [ca], time: new Date(1560000000 * 1000) }),
      'ERR_MUD_SIGNATURE_DIGEST',
      'digest',
    );
  });

  test('caddy-lightbulb: RSA verifies without chain checks, fails the chain check without a trust anchor', (t) => {
    if (dir === undefined) return t.skip(vectorsMissing('mud/signed'));
    const file = read('caddy-lightbulb', 'lightbulb2000.json');
    const sig = read('caddy-lightbulb', 'lightbulb2000.json.p7s');
    const ok = verifyMudSignature(file, sig, { checkChain: false });
    assert.deepEqual(ok.checks, ['digest', 'signature']);
    assert.equal(ok.signatureAlgorithm, 'rsaEncryption (PKCS #1 v1.5)');
    fails(() => verifyMudSignature(file, sig, {}), 'ERR_MUD_SIGNATURE_CHAIN', 'chain');
    fails(() => verifyMudSignature(file, sig, { time: new Date('2020-09-01T00:00:00Z') }), 'ERR_MUD_SIGNATURE_CHAIN', 'chain');
    fails(
      () => verifyMudSignature(read('caddy-lightbulb', 'invalid.json'), sig, { checkChain: false }),
      'ERR_MUD_SIGNATURE_DIGEST',
      'digest',
    );
  });
});
