import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode, Tag } from '../../src/codec/cbor.ts';
import { decodeSequence, readSequence, type SequenceContext } from '../../src/suit/commands.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { flatByteStrings, flatIntAndBytes, flatTag } from '../../src/suit/lib/flat-cbor.ts';
import { DEFAULT_SUIT_LIMITS, decodeCbor } from '../../src/suit/lib/read.ts';

// Command sequences are read straight from their bytes when every command has a common shape, and
// through the generic CBOR values otherwise. Both readings must give the same commands, and the same
// typed error (code, path, message) for the same bytes.

const digestBstr = (alg: number, n: number, fill: number) => encode([alg, new Uint8Array(n).fill(fill)]);

const SEQUENCES: Uint8Array[] = [
  // The shapes of the draft's example 4: component index, override-parameters with leaf values and an
  // image digest, conditions and directives with a reporting policy.
  encode([
    12,
    0,
    20,
    new Map<number, unknown>([
      [1, new Uint8Array(16).fill(0xfa)],
      [2, new Uint8Array(16).fill(0x14)],
      [3, digestBstr(-16, 32, 1)],
      [14, 34768],
    ]),
    1,
    15,
    2,
    15,
  ]),
  encode([
    12,
    1,
    20,
    new Map<number, unknown>([
      [3, digestBstr(-16, 32, 2)],
      [21, 'https://updates.example/file.bin'],
    ]),
    21,
    2,
    3,
    15,
  ]),
  encode([
    12,
    0,
    20,
    new Map<number, unknown>([
      [22, 1],
      [13, true],
      [12, false],
    ]),
    22,
    2,
    3,
    15,
  ]),
  encode([12, 2, 23, 2]),
  // Shapes left to the general reading: try-each, run-sequence, a list of indexes, unknown commands.
  encode([15, [encode([12, 0, 3, 15]), encode([12, 1, 3, 15]), null]]),
  encode([32, encode([12, 1, 3, 15])]),
  encode([12, [0, 1], 3, 15]),
  encode([12, true, 99, 'x', -1, 0]),
  encode([
    12,
    0,
    20,
    new Map<number, unknown>([
      [3, digestBstr(-43, 48, 3)],
      [99, [1, 2]],
    ]),
  ]),
];

const contexts: { name: string; ctx: SequenceContext }[] = [
  { name: 'plain', ctx: { limits: DEFAULT_SUIT_LIMITS, components: 3, rejectUnknownCommands: false } },
  { name: 'shared', ctx: { limits: DEFAULT_SUIT_LIMITS, components: 3, rejectUnknownCommands: false, shared: true } },
  { name: 'strict, one component', ctx: { limits: DEFAULT_SUIT_LIMITS, components: 1, rejectUnknownCommands: true } },
  {
    name: 'dependencies, few commands',
    ctx: { limits: { ...DEFAULT_SUIT_LIMITS, maxCommands: 3 }, components: 1, dependencies: new Set([4]), rejectUnknownCommands: false },
  },
];

const PATH = 'manifest.load';

function outcome(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch (e) {
    if (!(e instanceof SuitError)) throw e;
    return { code: e.code, path: e.path, message: e.message };
  }
}

const viaBytes = (bytes: Uint8Array, ctx: SequenceContext) => outcome(() => decodeSequence(bytes, PATH, ctx));
const viaValues = (bytes: Uint8Array, ctx: SequenceContext) =>
  outcome(() => readSequence(decodeCbor(bytes, PATH, ctx.limits.maxBytes), PATH, ctx));

test('the reading from bytes and the general reading agree on every sample sequence and context', () => {
  let accepted = 0;
  for (const { name, ctx } of contexts) {
    for (const bytes of SEQUENCES) {
      const got = viaBytes(bytes, ctx);
      assert.deepStrictEqual(got, viaValues(bytes, ctx), `${name}: ${Buffer.from(bytes).toString('hex')}`);
      if ((got as { value?: unknown }).value !== undefined) accepted++;
    }
  }
  assert.ok(accepted >= 10, `only ${accepted} accepted`);
});

test('the two readings agree on every one-byte change of the sample sequences, accepted or refused', () => {
  const replacements = [
    0x00, 0x01, 0x0f, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x20, 0x40, 0x5f, 0x60, 0x80, 0x9f, 0xa1, 0xc0, 0xf4, 0xf6, 0xf7, 0xff,
  ];
  let refused = 0;
  let accepted = 0;
  for (const { name, ctx } of contexts) {
    for (const original of SEQUENCES.slice(0, 4)) {
      for (let at = 0; at < original.length; at++) {
        const was = original[at] as number;
        for (const r of [...replacements, was ^ 0x01, was ^ 0x80]) {
          const bytes = original.slice();
          bytes[at] = r;
          const got = viaBytes(bytes, ctx);
          assert.deepStrictEqual(got, viaValues(bytes, ctx), `${name}, byte ${at} = ${r}`);
          if ((got as { code?: string }).code === undefined) accepted++;
          else refused++;
        }
      }
    }
  }
  assert.ok(accepted > 100 && refused > 100, `${accepted} accepted, ${refused} refused`);
});

