import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CryptoError } from '../../src/crypto/errors.ts';
import { deriveFfdhSecret, type FfdhGroup, ffdhGroupParameters, generateFfdhKeyPair } from '../../src/crypto/ffdh.ts';
import { hex, pythonUnavailable, runPython, unhex } from './python/run.ts';

/** floor(2^bits · π), from Machin's formula π = 16·atan(1/5) − 4·atan(1/239) in fixed point. */
function piScaled(bits: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(bits) + guard);
  const atanInv = (n: bigint): bigint => {
    let sum = 0n;
    let term = one / n;
    const n2 = n * n;
    for (let k = 1n; term !== 0n; k += 2n) {
      sum += (k & 2n ? -term : term) / k;
      term /= n2;
    }
    return sum;
  };
  return (16n * atanInv(5n) - 4n * atanInv(239n)) >> guard;
}

// RFC 3526 defines each prime by a formula over π (§3, §4); deriving it here checks the group
// parameters against the RFC's definition rather than against a copy of the hex.
const RFC3526: Record<FfdhGroup, { bits: number; piBits: number; offset: bigint }> = {
  modp14: { bits: 2048, piBits: 1918, offset: 124476n },
  modp15: { bits: 3072, piBits: 2942, offset: 1690314n },
};

const groups: FfdhGroup[] = ['modp14', 'modp15'];
const invalid = { code: 'ERR_DH_PUBLIC_INVALID', name: 'CryptoError' };

describe('FFDH (RFC 3526 groups 14 and 15)', () => {
  for (const group of groups) {
    const { bits, piBits, offset } = RFC3526[group];
    const size = bits / 8;

    test(`${group}: parameters match the RFC 3526 definition`, () => {
      const b = BigInt(bits);
      const expected = 2n ** b - 2n ** (b - 64n) - 1n + 2n ** 64n * (piScaled(piBits) + offset);
      const { prime, generator } = ffdhGroupParameters(group);
      assert.equal(prime.length, size);
      assert.equal(hex(prime), expected.toString(16));
      assert.deepEqual(generator, Uint8Array.of(2));
    });

    test(`${group}: both sides derive the same prime-length secret`, () => {
      const a = generateFfdhKeyPair(group);
      const b = generateFfdhKeyPair(group);
      assert.equal(a.group, group);
      assert.equal(a.publicKey.length, size);
      const s = deriveFfdhSecret(group, a.privateKey, b.publicKey);
      assert.equal(s.length, size);
      assert.equal(s.constructor, Uint8Array);
      assert.deepEqual(deriveFfdhSecret(group, b.privateKey, a.publicKey), s);
    });

    test(`${group}: an injected private key gives g^x, left-padded`, () => {
      const kp = generateFfdhKeyPair(group, { privateKey: Uint8Array.of(10) });
      // 2^10 = 0x0400
      assert.equal(hex(kp.publicKey), `${'00'.repeat(size - 2)}0400`);
      assert.deepEqual(kp.privateKey, Uint8Array.of(10));
    });

    test(`${group}: a short peer value (leading zeros dropped) is accepted; the secret is padded`, () => {
      const a = generateFfdhKeyPair(group);
      // y = 2^10 has 254 or 382 leading zero bytes in its fixed-length form.
      const s = deriveFfdhSecret(group, a.privateKey, Uint8Array.of(0x04, 0x00));
      assert.equal(s.length, size);
      assert.deepEqual(s, deriveFfdhSecret(group, a.privateKey, generateFfdhKeyPair(group, { privateKey: Uint8Array.of(10) }).publicKey));
    });

    test(`${group}: peer values outside 1 < y < p-1 are ERR_DH_PUBLIC_INVALID`, () => {
      const a = generateFfdhKeyPair(group);
      const { prime } = ffdhGroupParameters(group);
      const p = BigInt(`0x${hex(prime)}`);
      const enc = (v: bigint) => unhex(v.toString(16).padStart(size * 2, '0'));
      for (const y of [0n, 1n, p - 1n, p, p + 1n, 2n ** BigInt(bits) - 1n]) {
        const err = captureError(() => deriveFfdhSecret(group, a.privateKey, enc(y)));
        assert.ok(err instanceof CryptoError, `y=${y}`);
        assert.equal(err.code, 'ERR_DH_PUBLIC_INVALID');
      }
      assert.throws(() => deriveFfdhSecret(group, a.privateKey, new Uint8Array(0)), invalid);
      assert.throws(() => deriveFfdhSecret(group, a.privateKey, new Uint8Array(size + 1).fill(1)), invalid);
      assert.equal(deriveFfdhSecret(group, a.privateKey, enc(2n)).length, size);
      assert.equal(deriveFfdhSecret(group, a.privateKey, enc(p - 2n)).length, size);
    });

    test(`${group}: agrees with Python cryptography`, (t) => {
      const why = pythonUnavailable();
      if (why !== undefined) return t.skip(why);
      const ours = generateFfdhKeyPair(group);
      const reply = runPython<{ public: string; secret: string }>('ffdh.py', {
        prime: hex(ffdhGroupParameters(group).prime),
        generator: 2,
        peer: hex(ours.publicKey),
      });
      const ourSecret = deriveFfdhSecret(group, ours.privateKey, unhex(reply.public));
      // cryptography returns the secret padded to the prime's length, as FDO needs it.
      assert.equal(hex(ourSecret), reply.secret);
    });
  }

  test('misuse is a TypeError', () => {
    const a = generateFfdhKeyPair('modp14');
    assert.throws(() => generateFfdhKeyPair('modp2' as FfdhGroup), TypeError);
    assert.throws(() => generateFfdhKeyPair('modp14', { privateKey: Uint8Array.of(1) }), TypeError);
    assert.throws(() => generateFfdhKeyPair('modp14', { privateKey: 'x' as never }), TypeError);
    assert.throws(() => deriveFfdhSecret('modp14', Uint8Array.of(0), a.publicKey), TypeError);
    assert.throws(() => deriveFfdhSecret('modp14', a.privateKey, 'y' as never), TypeError);
  });
});

function captureError(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  assert.fail('expected an error');
}
