import assert from 'node:assert/strict';
import { createHash, createHmac, createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { HashType, PublicKeyEncoding, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { RVProtocolValue, RVVariable, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { certChainHash, parseCertChain } from '../../../src/fdo/types/cert-chain.ts';
import { generateGuid, guidFromText, guidToHex, guidToUuid, parseGuid } from '../../../src/fdo/types/guid.ts';
import { encodeHash, hashBytes, hashEquals, hmacBytes, parseHash } from '../../../src/fdo/types/hash.ts';
import { ipAddressFromString, ipAddressToString } from '../../../src/fdo/types/ip-address.ts';
import { generateNonce, parseNonce } from '../../../src/fdo/types/nonce.ts';
import {
  encodePublicKey,
  parsePublicKey,
  publicKeyFingerprint,
  publicKeyFromKeyObject,
  publicKeyToKeyObject,
  samePublicKey,
  signatureAlgorithmFor,
} from '../../../src/fdo/types/public-key.ts';
import {
  encodeRendezvousInfo,
  parseRendezvousInfo,
  rendezvousDirectiveFromView,
  rendezvousDirectiveView,
} from '../../../src/fdo/types/rendezvous-info.ts';
import { encodeRvTo2Addr, parseRvTo2Addr } from '../../../src/fdo/types/rv-to2-addr.ts';
import { encodeSigInfo, parseSigInfo } from '../../../src/fdo/types/sig-info.ts';

const code = (c: string) => (e: unknown) => e instanceof FdoError && e.code === c;

describe('Guid and Nonce', () => {
  test('are 16-byte byte strings', () => {
    const g = generateGuid();
    assert.equal(parseGuid(g, 'g'), g);
    assert.throws(() => parseGuid(new Uint8Array(15), 'OVGuid'), code('ERR_FDO_MESSAGE_BODY'));
    assert.equal(guidToUuid(guidFromText('00112233445566778899aabbccddeeff')), '00112233-4455-6677-8899-aabbccddeeff');
    assert.equal(guidToHex(guidFromText('00112233-4455-6677-8899-aabbccddeeff')), '00112233445566778899aabbccddeeff');
    assert.throws(() => guidFromText('0011'), code('ERR_FDO_MESSAGE_BODY'));
    assert.equal(
      parseNonce(
        generateNonce(() => new Uint8Array(16)),
        'n',
      ).length,
      16,
    );
    assert.throws(() => generateNonce(() => new Uint8Array(3)), TypeError);
  });
});

describe('Hash and HMac', () => {
  test('hashBytes and hmacBytes match node:crypto over the concatenated parts', () => {
    const a = Uint8Array.of(1, 2);
    const b = Uint8Array.of(3);
    assert.deepEqual(
      hashBytes(HashType.SHA256, a, b).value,
      new Uint8Array(
        createHash('sha256')
          .update(Uint8Array.of(1, 2, 3))
          .digest(),
      ),
    );
    assert.deepEqual(hashBytes(HashType.SHA384, a).value.length, 48);
    const k = new Uint8Array(32).fill(7);
    assert.deepEqual(
      hmacBytes(HashType.HMAC_SHA384, k, a, b).value,
      new Uint8Array(
        createHmac('sha384', k)
          .update(Uint8Array.of(1, 2, 3))
          .digest(),
      ),
    );
    assert.throws(() => hashBytes(HashType.HMAC_SHA256, a), TypeError);
    assert.throws(() => hmacBytes(HashType.SHA256, k, a), TypeError);
  });

  test('parseHash checks type, allowed types and the value length', () => {
    const h = hashBytes(HashType.SHA256, Uint8Array.of(1));
    assert.ok(hashEquals(parseHash(encodeHash(h), 'h'), h));
    assert.throws(() => parseHash([HashType.SHA256, new Uint8Array(31)], 'h'), code('ERR_FDO_MESSAGE_BODY'));
    assert.throws(() => parseHash([-44, new Uint8Array(32)], 'h'), code('ERR_FDO_MESSAGE_BODY'));
    assert.throws(() => parseHash(encodeHash(h), 'h', [HashType.HMAC_SHA256]), /not allowed here/);
    assert.ok(!hashEquals(h, { type: HashType.SHA256, value: new Uint8Array(32) }));
    assert.ok(!hashEquals(h, { type: HashType.HMAC_SHA256, value: h.value }));
  });
});

describe('PublicKey', () => {
  test('every encoding of one key round-trips through CBOR to the same key material', async () => {
    const p256 = await cachedKeys('secp256r1');
    const cert = certificateFor(p256);
    for (const encoding of [PublicKeyEncoding.Crypto, PublicKeyEncoding.X509, PublicKeyEncoding.X5CHAIN, PublicKeyEncoding.COSEKEY]) {
      const pk = publicKeyFromKeyObject(p256.privateKey, { encoding, chain: [cert] });
      assert.equal(pk.type, PublicKeyType.SECP256R1);
      const back = parsePublicKey(structuredClone(decodeOf(encode(encodePublicKey(pk)))), 'pk');
      const { key, chain } = publicKeyToKeyObject(back);
      assert.ok(samePublicKey(key, p256.publicKey));
      assert.equal(chain !== undefined, encoding === PublicKeyEncoding.X5CHAIN);
      assert.equal(publicKeyFingerprint(back), publicKeyFingerprint(p256.publicKey));
    }
  });

  test('the key must match pkType', async () => {
    const p384 = await cachedKeys('secp384r1');
    const rsa = await cachedKeys('rsa2048');
    const spki = new Uint8Array(p384.publicKey.export({ format: 'der', type: 'spki' }));
    assert.throws(
      () => publicKeyToKeyObject({ type: PublicKeyType.SECP256R1, encoding: PublicKeyEncoding.X509, body: spki }),
      code('ERR_FDO_PUBLIC_KEY'),
    );
    assert.throws(() => publicKeyToKeyObject({ type: PublicKeyType.RSAPKCS, encoding: PublicKeyEncoding.X509, body: spki }), /RSAPKCS/);
    assert.throws(
      () => publicKeyToKeyObject({ type: PublicKeyType.SECP384R1, encoding: PublicKeyEncoding.X509, body: Uint8Array.of(0x30, 0) }),
      code('ERR_FDO_PUBLIC_KEY'),
    );
    assert.throws(
      () => publicKeyFromKeyObject(rsa.publicKey, { type: PublicKeyType.SECP256R1, encoding: PublicKeyEncoding.X509 }),
      code('ERR_FDO_PUBLIC_KEY'),
    );
    const restr = publicKeyFromKeyObject(rsa.publicKey, { type: PublicKeyType.RSA2048RESTR, encoding: PublicKeyEncoding.X509 });
    assert.equal(signatureAlgorithmFor(restr.type, rsa.publicKey), Algorithm.RS256);
    assert.equal(signatureAlgorithmFor(PublicKeyType.RSAPSS, (await cachedKeys('rsa3072')).publicKey), Algorithm.PS384);
    assert.equal(signatureAlgorithmFor(PublicKeyType.SECP384R1, p384.publicKey), Algorithm.ES384);
    assert.throws(() => parsePublicKey([PublicKeyType.SECP256R1, 9, spki], 'OVPubKey'), /OVPubKey\.pkEnc: 9 is not one of/);
    assert.throws(() => parsePublicKey([PublicKeyType.SECP256R1, PublicKeyEncoding.X5CHAIN, []], 'pk'), code('ERR_FDO_MESSAGE_BODY'));
    assert.ok(!samePublicKey(p384.publicKey, rsa.publicKey));
    assert.ok(samePublicKey(createPublicKey(p384.privateKey), p384.privateKey));
  });
});

describe('RendezvousInfo, RVTO2Addr, SigInfo, CertChain', () => {
  test('rendezvous directives round-trip through the typed view', () => {
    const d = rendezvousDirectiveFromView({
      dns: 'rv.example',
      ipAddress: '192.168.1.2',
      devPort: 8041,
      ownerPort: 8042,
      protocol: RVProtocolValue.RVProtHttps,
      delaySec: 30,
      bypass: true,
      devOnly: true,
    });
    const info = parseRendezvousInfo(decodeOf(encode(encodeRendezvousInfo([d]))), 'OVRVInfo');
    const v = rendezvousDirectiveView(info[0]!);
    assert.deepEqual(
      {
        dns: v.dns,
        ip: v.ipAddress,
        dev: v.devPort,
        owner: v.ownerPort,
        prot: v.protocol,
        delay: v.delaySec,
        bypass: v.bypass,
        devOnly: v.devOnly,
        ownerOnly: v.ownerOnly,
      },
      { dns: 'rv.example', ip: '192.168.1.2', dev: 8041, owner: 8042, prot: 2, delay: 30, bypass: true, devOnly: true, ownerOnly: false },
    );
    assert.throws(
      () => rendezvousDirectiveView([{ variable: RVVariable.RVDevPort, value: encode('x') }]),
      /RVDevPort: expected an unsigned integer/,
    );
    assert.throws(() => parseRendezvousInfo([[[1, 2, 3]]], 'OVRVInfo'), /OVRVInfo\[0\]\[0\]: expected 1 to 2 elements/);
  });

  test('IPv6 addresses', () => {
    assert.equal(ipAddressToString(ipAddressFromString('::1')), '0:0:0:0:0:0:0:1');
    assert.equal(ipAddressToString(ipAddressFromString('2001:db8::192.0.2.1')), '2001:db8:0:0:0:0:c000:201');
  });

  test('RVTO2Addr needs an address or a name', () => {
    const a = [
      { dns: 'owner.example', port: 443, protocol: TransportProtocol.ProtHTTPS },
      { ip: '10.0.0.1', port: 80, protocol: TransportProtocol.ProtHTTP },
    ];
    assert.deepEqual(parseRvTo2Addr(decodeOf(encode(encodeRvTo2Addr(a))), 'RVTO2Addr'), a);
    assert.throws(() => parseRvTo2Addr([[null, null, 80, 3]], 'RVTO2Addr'), /neither RVIP nor RVDNS/);
    assert.throws(() => parseRvTo2Addr([[null, 'x', 80, 9]], 'RVTO2Addr'), /RVProtocol/);
  });

  test('SigInfo and X5CHAIN', async () => {
    const s = { sgType: -7 as const, info: new Uint8Array(0) };
    assert.deepEqual(parseSigInfo(encodeSigInfo(s), 'eASigInfo'), s);
    assert.throws(() => parseSigInfo([-8, new Uint8Array(0)], 'eASigInfo'), /sgType/);
    const cert = certificateFor(await cachedKeys('secp256r1'));
    const chain = parseCertChain([new Uint8Array(cert.raw)], 'chain');
    assert.deepEqual(certChainHash(HashType.SHA256, chain).value, new Uint8Array(createHash('sha256').update(cert.raw).digest()));
    assert.throws(() => parseCertChain(Array(11).fill(new Uint8Array(1)), 'OVDevCertChain'), /expected 1 to 10 elements/);
  });
});

import { decode } from '../../../src/codec/cbor.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor } from '../../helpers/pki.ts';

function decodeOf(b: Uint8Array): unknown {
  return decode(b);
}
