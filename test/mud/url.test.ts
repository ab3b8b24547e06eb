import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { ID_PE_MUD_URL, ID_PE_MUDSIGNER, MAX_MUD_STRING_OCTETS } from '../../src/mud/url/constants.ts';
import { decodeDhcp4MudUrl, decodeDhcp6MudUrl, encodeDhcp4MudUrl, encodeDhcp6MudUrl } from '../../src/mud/url/dhcp.ts';
import { MudUrlError } from '../../src/mud/url/errors.ts';
import { decodeLldpMudUrl, encodeLldpMudUrl } from '../../src/mud/url/lldp.ts';
import { checkMudUrl } from '../../src/mud/url/mud-string.ts';
import {
  decodeMudSignerExtension,
  decodeMudUrlExtension,
  encodeMudSignerExtension,
  encodeMudUrlExtension,
  mudUrlFromCertificate,
  readCertificateMudExtensions,
} from '../../src/mud/url/x509.ts';

const URL_A = 'https://lighting.example.com/lightbulb2000';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): string => Buffer.from(s, 'ascii').toString('hex');

function rejects(fn: () => unknown, code: string, source?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MudUrlError, `expected MudUrlError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (source !== undefined) assert.equal(e.source, source);
    return true;
  });
}

describe('MUD URL rules (RFC 8520 §10)', () => {
  test('https URLs pass; other schemes, spaces, non-ASCII and non-URLs fail with their code', () => {
    assert.equal(checkMudUrl(URL_A), URL_A);
    rejects(() => checkMudUrl('http://example.com/mud.json'), 'ERR_MUD_URL_SCHEME');
    rejects(() => checkMudUrl('ftp://example.com/mud.json'), 'ERR_MUD_URL_SCHEME');
    rejects(() => checkMudUrl('https://example.com/a b'), 'ERR_MUD_URL_INVALID');
    rejects(() => checkMudUrl('https://exämple.com/'), 'ERR_MUD_URL_INVALID');
    rejects(() => checkMudUrl('not a url'), 'ERR_MUD_URL_INVALID');
    rejects(() => checkMudUrl('example.com/mud.json'), 'ERR_MUD_URL_INVALID');
    rejects(() => checkMudUrl(''), 'ERR_MUD_URL_INVALID');
  });
});

describe('DHCPv4 option 161', () => {
  test('encodes code, length and the URL, byte for byte', () => {
    const out = encodeDhcp4MudUrl(URL_A);
    assert.equal(hex(out), `a1${URL_A.length.toString(16).padStart(2, '0')}${ascii(URL_A)}`);
    assert.deepEqual(decodeDhcp4MudUrl(out), { url: URL_A, reserved: undefined });
  });

  test('the reserved part after a space is returned and ignored', () => {
    const mudString = `${URL_A} future-use`;
    const decoded = decodeDhcp4MudUrl(bytes(`a1${mudString.length.toString(16)}${ascii(mudString)}`));
    assert.equal(decoded.url, URL_A);
    assert.equal(Buffer.from(decoded.reserved!).toString('ascii'), 'future-use');
  });

  test('a 255-octet URL is the longest; 256 is refused', () => {
    const longest = `https://e.example/${'a'.repeat(MAX_MUD_STRING_OCTETS - 'https://e.example/'.length)}`;
    assert.equal(longest.length, 255);
    assert.equal(decodeDhcp4MudUrl(encodeDhcp4MudUrl(longest)).url, longest);
    rejects(() => encodeDhcp4MudUrl(`${longest}a`), 'ERR_MUD_URL_TOO_LONG', 'dhcp4');
  });

  test('malformed options fail with stable codes', () => {
    const good = encodeDhcp4MudUrl(URL_A);
    rejects(() => decodeDhcp4MudUrl(new Uint8Array(0)), 'ERR_MUD_URL_TRUNCATED', 'dhcp4');
    rejects(() => decodeDhcp4MudUrl(good.subarray(0, good.length - 1)), 'ERR_MUD_URL_TRUNCATED');
    rejects(() => decodeDhcp4MudUrl(Uint8Array.of(...good, 0)), 'ERR_MUD_URL_FORMAT');
    rejects(() => decodeDhcp4MudUrl(Uint8Array.of(160, ...good.subarray(1))), 'ERR_MUD_URL_FORMAT');
    rejects(() => decodeDhcp4MudUrl(Uint8Array.of(161, 0)), 'ERR_MUD_URL_INVALID');
    const http = 'http://lighting.example.com/x';
    rejects(() => decodeDhcp4MudUrl(bytes(`a1${http.length.toString(16)}${ascii(http)}`)), 'ERR_MUD_URL_SCHEME', 'dhcp4');
  });
});

