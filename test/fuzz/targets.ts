import { CborError, decode, encode } from '../../src/codec/cbor.ts';
import { diagnose } from '../../src/codec/cbor-diag.ts';
import type { FuzzTarget } from './engine.ts';

const isCborError = (e: unknown): boolean => e instanceof CborError;

/** Every decoder of outside bytes, with the corpus it starts from. */
export const TARGETS: ReadonlyArray<{ corpus: string; target: FuzzTarget }> = [
  {
    corpus: 'cbor',
    target: {
      name: 'cbor.decode (strict)',
      // A decoded value must also encode and decode again: the data model holds what decode returns.
      run: (b) => void decode(encode(decode(b))),
      expected: isCborError,
    },
  },
  {
    corpus: 'cbor',
    target: {
      name: 'cbor.decode (lenient, no indefinite lengths, small limits)',
      run: (b) =>
        void decode(b, { strict: false, allowIndefinite: false, maxDepth: 4, maxContainerLength: 8, maxStringBytes: 64, maxItems: 64 }),
      expected: isCborError,
    },
  },
  {
    corpus: 'cbor',
    target: { name: 'cbor diagnose', run: (b) => void diagnose(b), expected: isCborError },
  },
];
