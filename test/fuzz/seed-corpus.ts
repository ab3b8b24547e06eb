/**
 * Writes the committed seed corpus (test/fuzz/corpus/*.json). Run it again only when the set of
 * seeds should change: `node test/fuzz/seed-corpus.ts`.
 */
import { writeFileSync } from 'node:fs';
import { encode, Tag } from '../../src/codec/cbor.ts';
import { APPENDIX_A } from '../codec/cbor-rfc8949.ts';

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

const out = new URL('./corpus/', import.meta.url);
writeFileSync(new URL('cbor.json', out), `${JSON.stringify(cborSeeds(), null, 1)}\n`);
