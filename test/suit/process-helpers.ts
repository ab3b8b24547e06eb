/** Builds signed test envelopes from raw command lists, for the SUIT processor tests. */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encode } from '../../src/codec/cbor.ts';
import { signEnvelope } from '../../src/suit/authenticate.ts';
import { DigestAlgorithm } from '../../src/suit/constants.ts';
import { assembleEnvelope, wrapped } from '../../src/suit/envelope.ts';

export const VENDOR = new Uint8Array(Buffer.from('fa6b4a53d5ad5fdfbe9de663e4d41ffe', 'hex'));
export const CLASS = new Uint8Array(Buffer.from('1492af1425695e48bf429b2d51f2ab45', 'hex'));
export const IMAGE = new Uint8Array(Buffer.from('firmware image for the SUIT processor tests'));

export const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
/** suit-parameter-image-digest: a bstr-wrapped SUIT_Digest. */
export const imageDigest = (b: Uint8Array): Uint8Array => encode([DigestAlgorithm.SHA256, sha256(b)]);
/** A bstr-wrapped command sequence from flat code/argument values. */
export const seq = (...items: unknown[]): Uint8Array => encode(items);
export const params = (entries: [number, unknown][]): Map<number, unknown> => new Map(entries);

export interface TestManifest {
  sequenceNumber: number;
  components: Uint8Array[][];
  shared?: unknown[];
  /** Manifest key (7 validate, 8 load, 9 invoke, 16 payload-fetch, 20 install, …) to commands. */
  sequences: Record<number, unknown[]>;
  /** Manifest keys whose sequence goes into the envelope as a severable member, only its digest in the manifest. */
  sever?: number[];
  /** Omit the severed members from the envelope (as after severing). */
  dropSevered?: boolean;
  integrated?: Record<string, Uint8Array>;
  dependencies?: number[];
  /** suit-dependency-prefix of a dependency index (trust domains §5.2.2). */
  dependencyPrefixes?: Record<number, Uint8Array[]>;
}

export const testKey = (): { privateKey: KeyObject; publicKey: KeyObject } => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Encodes and signs (ES256) an envelope from a test manifest. */
export function makeEnvelope(m: TestManifest, key: KeyObject): Uint8Array {
  const common = new Map<number, unknown>([[2, m.components]]);
  const prefix = (i: number) => m.dependencyPrefixes?.[i];
  if (m.dependencies !== undefined)
    common.set(1, new Map(m.dependencies.map((i) => [i, new Map(prefix(i) === undefined ? [] : [[1, prefix(i)]])])));
  if (m.shared !== undefined) common.set(4, seq(...m.shared));
  const manifest = new Map<number, unknown>([
    [1, 1],
    [2, m.sequenceNumber],
    [3, encode(common)],
  ]);
  const severable = new Map<number, Uint8Array>();
  for (const [k, cmds] of Object.entries(m.sequences)) {
    const key = Number(k);
    const bytes = seq(...cmds);
    if (m.sever?.includes(key) === true) {
      manifest.set(key, [DigestAlgorithm.SHA256, sha256(wrapped(bytes))]);
      if (m.dropSevered !== true) severable.set(key, bytes);
    } else manifest.set(key, bytes);
  }
  const manifestBytes = encode(manifest);
  const digestBytes = encode([DigestAlgorithm.SHA256, sha256(wrapped(manifestBytes))]);
  const unsigned = assembleEnvelope({
    tagged: true,
    digestBytes,
    blocks: [],
    manifestBytes,
    severable,
    integrated: new Map(Object.entries(m.integrated ?? {})),
    extensions: new Map(),
    keyOrder: [],
  });
  return signEnvelope(unsigned, { key });
}
