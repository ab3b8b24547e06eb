import { encode } from '../../src/codec/cbor.ts';
import { signEnvelope } from '../../src/suit/authenticate.ts';
import { DigestAlgorithm } from '../../src/suit/constants.ts';
import { digestOf } from '../../src/suit/digest.ts';
import { assembleEnvelope, readEnvelope, wrapped } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { SuitProcessError } from '../../src/suit/process/errors.ts';
import { processEnvelope } from '../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice, type SimulatedDevice } from '../../src/suit/process/simulated-device.ts';
import { loadCorpus } from './engine.ts';
import type { AsyncFuzzTarget } from './engine-async.ts';
import { FUZZ_SECRET_256 } from './keys.ts';

const IMAGE = new Uint8Array(64).fill(0x42);
const VENDOR = new Uint8Array(16).fill(0xfa);
const CLASS = new Uint8Array(16).fill(0x14);

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

/** Reads choices from the fuzzer's bytes (then zeros), so that mutations of the input steer the generated manifest. */
class ByteChoices {
  #at = 0;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  below(n: number): number {
    const b = this.#bytes[this.#at++] ?? 0;
    return n <= 0 ? 0 : b % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

const POLICIES = [0, 1, 2, 3, 15];

/** A generated command sequence (flat code/argument values) from the choices: every command kind the processor knows. */
function generateSequence(ch: ByteChoices, components: number, depth: number): unknown[] {
  const out: unknown[] = [];
  const n = 1 + ch.below(6);
  const digest = encode([DigestAlgorithm.SHA256, digestOf(DigestAlgorithm.SHA256, IMAGE).bytes]);
  const paramChoices: (() => [number, unknown])[] = [
    () => [3, ch.below(2) === 0 ? digest : encode([DigestAlgorithm.SHA256, new Uint8Array(32)])],
    () => [14, ch.pick([IMAGE.length, 0, 1])],
    () => [18, ch.pick([IMAGE, new Uint8Array(0), new Uint8Array([1, 2])])],
    () => [21, ch.pick(['#image', 'https://updates.example/image.bin', 'https://absent.example/x'])],
    () => [22, ch.below(components)],
    () => [5, ch.below(3)],
    () => [13, ch.below(2) === 0],
    () => [4, ch.pick([0, 1_700_000_001, 2 ** 40])],
    () => [26, ch.pick([0, 50, 51])],
    () => [27, ch.pick([-1, 0, 5])],
    () => [28, encode([1 + ch.below(6), [ch.below(3), ch.below(3)]])],
    () => [29, encode(new Map([[ch.below(8), ch.below(100)]]))],
    () => [19, encode(new Map([[1, 1]]))],
    () => [23, new Uint8Array([ch.below(256)])],
  ];
  const params = () => new Map(Array.from({ length: 1 + ch.below(3) }, () => ch.pick(paramChoices)()));
  for (let i = 0; i < n; i++) {
    const kind = ch.below(depth >= 3 ? 10 : 13);
    if (kind < 3) out.push(ch.pick([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 23, 24, 25, 26, 27, 28, 29, 18, 21, 22, 31]), ch.pick(POLICIES));
    else if (kind < 6) out.push(20, params());
    else if (kind < 8) out.push(12, ch.pick<unknown>([ch.below(components), true, [0, components - 1]]));
    else if (kind === 8) {
      // override-multiple takes parameter maps, copy-params lists of parameter codes.
      if (ch.below(2) === 0) out.push(34, new Map([[ch.below(components), params()]]));
      else out.push(35, new Map([[ch.below(components), [3, 21, 18, 13]]]));
    } else if (kind === 9) out.push(19, params());
    else if (kind < 12)
      out.push(15, [
        ...Array.from({ length: 1 + ch.below(3) }, () => encode(generateSequence(ch, components, depth + 1))),
        ...(ch.below(2) === 0 ? [null] : []),
      ]);
    else out.push(32, encode(generateSequence(ch, components, depth + 1)));
  }
  return out;
}

/** Seeds of the generated target: choice bytes (zeros pick the first option of every choice). */
export const GENERATED_CORPUS: readonly Uint8Array[] = [
  new Uint8Array(64),
  new Uint8Array(96).map((_, i) => (i * 37) & 0xff),
  new Uint8Array(128).map((_, i) => ((i * 101) ^ 0x5a) & 0xff),
];

/**
 * The SUIT processor on manifests generated from the input bytes (so most inputs are well-formed
 * and reach the interpreter deep): components, shared sequence and update sequences of random
 * commands, parameters, component indexes, try-each and run-sequence. Only outcomes or typed errors.
 */
/** The envelope and simulated device one input of the generated target makes. */
export function generatedCase(input: Uint8Array): { envelope: Uint8Array; device: SimulatedDevice } {
  const ch = new ByteChoices(input);
  const components = 1 + ch.below(3);
  const common = new Map<number, unknown>([[2, Array.from({ length: components }, (_, i) => [new Uint8Array([i])])]]);
  if (ch.below(3) === 0) common.set(1, new Map([[components - 1, new Map()]]));
  const manifest = new Map<number, unknown>([
    [1, 1],
    [2, 1],
    [3, encode(common)],
  ]);
  // Each sequence starts by giving every component most parameters, so that commands get past
  // their parameter checks and exercise the device; the choices still leave some out.
  const digest = encode([DigestAlgorithm.SHA256, digestOf(DigestAlgorithm.SHA256, IMAGE).bytes]);
  const preset = () =>
    new Map<number, unknown>(
      (
        [
          [1, VENDOR],
          [2, CLASS],
          [3, digest],
          [14, IMAGE.length],
          [18, IMAGE],
          [21, ch.pick(['#image', 'https://updates.example/image.bin'])],
          [22, 0],
          [5, 0],
          [4, 1_800_000_000],
          [26, 10],
          [27, -1],
          [28, encode([2, [1]])],
          [29, encode(new Map([[2, 10]]))],
          [23, new Uint8Array([1])],
        ] as [number, unknown][]
      ).filter(() => ch.below(8) !== 0),
    );
  for (const key of [15, 16, 18, 20, 7, 8, 9])
    if (ch.below(2) === 0) manifest.set(key, encode([12, true, 20, preset(), ...generateSequence(ch, components, 0)]));
  const device = createSimulatedDevice({
    autoCreateComponents: true,
    identity: { vendorId: VENDOR, classId: ch.below(4) === 0 ? new Uint8Array(16) : CLASS },
    components: [{ id: [new Uint8Array([0])], currentSlot: ch.below(2), version: [1, 0], slots: { 0: IMAGE } }],
    payloads: { 'https://updates.example/image.bin': IMAGE },
    now: 1_700_000_000,
    battery: 50,
    authorize: ch.below(2) === 0,
  });
  return { envelope: envelopeOf(encode(manifest)), device };
}

export const TARGET_SUIT_PROCESS_GENERATED: AsyncFuzzTarget = {
  name: 'SUIT processor (manifests generated from the input, every command kind)',
  run: async (input) => {
    const { envelope, device } = generatedCase(input);
    await processEnvelope(envelope, {
      keys: [FUZZ_SECRET_256],
      device,
      decrypt: (_info, c) => c.slice().reverse(),
      maxCommandsExecuted: 20_000,
    });
  },
  expected: (e) => e instanceof SuitError || e instanceof SuitProcessError,
};
