import { createPublicKey } from 'node:crypto';
import { CborError } from '../../src/codec/cbor.ts';
import { verifyEnvelope } from '../../src/suit/authenticate.ts';
import { envelopeDiag } from '../../src/suit/diag.ts';
import { decodeEnvelope, encodeEnvelope } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { envelopeJson } from '../../src/suit/inspect.ts';
import type { FuzzTarget } from './engine.ts';
import { FUZZ_ED25519, FUZZ_P256, FUZZ_SECRET_256 } from './keys.ts';

const isSuitError = (e: unknown): boolean => e instanceof SuitError;
const keys = [createPublicKey(FUZZ_P256), createPublicKey(FUZZ_ED25519), FUZZ_SECRET_256];

/** The SUIT envelope decoder, verifier and views, on a corpus of envelopes IoTopia built and signed. */
export const TARGETS_SUIT: ReadonlyArray<{ corpus: string; target: FuzzTarget }> = [
  {
    corpus: 'suit',
    target: {
      name: 'SUIT envelope decode (+ encode, JSON view)',
      // What decodes must also encode again and give its JSON view.
      run: (b) => void envelopeJson(decodeEnvelope(encodeEnvelope(decodeEnvelope(b)))),
      expected: isSuitError,
    },
  },
  {
    corpus: 'suit',
    target: { name: 'SUIT envelope verify (ES256, EdDSA, HMAC keys)', run: (b) => void verifyEnvelope(b, { keys }), expected: isSuitError },
  },
  {
    corpus: 'suit',
    target: {
      name: 'SUIT envelope diagnostic notation',
      run: (b) => void envelopeDiag(b),
      expected: (e) => e instanceof CborError,
    },
  },
];
