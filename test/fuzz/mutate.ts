import { concat } from '../../src/codec/bytes.ts';
import type { Prng } from '../helpers/random.ts';

// Values that sit on CBOR's head boundaries: additional information 23/24/25/26/27, the reserved
// 28..30, indefinite 31, and the break code.
const INTERESTING = [0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x3f, 0x5f, 0x7f, 0x9f, 0xbf, 0xdf, 0xf7, 0xf8, 0xff];

type Mutator = (input: Uint8Array, rng: Prng, seeds: readonly Uint8Array[]) => Uint8Array;

const flipBit: Mutator = (b, rng) => {
  if (b.length === 0) return b;
  const out = b.slice();
  const i = rng.below(out.length);
  out[i] = (out[i] as number) ^ (1 << rng.below(8));
  return out;
};

const setByte: Mutator = (b, rng) => {
  if (b.length === 0) return Uint8Array.of(rng.below(256));
  const out = b.slice();
  out[rng.below(out.length)] = rng.below(2) ? rng.pick(INTERESTING) : rng.below(256);
  return out;
};

/** Changes the additional information of a byte, which rewrites the length of a head. */
const rewriteHead: Mutator = (b, rng) => {
  if (b.length === 0) return b;
  const out = b.slice();
  const i = rng.below(out.length);
  out[i] = ((out[i] as number) & 0xe0) | rng.pick([0, 1, 23, 24, 25, 26, 27, 28, 31]);
  return out;
};

/** Turns a few bytes into a big length so containers and strings claim more than is there. */
const inflateLength: Mutator = (b, rng) => {
  const out = b.slice();
  const i = rng.below(Math.max(1, out.length));
  const big = [0xff, 0xff, 0xff, 0xff];
  for (let k = 0; k < big.length && i + k < out.length; k++) out[i + k] = big[k] as number;
  return out;
};

const insertBytes: Mutator = (b, rng) => {
  const at = rng.below(b.length + 1);
  const n = 1 + rng.below(8);
  const ins = Uint8Array.from({ length: n }, () => (rng.below(2) ? rng.pick(INTERESTING) : rng.below(256)));
  return concat([b.subarray(0, at), ins, b.subarray(at)]);
};

const deleteBytes: Mutator = (b, rng) => {
  if (b.length === 0) return b;
  const at = rng.below(b.length);
  const n = 1 + rng.below(Math.min(16, b.length - at));
  return concat([b.subarray(0, at), b.subarray(at + n)]);
};

const truncate: Mutator = (b, rng) => b.subarray(0, rng.below(b.length + 1));

const duplicateRange: Mutator = (b, rng) => {
  if (b.length === 0) return b;
  const start = rng.below(b.length);
  const end = start + 1 + rng.below(Math.min(32, b.length - start));
  const at = rng.below(b.length + 1);
  return concat([b.subarray(0, at), b.subarray(start, end), b.subarray(at)]);
};

/** Joins the front of this input with the back of another seed. */
const splice: Mutator = (b, rng, seeds) => {
  const other = rng.pick(seeds);
  return concat([b.subarray(0, rng.below(b.length + 1)), other.subarray(rng.below(other.length + 1))]);
};

/** Wraps the input in an array, map or tag, deepening nesting. */
const wrap: Mutator = (b, rng) => concat([Uint8Array.of(rng.pick([0x81, 0xa1, 0xd8, 0x9f, 0x41])), b]);

const MUTATORS: readonly Mutator[] = [
  flipBit,
  setByte,
  rewriteHead,
  inflateLength,
  insertBytes,
  deleteBytes,
  truncate,
  duplicateRange,
  splice,
  wrap,
];

/** Applies one to four random mutations to `input`. */
export function mutate(input: Uint8Array, rng: Prng, seeds: readonly Uint8Array[]): Uint8Array {
  let out = input;
  const rounds = 1 + rng.below(4);
  for (let i = 0; i < rounds; i++) out = rng.pick(MUTATORS)(out, rng, seeds);
  return out;
}
