import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { certificateSpki } from '../../src/crypto/cert-spki.ts';
import { CryptoError } from '../../src/crypto/errors.ts';
import type { KeyPairType } from '../../src/crypto/key-generate.ts';
import { cachedKeys } from '../helpers/keys.ts';
import { certificateFor, deviceCa } from '../helpers/pki.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const nodeSpki = (der: Uint8Array) => new Uint8Array(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }));

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CryptoError, `not a CryptoError: ${String(e)}`);
    return e.code;
  }
  return undefined;
}

async function leafDer(type: KeyPairType, slot: number): Promise<Uint8Array> {
  const ca = await deviceCa('IoTopia SPKI test CA');
  return new Uint8Array(certificateFor(await cachedKeys(type, slot), { commonName: `device ${type}`, issuer: ca }).raw);
}

test('the SPKI of P-256, P-384, RSA and Ed25519 certificates is the one X509Certificate exports', async () => {
  for (const [type, slot] of [
    ['secp256r1', 60],
    ['secp384r1', 61],
    ['rsa2048', 62],
    ['ed25519', 63],
  ] as const) {
    const der = await leafDer(type, slot);
    assert.deepEqual(certificateSpki(der), nodeSpki(der), type);
  }
});

test('the SPKI of certificates made elsewhere is the one X509Certificate exports', (t) => {
  const files = [
    ['cose', 'x509-examples', 'alice.der'],
    ['cose', 'x509-examples', 'ca.der'],
    ['mud', 'signed', 'cisco-luminaire', 'luminaire-cacert.pem'],
  ].map((parts) => vectorPath(...parts));
  if (files.some((f) => f === undefined)) return t.skip(vectorsMissing('cose/x509-examples, mud/signed'));
  for (const file of files as string[]) {
    const der = file.endsWith('.pem') ? new Uint8Array(new X509Certificate(readFileSync(file)).raw) : new Uint8Array(readFileSync(file));
    assert.deepEqual(certificateSpki(der), nodeSpki(der), file);
  }
});

test('the result is a copy, not a view of the input', async () => {
  const der = await leafDer('secp256r1', 60);
  const spki = certificateSpki(der);
  spki.fill(0);
  assert.deepEqual(certificateSpki(der), nodeSpki(der));
});

test('broken DER is ERR_CERT_FORMAT', async () => {
  const der = await leafDer('secp256r1', 60);
  const spkiAt = Buffer.from(der).indexOf(Buffer.from(nodeSpki(der)));
  // SEQUENCE (long length) { SEQUENCE (long length) { [0] version, INTEGER serialNumber, …
  assert.deepEqual([der[0], der[1], der[4], der[5], der[8]], [0x30, 0x82, 0x30, 0x82, 0xa0]);
  const serialAt = 8 + 2 + (der[9] as number);
  const changed = (at: number, value: number) => {
    const copy = der.slice();
    copy[at] = value;
    return copy;
  };
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['truncated', der.subarray(0, der.length - 1)],
    ['cut inside the SPKI', der.subarray(0, spkiAt + 10)],
    ['a byte after the certificate', Uint8Array.of(...der, 0)],
    ['not a SEQUENCE', changed(0, 0x31)],
    ['indefinite length', changed(1, 0x80)],
    ['the SPKI is not a SEQUENCE', changed(spkiAt, 0x31)],
    ['the key is not a BIT STRING', changed(spkiAt + 2 + (der[spkiAt + 3] as number) + 2, 0x04)],
    ['the serial number is not an INTEGER', changed(serialAt, 0x05)],
    ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255)],
  ];
  for (const [name, bytes] of cases)
    assert.equal(
      code(() => certificateSpki(bytes)),
      'ERR_CERT_FORMAT',
      name,
    );
});

test('input over the limit is ERR_CRYPTO_INPUT_TOO_LARGE; misuse is a TypeError', async () => {
  const der = await leafDer('secp256r1', 60);
  assert.equal(
    code(() => certificateSpki(der, der.length - 1)),
    'ERR_CRYPTO_INPUT_TOO_LARGE',
  );
  assert.equal(
    code(() => certificateSpki(new Uint8Array(64 * 1024 + 1))),
    'ERR_CRYPTO_INPUT_TOO_LARGE',
  );
  assert.deepEqual(certificateSpki(der, der.length), nodeSpki(der));
  assert.throws(() => certificateSpki('MII…' as unknown as Uint8Array), TypeError);
  assert.throws(() => certificateSpki(der, 0), TypeError);
});
