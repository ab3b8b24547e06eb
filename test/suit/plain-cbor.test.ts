import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode, Tag } from '../../src/codec/cbor.ts';
import { decodePlain, NOT_PLAIN } from '../../src/codec/cose/plain-cbor.ts';
import { Prng } from '../helpers/random.ts';
import { libcsuitEnvelopes, specExamples } from './helpers.ts';

// What SUIT's decodeCbor asks of the codec when the plain reader declines.
const codecDecode = (bytes: Uint8Array, maxBytes: number): { value: unknown } | { error: unknown } => {
  try {
    return { value: decode(bytes, { maxBytes, maxDepth: 48 }) };
  } catch (error) {
    return { error };
  }
};

/**
 * The plain reader either declines, or gives exactly the codec's value: same types (Uint8Array,
 * not Buffer; Map; Tag), same contents. It never accepts what the codec refuses.
 */
function agrees(bytes: Uint8Array, maxBytes = 1024 * 1024): boolean {
  const plain = decodePlain(bytes, maxBytes, 48);
  if (plain === NOT_PLAIN) return false;
  const codec = codecDecode(bytes, maxBytes);
  assert.ok('value' in codec, `the plain reader accepted what the codec refuses: ${Buffer.from(bytes).toString('hex')}`);
  assert.deepStrictEqual(plain, codec.value, Buffer.from(bytes).toString('hex'));
  return true;
}

/** Every byte string inside a decoded value: SUIT nests CBOR in byte strings. */
function byteStrings(v: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (v instanceof Uint8Array) out.push(v);
  else if (Array.isArray(v)) for (const x of v) byteStrings(x, out);
  else if (v instanceof Map)
    for (const [k, x] of v) {
      byteStrings(k, out);
      byteStrings(x, out);
    }
  else if (v instanceof Tag) byteStrings(v.value, out);
  return out;
}

function corpus(): Uint8Array[] {
  const envelopes = [...specExamples().flatMap((e) => e.envelopes), ...libcsuitEnvelopes().map((e) => e.bytes)];
  const out: Uint8Array[] = [];
  const walk = (bytes: Uint8Array, depth: number) => {
    out.push(bytes);
    const v = codecDecode(bytes, bytes.length);
    if (depth < 6 && 'value' in v) for (const b of byteStrings(v.value)) walk(b, depth + 1);
  };
  for (const e of envelopes) walk(e, 0);
  return out;
}

test('plain CBOR: every nested item of the SUIT vectors decodes as the codec decodes it', (t) => {
  const items = corpus();
  if (items.length === 0) return t.skip('no SUIT vectors');
  const accepted = items.filter((b) => agrees(b)).length;
  t.diagnostic(`${items.length} items, ${accepted} read by the plain reader`);
  assert.ok(accepted > items.length / 2);
});

test('plain CBOR: mutated SUIT items are declined or decoded exactly as the codec does', (t) => {
  const items = corpus().filter((b) => b.length > 0);
  if (items.length === 0) return t.skip('no SUIT vectors');
  const rng = new Prng(20261207);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const b = new Uint8Array(rng.pick(items));
    const kind = rng.below(4);
    const at = rng.below(b.length);
    let m: Uint8Array = b;
    if (kind === 0) b[at] = (b[at] as number) ^ (1 << rng.below(8));
    else if (kind === 1) b[at] = rng.below(256);
    else if (kind === 2) m = b.subarray(0, at);
    else m = Uint8Array.of(...b, rng.below(256));
    if (agrees(m)) accepted++;
  }
  t.diagnostic(`${accepted} of 20000 mutations read by the plain reader`);
  assert.ok(accepted > 0);
});

test('plain CBOR: generated values round-trip as the codec decodes them; the rest is declined', () => {
  const rng = new Prng(7);
  const gen = (depth: number): unknown => {
    const k = rng.below(depth > 3 ? 6 : 10);
    if (k === 0) return rng.below(2 ** 32) - 2 ** 31;
    if (k === 1) return rng.pick([0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, -1, -24, -25, -256, -257, -65537, -(2 ** 32)]);
    if (k === 2) return new Uint8Array(rng.below(40)).map(() => rng.below(256));
    if (k === 3) return rng.pick(['', 'a', 'suit', 'https://updates.example/file.bin', 'é', 'x'.repeat(70)]);
    if (k === 4) return rng.pick([true, false, null, undefined, 1.5, 2 ** 40, -(2 ** 40)]);
    if (k === 5) return rng.pick([new Tag(gen(depth + 1), 18), new Tag(gen(depth + 1), 107), new Tag(gen(depth + 1), 24)]);
    if (k < 8) return Array.from({ length: rng.below(5) }, () => gen(depth + 1));
    const m = new Map<unknown, unknown>();
    for (let i = rng.below(5); i > 0; i--) m.set(rng.pick([rng.below(30) - 10, 'k', 'key', new Uint8Array([1])]), gen(depth + 1));
    return m;
  };
  let accepted = 0;
  for (let i = 0; i < 5_000; i++) if (agrees(encode(gen(0)))) accepted++;
  assert.ok(accepted > 1000);
});

test('plain CBOR: what the codec refuses or treats specially is declined', () => {
  const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
  for (const h of [
    '', // nothing
    'a20101 0102'.replace(/ /g, ''), // duplicate key
    '0102', // trailing byte
    '9f01ff', // indefinite array
    '1b0000000000000001', // 64-bit argument
    'f97e00', // float
    'f7', // undefined
    'c24101', // bignum tag
    'd81841a0', // tag 24
    '62c3a9', // non-ASCII text (UTF-8 é)
    '6180', // invalid UTF-8
    '5801', // truncated byte string
    '820102'.slice(0, 4), // truncated array
  ]) {
    assert.equal(decodePlain(hex(h), 1024, 48), NOT_PLAIN, h);
  }
  assert.equal(decodePlain(hex('4100'), 1, 48), NOT_PLAIN, 'over maxBytes');
  assert.deepStrictEqual(decodePlain(hex('4100'), 2, 48), new Uint8Array([0]));
});

test('plain CBOR: byte strings are plain Uint8Array views even when the input is a Buffer', () => {
  const buf = Buffer.from('d86ba2024201020341ff', 'hex');
  const v = decodePlain(buf, 100, 48) as Tag;
  const m = v.value as Map<number, Uint8Array>;
  assert.equal(Object.getPrototypeOf(m.get(2)), Uint8Array.prototype);
  assert.equal(m.get(2)?.buffer, buf.buffer);
  assert.ok(agrees(buf));
});

test('plain CBOR: a depth limit is applied as the codec counts it', () => {
  for (let depth = 0; depth < 30; depth++) {
    const nested = new Uint8Array([...Array(depth).fill(0x81), 0x01]); // [[[…1…]]]
    for (const maxDepth of [1, 2, 16, 24, 48]) {
      const plain = decodePlain(nested, 100, maxDepth);
      let codecOk = true;
      try {
        decode(nested, { maxDepth });
      } catch {
        codecOk = false;
      }
      if (plain !== NOT_PLAIN) assert.ok(codecOk, `depth ${depth}, limit ${maxDepth}`);
      if (depth < Math.min(maxDepth, 24)) assert.notEqual(plain, NOT_PLAIN, `depth ${depth}, limit ${maxDepth}`);
    }
  }
});
