import { CborError, decode, encode } from '../../src/codec/cbor.ts';
import { diagnose } from '../../src/codec/cbor-diag.ts';
import { decryptEncrypt } from '../../src/codec/cose/encrypt.ts';
import { decryptEncrypt0 } from '../../src/codec/cose/encrypt0.ts';
import { CoseError } from '../../src/codec/cose/errors.ts';
import { coseKeyToKeyObject, decodeCoseKey } from '../../src/codec/cose/key.ts';
import { verifyMac } from '../../src/codec/cose/mac.ts';
import { verifyMac0 } from '../../src/codec/cose/mac0.ts';
import { verifySign } from '../../src/codec/cose/sign.ts';
import { decodeSign1, verifySign1 } from '../../src/codec/cose/sign1.ts';
import { describeMud } from '../../src/mud/describe/describe.ts';
import { MudInputError } from '../../src/mud/validate/errors.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import type { FuzzTarget } from './engine.ts';
import { FUZZ_ED25519, FUZZ_P256, FUZZ_SECRET_128, FUZZ_SECRET_256 } from './keys.ts';
import { TARGETS_MUD } from './targets-mud.ts';

const isCborError = (e: unknown): boolean => e instanceof CborError;
const isCoseError = (e: unknown): boolean => e instanceof CoseError;
const cose = (name: string, run: (b: Uint8Array) => unknown): { corpus: string; target: FuzzTarget } => ({
  corpus: 'cose',
  target: { name, run: (b) => void run(b), expected: isCoseError },
});

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
  // The COSE corpus mixes every structure, so each decoder also meets the others' shapes.
  cose('COSE_Sign1 decode', (b) => decodeSign1(b)),
  cose('COSE_Sign1 verify (ES256)', (b) => verifySign1(b, { key: FUZZ_P256 })),
  cose('COSE_Sign verify (ES256 or EdDSA signers)', (b) =>
    verifySign(b, { key: (signer) => (signer.alg === -8 ? FUZZ_ED25519 : FUZZ_P256) }),
  ),
  cose('COSE_Mac0 verify (HMAC)', (b) => verifyMac0(b, { key: FUZZ_SECRET_256 })),
  cose('COSE_Mac verify (direct or A128KW recipient)', (b) => verifyMac(b, { key: FUZZ_SECRET_128 })),
  cose('COSE_Encrypt0 decrypt', (b) => decryptEncrypt0(b, { key: FUZZ_SECRET_128 })),
  cose('COSE_Encrypt decrypt (direct or A128KW recipient)', (b) => decryptEncrypt(b, { key: FUZZ_SECRET_128 })),
  cose('COSE_Key decode and import', (b) => coseKeyToKeyObject(decodeCoseKey(b))),
  ...TARGETS_MUD,
  {
    corpus: 'mud-file',
    target: {
      name: 'MUD file validation (strict and lenient) and description',
      // Problems inside a readable file are results, not exceptions: only input errors may throw.
      run: (b) => {
        for (const lenient of [false, true]) {
          const r = parseMud(b, { lenient, limits: { maxAces: 256, maxListItems: 64 } });
          if (r.mud !== undefined) describeMud(r.mud);
          if ((r.mud === undefined) === (r.errors.length === 0)) throw new Error('a model exactly when there are no errors');
        }
      },
      expected: (e) => e instanceof MudInputError,
    },
  },
];