test('a sequence in a form the reading from bytes leaves (indefinite length) gives the same commands', () => {
  const ctx = contexts[0]?.ctx as SequenceContext;
  const definite = SEQUENCES[0] as Uint8Array;
  // The same items between an indefinite-length array head and its break (RFC 8949 §3.2.2).
  const indefinite = new Uint8Array([0x9f, ...definite.subarray(1), 0xff]);
  assert.equal(definite[0], 0x88);
  assert.deepStrictEqual(decodeSequence(indefinite, PATH, ctx), decodeSequence(definite, PATH, ctx));
});

test('refusals of common shapes keep the general reading’s codes and paths', () => {
  const ctx = contexts[0]?.ctx as SequenceContext;
  const cases: { bytes: Uint8Array; code: string; path: string; ctx?: SequenceContext }[] = [
    { bytes: encode([12, 7, 3, 15]), code: 'ERR_SUIT_MALFORMED', path: `${PATH}[1](directive-set-component-index)` },
    { bytes: encode([12, 0, 21, 2]), code: 'ERR_SUIT_MALFORMED', path: `${PATH}[2]`, ctx: contexts[1]?.ctx as SequenceContext },
    {
      bytes: encode([12, 0, 20, new Map([[3, digestBstr(-16, 31, 1)]])]),
      code: 'ERR_SUIT_MALFORMED',
      path: `${PATH}[3](directive-override-parameters).image-digest[1]`,
    },
    {
      bytes: encode([12, 0, 20, new Map([[14, 'big']])]),
      code: 'ERR_SUIT_MALFORMED',
      path: `${PATH}[3](directive-override-parameters).image-size`,
    },
    // A repeated parameter is not valid CBOR for IoTopia's decoder.
    { bytes: Uint8Array.of(0x84, 12, 0, 20, 0xa2, 14, 1, 14, 2), code: 'ERR_SUIT_CBOR', path: PATH },
    { bytes: encode([12, 0, 3]), code: 'ERR_SUIT_MALFORMED', path: PATH },
  ];
  for (const c of cases) {
    assert.throws(
      () => decodeSequence(c.bytes, PATH, c.ctx ?? ctx),
      (e: unknown) => e instanceof SuitError && e.code === c.code && e.path === c.path,
      Buffer.from(c.bytes).toString('hex'),
    );
  }
});

test('the in-place readings of byte string arrays and digests give what the general decoder gives, or leave it', () => {
  const digest = digestBstr(-16, 32, 7);
  const samples: { bytes: Uint8Array; read: (b: Uint8Array) => unknown }[] = [
    { bytes: encode([digest, encode(new Uint8Array(70).fill(2)), new Uint8Array(0)]), read: (b) => flatByteStrings(b, 1 << 20) },
    { bytes: digest, read: (b) => flatIntAndBytes(b, 1 << 20) },
  ];
  let read = 0;
  let left = 0;
  for (const { bytes: original, read: flat } of samples) {
    for (let at = 0; at < original.length; at++) {
      for (const r of [0x00, 0x18, 0x1b, 0x20, 0x41, 0x5f, 0x82, 0x9f, 0xf6, (original[at] as number) ^ 0x01]) {
        const bytes = original.slice();
        bytes[at] = r;
        const got = flat(bytes);
        if (got === undefined) {
          left++;
          continue;
        }
        read++;
        assert.deepStrictEqual(got, decodeCbor(bytes, 'x', 1 << 20), `byte ${at} = ${r}`);
      }
    }
  }
  assert.ok(read > 50 && left > 50, `${read} read in place, ${left} left`);
  assert.equal(flatByteStrings(samples[0]?.bytes as Uint8Array, 10), undefined, 'over the size limit');
});

test('the in-place check of an authentication block accepts only what the general decoder decodes to that tag', () => {
  const tags: ReadonlySet<number> = new Set([17, 18, 97, 98]);
  const sign1 = encode(new Tag([encode(new Map([[1, -7]])), new Map([[4, Uint8Array.of(1, 2)]]), null, new Uint8Array(64).fill(9)], 18));
  const mac0 = encode(new Tag([encode(new Map([[1, 5]])), new Map(), null, new Uint8Array(32).fill(3)], 17));
  let checked = 0;
  let left = 0;
  for (const original of [sign1, mac0]) {
    assert.equal(flatTag(original, 1 << 20, tags), original === sign1 ? 18 : 17);
    for (let at = 0; at < original.length; at++) {
      for (const r of [
        0x00,
        0x12,
        0x18,
        0x1b,
        0x40,
        0x61,
        0x80,
        0x84,
        0xa1,
        0xa2,
        0xc0,
        0xd8,
        0xf6,
        0xf7,
        (original[at] as number) ^ 0x01,
      ]) {
        const bytes = original.slice();
        bytes[at] = r;
        const tag = flatTag(bytes, 1 << 20, tags);
        if (tag === undefined) {
          left++;
          continue;
        }
        checked++;
        const v = decodeCbor(bytes, 'x', 1 << 20);
        assert.ok(v instanceof Tag && v.tag === tag && tags.has(tag), `byte ${at} = ${r}`);
      }
    }
  }
  assert.ok(checked > 50 && left > 50, `${checked} checked in place, ${left} left`);
  assert.equal(flatTag(encode(new Tag([1], 107)), 1 << 20, tags), undefined, 'another tag');
  assert.equal(flatTag(sign1, 10, tags), undefined, 'over the size limit');
});