describe('DHCPv6 option 112', () => {
  test('encodes a two-octet code and length', () => {
    const out = encodeDhcp6MudUrl(URL_A);
    assert.equal(hex(out.subarray(0, 4)), `0070${URL_A.length.toString(16).padStart(4, '0')}`);
    assert.equal(decodeDhcp6MudUrl(out).url, URL_A);
  });

  test('refuses an option-len over 255, other codes, truncation and trailing bytes', () => {
    const big = new Uint8Array(4 + 300);
    big.set([0x00, 0x70, 0x01, 0x2c]);
    rejects(() => decodeDhcp6MudUrl(big), 'ERR_MUD_URL_TOO_LONG', 'dhcp6');
    const good = encodeDhcp6MudUrl(URL_A);
    rejects(() => decodeDhcp6MudUrl(Uint8Array.of(0, 0x71, ...good.subarray(2))), 'ERR_MUD_URL_FORMAT');
    rejects(() => decodeDhcp6MudUrl(good.subarray(0, 3)), 'ERR_MUD_URL_TRUNCATED');
    rejects(() => decodeDhcp6MudUrl(good.subarray(0, 10)), 'ERR_MUD_URL_TRUNCATED');
    rejects(() => decodeDhcp6MudUrl(Uint8Array.of(...good, 1)), 'ERR_MUD_URL_FORMAT');
  });
});

describe('LLDP TLV 127, OUI 00-00-5E, subtype 1', () => {
  test('type and 9-bit length, OUI and subtype, then the URL', () => {
    const out = encodeLldpMudUrl(URL_A);
    const length = 4 + URL_A.length;
    assert.equal(out[0], (127 << 1) | (length >> 8));
    assert.equal(out[1], length & 0xff);
    assert.equal(hex(out.subarray(2, 6)), '00005e01');
    assert.equal(decodeLldpMudUrl(out).url, URL_A);
  });

  test('a 255-octet URL needs the ninth length bit', () => {
    const longest = `https://e.example/${'b'.repeat(255 - 18)}`;
    const out = encodeLldpMudUrl(longest);
    assert.equal(out[0]! & 1, 1);
    assert.equal(decodeLldpMudUrl(out).url, longest);
  });

  test('refuses other TLV types, OUIs, subtypes and bad lengths', () => {
    const good = encodeLldpMudUrl(URL_A);
    const patched = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    rejects(() => decodeLldpMudUrl(patched(0, (126 << 1) | (good[0]! & 1))), 'ERR_MUD_URL_FORMAT', 'lldp');
    rejects(() => decodeLldpMudUrl(patched(4, 0x5f)), 'ERR_MUD_URL_FORMAT');
    rejects(() => decodeLldpMudUrl(patched(5, 2)), 'ERR_MUD_URL_FORMAT');
    rejects(() => decodeLldpMudUrl(good.subarray(0, 20)), 'ERR_MUD_URL_TRUNCATED');
    rejects(() => decodeLldpMudUrl(Uint8Array.of(0xfe, 0x02, 0, 0)), 'ERR_MUD_URL_TRUNCATED');
    rejects(() => decodeLldpMudUrl(Uint8Array.of(...good, 0)), 'ERR_MUD_URL_FORMAT');
  });
});

describe('X.509 extensions id-pe-mud-url and id-pe-mudsigner (§11)', () => {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const notBefore = new Date('2025-01-01T00:00:00Z');
  const notAfter = new Date('2030-01-01T00:00:00Z');
  const caCert = createCertificate({
    subject: { commonName: 'MUD Signer', organization: 'Lighting Example' },
    publicKey: ca.publicKey,
    signer: { privateKey: ca.privateKey },
    notBefore,
    notAfter,
    ca: true,
  });

  test('the extension value is a DER IA5String', () => {
    const der = encodeMudUrlExtension(URL_A);
    assert.equal(der[0], 0x16);
    assert.equal(decodeMudUrlExtension(der), URL_A);
    rejects(() => decodeMudUrlExtension(new Uint8Array(new asn1js.Utf8String({ value: URL_A }).toBER())), 'ERR_MUD_URL_CERT');
    rejects(() => decodeMudUrlExtension(Uint8Array.of(0x16, 0x05, 0x68)), 'ERR_MUD_URL_CERT');
    rejects(
      () => decodeMudUrlExtension(new Uint8Array(new asn1js.IA5String({ value: 'http://x.example/' }).toBER())),
      'ERR_MUD_URL_SCHEME',
    );
  });

  test('a device certificate built with both extensions gives them back (PEM and DER)', () => {
    const cert = createCertificate({
      subject: { commonName: 'lightbulb-0001' },
      publicKey: device.publicKey,
      signer: { privateKey: ca.privateKey, certificate: caCert },
      notBefore,
      notAfter,
      extensions: [
        { oid: ID_PE_MUD_URL, value: encodeMudUrlExtension(URL_A) },
        { oid: ID_PE_MUDSIGNER, value: encodeMudSignerExtension(caCert) },
      ],
    });
    assert.equal(mudUrlFromCertificate(cert.toString()), URL_A);
    const ext = readCertificateMudExtensions(new Uint8Array(cert.raw));
    assert.equal(ext.mudUrl, URL_A);
    assert.equal(ext.mudSigner?.text, 'O=Lighting Example, CN=MUD Signer');
    assert.deepEqual(decodeMudSignerExtension(ext.mudSigner!.der).text, ext.mudSigner!.text);
  });

  test('a certificate without the extension, and non-certificates, fail with ERR_MUD_URL_CERT', () => {
    rejects(() => mudUrlFromCertificate(caCert), 'ERR_MUD_URL_CERT', 'x509');
    rejects(() => mudUrlFromCertificate(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)), 'ERR_MUD_URL_CERT');
    rejects(() => decodeMudSignerExtension(Uint8Array.of(0x04, 0x01, 0x00)), 'ERR_MUD_URL_CERT');
  });
});
