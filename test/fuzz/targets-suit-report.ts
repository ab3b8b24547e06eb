import { createPublicKey } from 'node:crypto';
import { CborError, decode } from '../../src/codec/cbor.ts';
import { decryptPayload } from '../../src/suit/encryption/decrypt-payload.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { reportJson } from '../../src/suit/report/inspect.ts';
import { openReport } from '../../src/suit/report/protect.ts';
import { decodeReport, encodeReport } from '../../src/suit/report/report.ts';
import type { FuzzTarget } from './engine.ts';
import { FUZZ_ED25519, FUZZ_P256, FUZZ_SECRET_128, FUZZ_SECRET_256 } from './keys.ts';

const isSuitError = (e: unknown): boolean => e instanceof SuitError;

/** Corpus entries of `suit-encryption` are a CBOR pair [encryption info, ciphertext]. */
function pair(b: Uint8Array): [Uint8Array, Uint8Array] {
  const v = decode(b, { maxBytes: 1 << 20 });
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] instanceof Uint8Array) || !(v[1] instanceof Uint8Array))
    throw new SuitError('ERR_SUIT_MALFORMED', '', 'not a pair');
  return [v[0], v[1]];
}

/** The SUIT report decoder and opener, and payload decryption, on seeds IoTopia built. */
export const TARGETS_SUIT_REPORT: ReadonlyArray<{ corpus: string; target: FuzzTarget }> = [
  {
    corpus: 'suit-report',
    target: {
      name: 'SUIT report open (Sign1/Mac0 verify, decode, re-encode, JSON view)',
      run: (b) => {
        for (const key of [createPublicKey(FUZZ_P256), createPublicKey(FUZZ_ED25519), FUZZ_SECRET_256, undefined]) {
          try {
            const opened = openReport(b, key === undefined ? {} : { key });
            // What decodes re-encodes, decodes again to the same bytes, and has a JSON view.
            const again = encodeReport(decodeReport(encodeReport(opened.report)));
            if (Buffer.compare(again, encodeReport(opened.report)) !== 0) throw new Error('re-encoding is not stable');
            reportJson(opened);
            return;
          } catch (e) {
            if (!isSuitError(e)) throw e;
          }
        }
        throw new SuitError('ERR_SUIT_REPORT_MALFORMED', '', 'no key opened it');
      },
      expected: isSuitError,
    },
  },
  {
    corpus: 'suit-encryption',
    target: {
      name: 'SUIT payload decryption (A128KW and ECDH-ES+A128KW; AES-GCM and AES-CTR)',
      run: (b) => {
        const [encryptionInfo, ciphertext] = pair(b);
        void decryptPayload({ encryptionInfo, ciphertext, keys: [FUZZ_SECRET_128, FUZZ_P256] });
      },
      expected: (e) => e instanceof SuitError || e instanceof CborError,
    },
  },
];
