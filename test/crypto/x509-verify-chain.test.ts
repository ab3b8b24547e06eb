import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CertChainError, type CertChainReason } from '../../src/crypto/errors.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { type VerifyCertificateChainOptions, verifyCertificateChain } from '../../src/crypto/x509-verify-chain.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';
import { DURING, issue, keyPair, pki, selfSigned, T0, T1 } from './fixtures/pki.ts';
import { pythonUnavailable, runPython } from './python/run.ts';

const { root, intermediate, leaf } = pki();

function rejects(fn: () => unknown, reason: CertChainReason, index: number): CertChainError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CertChainError, `expected CertChainError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_CERT_CHAIN');
    assert.equal(err.reason, reason, err.message);
    assert.equal(err.index, index, err.message);
    return err;
  }
  assert.fail(`expected ERR_CERT_CHAIN ${reason}`);
}

const opts = (o: Partial<VerifyCertificateChainOptions> = {}): VerifyCertificateChainOptions => ({
  trustAnchors: [root.cert],
  time: DURING,
  ...o,
});

describe('verifyCertificateChain', () => {
  test('a valid chain, with or without the anchor at its end', () => {
    const r = verifyCertificateChain([leaf.cert, intermediate.cert], opts());
    assert.equal(r.trustAnchor, root.cert);
    assert.deepEqual(
      r.chain.map((c) => c.subject),
      [leaf.cert.subject, intermediate.cert.subject],
    );
    assert.equal(
      verifyCertificateChain([leaf.cert, intermediate.cert, root.cert], opts()).trustAnchor?.fingerprint256,
      root.cert.fingerprint256,
    );
    // Anchors and chains may be DER or PEM too; a PEM bundle is a chain.
    const bundle = `${leaf.cert.toString()}${intermediate.cert.toString()}`;
    assert.ok(verifyCertificateChain(bundle, opts({ trustAnchors: [new Uint8Array(root.cert.raw)] })).trustAnchor);
    // An anchor that is itself the only certificate.
    assert.ok(verifyCertificateChain([root.cert], opts()).trustAnchor);
  });

  test('validity is checked at the given time, for every certificate including the anchor', () => {
    rejects(
      () => verifyCertificateChain([leaf.cert, intermediate.cert], opts({ time: new Date('2024-12-31T23:59:59Z') })),
      'not-yet-valid',
      2,
    );
    rejects(() => verifyCertificateChain([leaf.cert, intermediate.cert], opts({ time: new Date('2035-01-01T00:00:01Z') })), 'expired', 2);
    const shortLeaf = issue(intermediate, 'short-lived', { notAfter: new Date('2026-01-01T00:00:00Z') });
    const err = rejects(() => verifyCertificateChain([shortLeaf.cert, intermediate.cert], opts()), 'expired', 0);
    assert.match(err.subject ?? '', /CN=short-lived/);
    const lateMid = issue(root, 'late CA', { ca: true, notBefore: new Date('2027-01-01T00:00:00Z') });
    const lateLeaf = issue(lateMid, 'device');
    rejects(() => verifyCertificateChain([lateLeaf.cert, lateMid.cert], opts()), 'not-yet-valid', 1);
    // Boundaries are inclusive (RFC 5280 §4.1.2.5).
    assert.ok(verifyCertificateChain([leaf.cert, intermediate.cert], opts({ time: T0 })));
    assert.ok(verifyCertificateChain([leaf.cert, intermediate.cert], opts({ time: T1 })));
  });

  test('a signature by the wrong key', () => {
    // Same issuer name as the intermediate, different key.
    const impostor = selfSigned('IoTopia Test Manufacturer CA');
    const forged = issue(impostor, 'device-0001');
    rejects(() => verifyCertificateChain([forged.cert, intermediate.cert], opts()), 'signature', 0);
    // An anchor with the right name but the wrong key.
    const fakeRoot = selfSigned('IoTopia Test Root');
    rejects(() => verifyCertificateChain([leaf.cert, intermediate.cert], opts({ trustAnchors: [fakeRoot.cert] })), 'signature', 1);
  });

  test('certificates out of order', () => {
    const otherCa = issue(root, 'Other CA', { ca: true });
    rejects(() => verifyCertificateChain([leaf.cert, otherCa.cert], opts()), 'issuer-mismatch', 0);
    rejects(() => verifyCertificateChain([intermediate.cert, leaf.cert], opts()), 'untrusted', 1);
  });

  test('an issuer that is not a CA', () => {
    const notCa = issue(root, 'Not a CA', { ca: false, keyUsage: ['digitalSignature', 'keyCertSign'] });
    const below = issue(notCa, 'device');
    rejects(() => verifyCertificateChain([below.cert, notCa.cert], opts()), 'not-ca', 1);
  });

  test('keyUsage without keyCertSign', () => {
    const signer = issue(root, 'Signing-only CA', { ca: true, keyUsage: ['digitalSignature'] });
    const below = issue(signer, 'device');
    rejects(() => verifyCertificateChain([below.cert, signer.cert], opts()), 'key-usage', 1);
  });

  test('pathLenConstraint', () => {
    const strictRoot = selfSigned('Strict Root', { ca: { pathLength: 0 } });
    const mid = issue(strictRoot, 'Mid CA', { ca: true });
    const device = issue(mid, 'device');
    rejects(() => verifyCertificateChain([device.cert, mid.cert], opts({ trustAnchors: [strictRoot.cert] })), 'path-length', 2);
    // Checks run from the anchor down: the root of pki() (pathLength 1) fails before the intermediate.
    const sub = issue(intermediate, 'Sub CA', { ca: true });
    const deep = issue(sub, 'device');
    rejects(() => verifyCertificateChain([deep.cert, sub.cert, intermediate.cert], opts()), 'path-length', 3);
    const openRoot = selfSigned('Open Root');
    const mid0 = issue(openRoot, 'Mid CA', { ca: { pathLength: 0 } });
    const sub0 = issue(mid0, 'Sub CA', { ca: true });
    const deep0 = issue(sub0, 'device');
    rejects(() => verifyCertificateChain([deep0.cert, sub0.cert, mid0.cert], opts({ trustAnchors: [openRoot.cert] })), 'path-length', 2);
    // pathLength 0 still allows end-entity certificates directly below.
    assert.ok(verifyCertificateChain([issue(strictRoot, 'direct').cert], opts({ trustAnchors: [strictRoot.cert] })));
  });

  test('an unknown critical extension', () => {
    const odd = issue(intermediate, 'odd', { extensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: Uint8Array.of(5, 0) }] });
    rejects(() => verifyCertificateChain([odd.cert, intermediate.cert], opts()), 'unsupported-critical-extension', 0);
    const benign = issue(intermediate, 'benign', { extensions: [{ oid: '1.3.6.1.4.1.99999.1', value: Uint8Array.of(5, 0) }] });
    assert.ok(verifyCertificateChain([benign.cert, intermediate.cert], opts()));
  });

  test('no trust anchor', () => {
    rejects(() => verifyCertificateChain([leaf.cert, intermediate.cert], opts({ trustAnchors: [] })), 'untrusted', 1);
    rejects(
      () => verifyCertificateChain([leaf.cert, intermediate.cert], opts({ trustAnchors: [selfSigned('Elsewhere').cert] })),
      'untrusted',
      1,
    );
    // Without requireTrustAnchor the links are still checked, and the result says it is untrusted.
    const r = verifyCertificateChain([leaf.cert, intermediate.cert], opts({ trustAnchors: [], requireTrustAnchor: false }));
    assert.equal(r.trustAnchor, undefined);
    assert.ok(verifyCertificateChain([leaf.cert, intermediate.cert, root.cert], opts({ trustAnchors: [], requireTrustAnchor: false })));
    const impostor = selfSigned('IoTopia Test Manufacturer CA');
    rejects(
      () => verifyCertificateChain([issue(impostor, 'x').cert, intermediate.cert], opts({ trustAnchors: [], requireTrustAnchor: false })),
      'signature',
      0,
    );
  });

  test('a self-issued top certificate must verify with its own key when no anchor is required', () => {
    const a = keyPair('P-256');
    const b = keyPair('P-256');
    // Same subject and issuer, but signed through a CA certificate with another key under that name.
    const ca = createCertificate({
      subject: { commonName: 'Loop' },
      publicKey: b.publicKey,
      signer: b,
      notBefore: T0,
      notAfter: T1,
      ca: true,
    });
    const looped = createCertificate({
      subject: { commonName: 'Loop' },
      publicKey: a.publicKey,
      signer: { privateKey: b.privateKey, certificate: ca },
      notBefore: T0,
      notAfter: T1,
      ca: true,
    });
    rejects(() => verifyCertificateChain([looped], opts({ trustAnchors: [], requireTrustAnchor: false })), 'signature', 0);
  });

  test('limits and malformed input', () => {
    rejects(() => verifyCertificateChain([], opts()), 'empty', 0);
    assert.throws(() => verifyCertificateChain(Array(11).fill(leaf.cert), opts()), { code: 'ERR_CRYPTO_INPUT_TOO_LARGE' });
    assert.throws(() => verifyCertificateChain([leaf.cert, intermediate.cert], opts({ maxCertificates: 1 })), {
      code: 'ERR_CRYPTO_INPUT_TOO_LARGE',
    });
    assert.throws(() => verifyCertificateChain([Uint8Array.of(0x30, 0x00)], opts()), { code: 'ERR_CERT_FORMAT' });
    assert.throws(() => verifyCertificateChain([leaf.cert], opts({ time: new Date('nope') })), TypeError);
    assert.throws(() => verifyCertificateChain([leaf.cert], { time: DURING } as never), TypeError);
  });

  test('mutated chains fail only with typed errors', () => {
    const der = new Uint8Array(leaf.cert.raw);
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let round = 0; round < 300; round++) {
      const m = der.slice();
      m[next() % m.length] = next() & 0xff;
      try {
        verifyCertificateChain([m, intermediate.cert], opts());
      } catch (err) {
        const code = (err as { code?: string }).code;
        assert.ok(code === 'ERR_CERT_CHAIN' || code === 'ERR_CERT_FORMAT', `round ${round}: ${String(err)}`);
      }
    }
  });

  test('Cisco MUD-Manager example: signer certificate under an expired CA', (t) => {
    const dir = vectorPath('mud', 'signed', 'cisco-luminaire');
    if (dir === undefined) return t.skip(vectorsMissing('mud/signed/cisco-luminaire'));
    const ca = readFileSync(join(dir, 'luminaire-cacert.pem'), 'utf8');
    // The signer's certificate travels inside the CMS SignedData of the .p7s file.
    const p7s = new Uint8Array(readFileSync(join(dir, 'Luminaire_150.p7s')));
    const signed = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(p7s).result }).content });
    const signer = (signed.certificates ?? []).map((c) => new Uint8Array((c as pkijs.Certificate).toSchema().toBER()));
    assert.equal(signer.length, 1);
    const at = new Date(1560000000 * 1000); // 2019-06-08
    assert.ok(verifyCertificateChain(signer, { trustAnchors: [ca], time: at }).trustAnchor);
    const err = rejects(() => verifyCertificateChain(signer, { trustAnchors: [ca], time: new Date('2026-01-01T00:00:00Z') }), 'expired', 1);
    assert.match(err.subject ?? '', /Demo Luminaire Manufacturer/);
  });

  test('validates a chain built by Python cryptography, and rejects it when expired', (t) => {
    const why = pythonUnavailable();
    if (why !== undefined) return t.skip(why);
    for (const keyType of ['p256', 'p384', 'rsa2048']) {
      const made = runPython<{ root: string; intermediate: string; leaf: string }>('make_chain.py', {
        keyType,
        notBefore: '2025-01-01T00:00:00Z',
        notAfter: '2027-01-01T00:00:00Z',
      });
      const chain = [made.leaf, made.intermediate];
      const ok = verifyCertificateChain(chain, { trustAnchors: [made.root], time: DURING });
      assert.ok(ok.trustAnchor, keyType);
      rejects(() => verifyCertificateChain(chain, { trustAnchors: [made.root], time: new Date('2028-01-01T00:00:00Z') }), 'expired', 2);
      rejects(() => verifyCertificateChain(chain, { trustAnchors: [root.cert], time: DURING }), 'untrusted', 1);
    }
  });
});
