import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { ipAddressOctets, subjectAltNameExtension } from '../../src/crypto/x509-san.ts';

const hex = (ip: string) => Buffer.from(ipAddressOctets(ip)).toString('hex');

describe('subjectAltName (RFC 5280 §4.2.1.6)', () => {
  it('encodes IPv4 in 4 octets and IPv6 in 16, the compressed, full and IPv4-embedded forms alike', () => {
    assert.equal(hex('192.0.2.1'), 'c0000201');
    assert.equal(hex('::1'), '00000000000000000000000000000001');
    assert.equal(hex('0:0:0:0:0:0:0:1'), hex('::1'));
    assert.equal(hex('2001:db8::1:2'), '20010db8000000000000000000010002');
    assert.equal(hex('2001:DB8:0:0:0:0:1:2'), hex('2001:db8::1:2'));
    assert.equal(hex('::ffff:192.0.2.1'), '00000000000000000000ffffc0000201');
    assert.equal(hex('::'), '0'.repeat(32));
    assert.throws(() => ipAddressOctets('example.com'), TypeError);
  });

  it('makes a certificate that TLS name checks accept for exactly its names', async () => {
    const k = (await generateKeyPair('secp256r1')).privateKey;
    const c = createCertificate({
      subject: { commonName: 'server' },
      publicKey: k,
      signer: { privateKey: k },
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      extensions: [subjectAltNameExtension(['iot.example.com', '192.0.2.1', '2001:db8::1'])],
    });
    assert.equal(c.checkHost('iot.example.com'), 'iot.example.com');
    assert.equal(c.checkHost('other.example.com'), undefined);
    assert.equal(c.checkIP('192.0.2.1'), '192.0.2.1');
    assert.equal(c.checkIP('2001:db8::1'), '2001:db8::1');
    assert.equal(c.checkIP('192.0.2.2'), undefined);
  });

  it('refuses an empty list and names that are not DNS names', () => {
    assert.throws(() => subjectAltNameExtension([]), TypeError);
    assert.throws(() => subjectAltNameExtension(['bad name']), TypeError);
    assert.throws(() => subjectAltNameExtension(['']), TypeError);
  });
});
