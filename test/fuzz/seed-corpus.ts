/**
 * Writes the committed seed corpus (test/fuzz/corpus/*.json). Run it again only when the set of
 * seeds should change: `node test/fuzz/seed-corpus.ts`.
 */
import { writeFileSync } from 'node:fs';
import { encode, Tag } from '../../src/codec/cbor.ts';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { encryptEncrypt } from '../../src/codec/cose/encrypt.ts';
import { encryptEncrypt0 } from '../../src/codec/cose/encrypt0.ts';
import { encodeCoseKey, keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { createMac } from '../../src/codec/cose/mac.ts';
import { createMac0 } from '../../src/codec/cose/mac0.ts';
import { signSign } from '../../src/codec/cose/sign.ts';
import { signSign1 } from '../../src/codec/cose/sign1.ts';
import { APPENDIX_A } from '../codec/cbor-rfc8949.ts';
import { FUZZ_ED25519, FUZZ_P256, FUZZ_SECRET_128, FUZZ_SECRET_256 } from './keys.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function cborSeeds(): string[] {
  const seeds = APPENDIX_A.map(([, h]) => h);
  // Shapes that FDO and COSE messages have: integer-keyed maps, nested arrays, tagged structures.
  const nonce = new Uint8Array(16).fill(7);
  seeds.push(
    hex(
      encode([
        101,
        nonce,
        [1, 'http://owner.example:8080', 443],
        new Map<number, unknown>([
          [1, -7],
          [4, Uint8Array.of(1, 2)],
        ]),
      ]),
    ),
    hex(
      encode(
        new Tag([Uint8Array.of(0xa1, 0x01, 0x26), new Map([[4, Uint8Array.of(0x31)]]), Uint8Array.of(1, 2, 3), new Uint8Array(64)], 18),
      ),
    ),
    hex(
      encode(
        new Map<unknown, unknown>([
          ['a', [1, 2, { b: null }]],
          [-1, true],
          [Uint8Array.of(9), [[[], new Map()]]],
        ]),
      ),
    ),
    hex(encode([2n ** 64n - 1n, -(2n ** 63n), 2 ** 40, 1.5, 'é', '', new Uint8Array(300)])),
  );
  return seeds;
}

/** Valid messages of every COSE structure, made with the fuzzing keys, plus COSE_Keys. */
function coseSeeds(): string[] {
  const payload = new TextEncoder().encode('fuzz seed payload');
  const alg = (id: number): Map<number, unknown> => new Map([[1, id]]);
  const kid = new Map<number, unknown>([[4, Uint8Array.of(0x31)]]);
  const aad = Uint8Array.of(1, 2, 3);
  const seeds: Uint8Array[] = [
    signSign1({ payload, key: FUZZ_P256, protectedHeaders: alg(Algorithm.ES256), unprotectedHeaders: kid }),
    signSign1({ payload, key: FUZZ_P256, protectedHeaders: alg(Algorithm.ES256), tagged: false }),
    signSign1({ payload, key: FUZZ_P256, unprotectedHeaders: alg(Algorithm.ES256), externalAad: aad }),
    signSign({
      payload,
      signers: [
        { key: FUZZ_P256, protectedHeaders: alg(Algorithm.ES256), unprotectedHeaders: kid },
        { key: FUZZ_ED25519, protectedHeaders: alg(Algorithm.EdDSA) },
      ],
    }),
    createMac0({ payload, key: FUZZ_SECRET_256, protectedHeaders: alg(Algorithm.HMAC_256_256) }),
    createMac0({ payload, key: FUZZ_SECRET_256, protectedHeaders: alg(Algorithm.HMAC_256_64), externalAad: aad, tagged: false }),
    createMac({
      payload,
      protectedHeaders: alg(Algorithm.AES_MAC_128_64),
      recipients: [{ key: FUZZ_SECRET_128, unprotectedHeaders: alg(Algorithm.direct) }],
    }),
    createMac({
      payload,
      protectedHeaders: alg(Algorithm.HMAC_256_256),
      recipients: [{ key: FUZZ_SECRET_128, unprotectedHeaders: alg(Algorithm.A128KW) }],
    }),
    encryptEncrypt0({ plaintext: payload, key: FUZZ_SECRET_128, protectedHeaders: alg(Algorithm.A128GCM) }),
    encryptEncrypt0({ plaintext: payload, key: FUZZ_SECRET_128, protectedHeaders: alg(Algorithm.AES_CCM_16_64_128), externalAad: aad }),
    encryptEncrypt({
      plaintext: payload,
      protectedHeaders: alg(Algorithm.A128GCM),
      recipients: [{ key: FUZZ_SECRET_128, unprotectedHeaders: alg(Algorithm.direct) }],
    }),
    encryptEncrypt({
      plaintext: payload,
      protectedHeaders: alg(Algorithm.A256GCM),
      recipients: [{ key: FUZZ_SECRET_128, unprotectedHeaders: alg(Algorithm.A128KW) }],
    }),
    encodeCoseKey(keyObjectToCoseKey(FUZZ_P256, { includePrivate: true, kid: Uint8Array.of(0x31) })),
    encodeCoseKey(keyObjectToCoseKey(FUZZ_ED25519, { includePrivate: true })),
    encodeCoseKey(keyObjectToCoseKey(FUZZ_SECRET_128, { includePrivate: true, alg: Algorithm.A128GCM })),
  ];
  return seeds.map(hex);
}

const out = new URL('./corpus/', import.meta.url);
writeFileSync(new URL('cbor.json', out), `${JSON.stringify(cborSeeds(), null, 1)}\n`);
writeFileSync(new URL('cose.json', out), `${JSON.stringify(coseSeeds(), null, 1)}\n`);
