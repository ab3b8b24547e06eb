import { encode } from '../../src/codec/cbor.ts';
import { signEnvelope } from '../../src/suit/authenticate.ts';
import { DigestAlgorithm } from '../../src/suit/constants.ts';
import { digestOf } from '../../src/suit/digest.ts';
import { assembleEnvelope, readEnvelope, wrapped } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { SuitProcessError } from '../../src/suit/process/errors.ts';
import { processEnvelope } from '../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice } from '../../src/suit/process/simulated-device.ts';
import { loadCorpus } from './engine.ts';
import type { AsyncFuzzTarget } from './engine-async.ts';
import { FUZZ_SECRET_256 } from './keys.ts';

const IMAGE = new Uint8Array(64).fill(0x42);

const seq = (...items: unknown[]): Uint8Array => encode(items);
const p = (entries: [number, unknown][]): Map<number, unknown> => new Map(entries);
const C0 = [new Uint8Array([0])];
const C1 = [new Uint8Array([1])];

/** Manifests that reach the processor's directives: try-each, run-sequence, update management, copy and swap. */
function processorSeeds(): Uint8Array[] {
  const digest = encode([DigestAlgorithm.SHA256, digestOf(DigestAlgorithm.SHA256, IMAGE).bytes]);
  const manifest = (sequences: [number, Uint8Array][], shared?: Uint8Array) =>
    encode(
      new Map<number, unknown>([
        [1, 1],
        [2, 1],
        [3, encode(new Map<number, unknown>([[2, [C0, C1]], ...(shared === undefined ? [] : ([[4, shared]] as [number, unknown][]))]))],
        ...sequences,
      ]),
    );
  return [
    manifest(
      [
        [
          20,
          seq(15, [seq(20, p([[5, 0]]), 5, 5), seq(20, p([[21, '#image']]), 21, 15), null], 3, 15, 20, p([[22, 0]]), 12, 1, 22, 15, 31, 15),
        ],
        [7, seq(12, true, 3, 15)],
        [9, seq(23, 15)],
      ],
      seq(
        20,
        p([
          [3, digest],
          [14, IMAGE.length],
        ]),
      ),
    ),
    manifest([
      [
        20,
        seq(
          34,
          new Map([
            [
              0,
              p([
                [29, encode(new Map([[1, -1]]))],
                [26, 10],
                [4, 1_800_000_000],
              ]),
            ],
          ]),
          12,
          1,
          35,
          new Map([[0, [26, 29, 4]]]),
          12,
          true,
          32,
          seq(20, p([[13, true]]), 26, 15, 4, 15, 29, 15, 27, 15, 14, 2),
        ),
      ],
    ]),
    manifest([
      [
        20,
        seq(
          20,
          p([
            [18, IMAGE],
            [19, encode(new Map())],
            [28, encode([2, [1, 0]])],
          ]),
          18,
          15,
          6,
          15,
          28,
          15,
          25,
          15,
          11,
          15,
        ),
      ],
    ]),
  ];
}

/** Seeds: the manifests (suit-manifest contents) of the SUIT envelope corpus, and processorSeeds. */
export function processCorpus(): Uint8Array[] {
  const out: Uint8Array[] = processorSeeds();
  for (const e of loadCorpus('suit')) {
    try {
      out.push(readEnvelope(e).manifestBytes);
    } catch {
      // a seed that is not an envelope has no manifest to take
    }
  }
  return out;
}

/** Wraps manifest bytes in an envelope and authenticates it (HMAC), so that the mutant reaches the processor. */
function envelopeOf(manifestBytes: Uint8Array): Uint8Array {
  const digestBytes = encode([DigestAlgorithm.SHA256, digestOf(DigestAlgorithm.SHA256, wrapped(manifestBytes)).bytes]);
  const unsigned = assembleEnvelope({
    tagged: true,
    digestBytes,
    blocks: [],
    manifestBytes,
    severable: new Map(),
    integrated: new Map([['#image', IMAGE]]),
    extensions: new Map(),
    keyOrder: [],
  });
  return signEnvelope(unsigned, { key: FUZZ_SECRET_256 });
}

/**
 * The SUIT processor on mutated, re-authenticated manifests against a simulated device that has
 * every component, payloads at the URIs the seeds use, and a stand-in decryption: every run must
 * end in an outcome or a typed SuitError / SuitProcessError.
 */
export const TARGET_SUIT_PROCESS: AsyncFuzzTarget = {
  name: 'SUIT processor (mutated, re-authenticated manifests on a simulated device)',
  run: async (manifest) => {
    const device = createSimulatedDevice({
      autoCreateComponents: true,
      payloads: { 'https://updates.example/image.bin': IMAGE, 'coaps://updates.example/image.bin': IMAGE },
      now: 1_700_000_000,
      battery: 50,
      lastSequenceNumber: 0,
    });
    const envelope = envelopeOf(manifest);
    for (const mode of ['update', 'boot'] as const) {
      await processEnvelope(envelope, {
        keys: [FUZZ_SECRET_256],
        device,
        mode,
        decrypt: (_info, c) => c.slice().reverse(),
        maxPayloadBytes: 4096,
      });
    }
  },
  expected: (e) => e instanceof SuitError || e instanceof SuitProcessError,
};
