import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CryptoError } from '../../src/crypto/errors.ts';
import { importPublicKey } from '../../src/crypto/key-import.ts';
import { certificateOfDer, DEFAULT_CERTIFICATE_LIMITS, parseCertificate, parseCertificates } from '../../src/crypto/x509-parse.ts';
import { pki } from './fixtures/pki.ts';

const { root, intermediate, leaf } = pki();
const der = (c: { cert: { raw: Buffer } }) => new Uint8Array(c.cert.raw);
const pem = (c: { cert: { toString(): string } }) => c.cert.toString();
const fingerprints = (certs: { fingerprint256: string }[]) => certs.map((c) => c.fingerprint256);
const expected = [leaf, intermediate, root].map((c) => c.cert.fingerprint256);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CryptoError, `not a CryptoError: ${String(err)}`);
    return err.code;
  }
  return undefined;
}

describe('parseCertificates', () => {
  test('DER, PEM, a PEM bundle with text between blocks, concatenated DER, and lists', () => {
    assert.equal(parseCertificate(der(leaf)).fingerprint256, leaf.cert.fingerprint256);
    assert.equal(parseCertificate(pem(leaf)).fingerprint256, leaf.cert.fingerprint256);
    assert.equal(parseCertificate(leaf.cert), leaf.cert);
    const bundle = `subject: device\n${pem(leaf)}\n# the CA\n${pem(intermediate)}${pem(root)}trailing text\n`;
    assert.deepEqual(fingerprints(parseCertificates(bundle)), expected);
    assert.deepEqual(fingerprints(parseCertificates(new TextEncoder().encode(bundle))), expected);
    const concatenated = new Uint8Array(Buffer.concat([leaf.cert.raw, intermediate.cert.raw, root.cert.raw]));
    assert.deepEqual(fingerprints(parseCertificates(concatenated)), expected);
    assert.deepEqual(fingerprints(parseCertificates([der(leaf), pem(intermediate), root.cert])), expected);
  });

  test('the public key of a certificate imports as a key', () => {
    const key = importPublicKey(der(leaf));
    assert.ok(key.equals(leaf.cert.publicKey));
    assert.ok(importPublicKey(pem(root)).equals(root.cert.publicKey));
  });

  test('limits: certificate count and size', () => {
    const many = Array.from({ length: DEFAULT_CERTIFICATE_LIMITS.maxCertificates + 1 }, () => pem(leaf)).join('');
    assert.equal(
      code(() => parseCertificates(many)),
      'ERR_CRYPTO_INPUT_TOO_LARGE',
    );
    assert.equal(
      code(() => parseCertificates(Array(11).fill(der(leaf)))),
      'ERR_CRYPTO_INPUT_TOO_LARGE',
    );
    assert.equal(parseCertificates(Array(3).fill(der(leaf)), { maxCertificates: 3 }).length, 3);
    assert.equal(
      code(() => parseCertificate(`${pem(leaf)}${pem(root)}`)),
      'ERR_CRYPTO_INPUT_TOO_LARGE',
    );
    assert.equal(
      code(() => parseCertificate(der(leaf), { maxCertificateBytes: 100 })),
      'ERR_CRYPTO_INPUT_TOO_LARGE',
    );
    assert.equal(
      code(() => parseCertificate(new Uint8Array(10 * 1024 * 1024))),
      'ERR_CRYPTO_INPUT_TOO_LARGE',
    );
  });

  test('undecodable input is ERR_CERT_FORMAT', () => {
    const bad: (Uint8Array | string | Uint8Array[])[] = [
      new Uint8Array(0),
      [],
      Uint8Array.of(0x30),
      Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff),
      der(leaf).subarray(0, 200),
      Uint8Array.of(...der(leaf), 0x30),
      Uint8Array.of(0x04, 0x00),
      'no PEM here',
      pem(leaf).replace('CERTIFICATE-----\n', 'CERTIFICATE-----\n!'),
      leaf.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      '-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n',
    ];
    for (const input of bad)
      assert.equal(
        code(() => parseCertificates(input)),
        'ERR_CERT_FORMAT',
        String(input).slice(0, 40),
      );
  });

  test('hostile PEM text is rejected in linear time', () => {
    const inputs = [
      '-----BEGIN A-----'.repeat(40_000),
      `-----BEGIN CERTIFICATE-----${' '.repeat(600_000)}!-----END CERTIFICATE-----`,
      `-----BEGIN CERTIFICATE-----${'\n'.repeat(600_000)}!-----END CERTIFICATE-----`,
      `-----BEGIN CERTIFICATE-----${' \n'.repeat(300_000)}!-----END CERTIFICATE-----`,
    ];
    for (const input of inputs) {
      const started = performance.now();
      assert.equal(
        code(() => parseCertificates(input)),
        'ERR_CERT_FORMAT',
      );
      assert.ok(performance.now() - started < 500, 'took too long');
    }
  });

  test('mutated certificates never escape as anything but typed errors', () => {
    const original = der(leaf);
    let seed = 0x1234567;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let round = 0; round < 500; round++) {
      const m = original.slice();
      for (let k = 0; k <= round % 4; k++) m[next() % m.length] = next() & 0xff;
      const input = round % 7 === 0 ? m.subarray(0, next() % m.length) : m;
      const c = code(() => parseCertificates(input));
      assert.ok(c === undefined || c === 'ERR_CERT_FORMAT', `round ${round}: ${c}`);
    }
  });

  test('misuse is a TypeError', () => {
    assert.throws(() => parseCertificates(42 as never), TypeError);
    assert.throws(() => parseCertificates(der(leaf), { maxCertificates: 0 }), TypeError);
  });
});

describe('certificateOfDer', () => {
  test('the same bytes give the same decoded certificate, wherever they are held; other bytes another', () => {
    const a = certificateOfDer(der(leaf));
    const copy = new Uint8Array([0, ...der(leaf)]).subarray(1);
    assert.equal(certificateOfDer(copy), a);
    assert.equal(parseCertificate(der(leaf)), a);
    assert.notEqual(certificateOfDer(der(root)), a);
    assert.equal(certificateOfDer(der(root)).fingerprint256, root.cert.fingerprint256);
  });

  test('bytes that do not decode throw each time and are not kept', () => {
    const broken = der(leaf).slice(0, 40);
    assert.throws(() => certificateOfDer(broken));
    assert.throws(() => certificateOfDer(broken));
  });
});
