/**
 * SUIT_Envelope (draft-ietf-suit-manifest-37 §8.2): authentication wrapper (§8.3), manifest (§8.4),
 * severable members (§8.4.11), integrated payloads (§7.6) and delegation (trust domains).
 * Reading is in two steps so that nothing is decoded beyond the outer structure before the
 * manifest is authenticated: `readEnvelope` keeps members as bytes, `decodeEnvelope` decodes all.
 */
import { encode, Tag } from '../codec/cbor.ts';
import { CoseTag } from '../codec/cose/tags.ts';
import { decodeSequence, encodeSequence, type SuitCommand } from './commands.ts';
import { EnvelopeKey, ManifestKey, SEQUENCE_KEYS, SEVERABLE_KEYS, SUIT_ENVELOPE_TAG } from './constants.ts';
import { encodeDigest, readDigest, type SuitDigest } from './digest.ts';
import { SuitError } from './errors.ts';
import { flatByteStrings, flatIntAndBytes, flatTag } from './lib/flat-cbor.ts';
import { asArray, asBytes, asMap, decodeCbor, malformed, type SuitLimits, suitLimits } from './lib/read.ts';
import {
  decodeManifest,
  encodeManifest,
  type ManifestDecodeOptions,
  manifestKeyName,
  type SuitManifest,
  sequenceContext,
} from './manifest.ts';
import { decodeText, encodeText, type SuitText } from './text.ts';

export interface SuitAuthentication {
  /** The SUIT_Digest of the manifest, as the CBOR bytes the authentication blocks cover. */
  digestBytes: Uint8Array;
  digest: SuitDigest;
  /** Authentication blocks (COSE_Sign1, COSE_Sign, COSE_Mac0, COSE_Mac, tagged) as received. */
  blocks: Uint8Array[];
}

/** An envelope read at the outer level: every member still as its bytes. */
export interface RawSuitEnvelope {
  tagged: boolean;
  /** trust domains: the content of suit-delegation. */
  delegation?: Uint8Array;
  authentication: SuitAuthentication;
  /** The content of the suit-manifest bstr, exactly as received. */
  manifestBytes: Uint8Array;
  /** Severable members present in the envelope (bstr contents), by key. */
  severable: Map<number, Uint8Array>;
  /** Integrated payloads (§7.6): text keys to bytes. */
  integrated: Map<string, Uint8Array>;
  /** Envelope members this implementation does not know ($$SUIT_Envelope_Extensions). */
  extensions: Map<number, unknown>;
  keyOrder: (number | string)[];
}

/** A severable member carried in the envelope, decoded. */
export interface SuitSeverableMember {
  bytes: Uint8Array;
  sequence?: SuitCommand[];
  text?: SuitText;
}

export interface SuitEnvelope extends Omit<RawSuitEnvelope, 'severable'> {
  manifest: SuitManifest;
  severable: Map<number, SuitSeverableMember>;
}

export interface EnvelopeDecodeOptions extends ManifestDecodeOptions {
  /** Require tag 107 (default false: SUIT_Envelope and SUIT_Envelope_Tagged both accepted). */
  requireTag?: boolean;
}

const AUTH_BLOCK_TAGS: ReadonlySet<number> = new Set([CoseTag.COSE_Sign1, CoseTag.COSE_Sign, CoseTag.COSE_Mac0, CoseTag.COSE_Mac]);
const ENVELOPE_KEY_NAMES = new Map<number, string>(
  Object.entries(EnvelopeKey).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);
export const envelopeKeyName = (k: number): string => ENVELOPE_KEY_NAMES.get(k) ?? `member-${k}`;

/** Reads the outer structure and the authentication wrapper; decodes nothing inside the manifest. */
export function readEnvelope(bytes: Uint8Array, opts: EnvelopeDecodeOptions = {}): RawSuitEnvelope {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readEnvelope expects a Uint8Array');
  const limits: SuitLimits = suitLimits(opts.limits);
  if (bytes.length > limits.maxBytes)
    throw new SuitError('ERR_SUIT_LIMIT', 'envelope', `${bytes.length} bytes, more than ${limits.maxBytes}`);
  let top = decodeCbor(bytes, 'envelope', limits.maxBytes);
  let tagged = false;
  if (top instanceof Tag) {
    if (top.tag !== SUIT_ENVELOPE_TAG) throw malformed('envelope', `tag ${top.tag} is not SUIT_Envelope_Tagged (${SUIT_ENVELOPE_TAG})`);
    tagged = true;
    top = top.value;
  } else if (opts.requireTag === true) {
    throw malformed('envelope', `tag ${SUIT_ENVELOPE_TAG} is required`);
  }
  const map = asMap(top, 'envelope');
  const raw: Partial<RawSuitEnvelope> & Pick<RawSuitEnvelope, 'severable' | 'integrated' | 'extensions' | 'keyOrder'> = {
    tagged,
    severable: new Map(),
    integrated: new Map(),
    extensions: new Map(),
    keyOrder: [],
  };
  map.forEach((v, k) => {
    if (typeof k === 'string') {
      raw.integrated.set(k, asBytes(v, `envelope["${k}"]`));
      raw.keyOrder.push(k);
      return;
    }
    if (typeof k !== 'number' || !Number.isInteger(k)) throw malformed('envelope', 'keys are integers or text (integrated payloads)');
    raw.keyOrder.push(k);
    if (k === EnvelopeKey.authenticationWrapper) raw.authentication = readAuthentication(memberBytes(v, k), limits);
    else if (k === EnvelopeKey.manifest) raw.manifestBytes = memberBytes(v, k);
    else if (k === EnvelopeKey.delegation) raw.delegation = memberBytes(v, k);
    else if (SEVERABLE_KEYS.has(k)) raw.severable.set(k, memberBytes(v, k));
    else raw.extensions.set(k, v);
  });
  if (raw.authentication === undefined) throw malformed('envelope', 'authentication-wrapper (2) is missing');
  if (raw.manifestBytes === undefined) throw malformed('envelope', 'manifest (3) is missing');
  return raw as RawSuitEnvelope;
}

/** The path of an envelope member ("envelope.install"), as errors name it. */
export const memberPath = (k: number): string => MEMBER_PATHS.get(k) ?? `envelope.${envelopeKeyName(k)}`;
const MEMBER_PATHS = new Map<number, string>([...ENVELOPE_KEY_NAMES.keys()].map((k) => [k, `envelope.${envelopeKeyName(k)}`]));

/** An envelope member that must be a byte string; its path is written out only for an error. */
const memberBytes = (v: unknown, k: number): Uint8Array => (v instanceof Uint8Array ? v : asBytes(v, memberPath(k)));

const AUTH_PATH = memberPath(EnvelopeKey.authenticationWrapper);
const AUTH_DIGEST_PATH = `${AUTH_PATH}.digest`;

function readAuthentication(bytes: Uint8Array, limits: SuitLimits): SuitAuthentication {
  const path = AUTH_PATH;
  // The common shapes are read in place; anything else is decoded the general way.
  const a = flatByteStrings(bytes, limits.maxBytes) ?? asArray(decodeCbor(bytes, path, limits.maxBytes), path);
  if (a.length === 0) throw malformed(path, 'the digest of the manifest is missing');
  if (a.length - 1 > limits.maxAuthBlocks)
    throw new SuitError('ERR_SUIT_LIMIT', path, `${a.length - 1} authentication blocks, more than ${limits.maxAuthBlocks}`);
  const digestPath = AUTH_DIGEST_PATH;
  const digestBytes = asBytes(a[0], digestPath);
  const digest = readDigest(
    flatIntAndBytes(digestBytes, limits.maxBytes) ?? decodeCbor(digestBytes, digestPath, limits.maxBytes),
    digestPath,
  );
  const blocks: Uint8Array[] = [];
  for (let i = 1; i < a.length; i++) {
    const b = a[i];
    const block = b instanceof Uint8Array ? b : asBytes(b, `${path}[${i}]`);
    // The common shape is checked in place; anything else is decoded the general way.
    if (flatTag(block, limits.maxBytes, AUTH_BLOCK_TAGS) === undefined) {
      const v = decodeCbor(block, `${path}[${i}]`, limits.maxBytes);
      if (!(v instanceof Tag) || !AUTH_BLOCK_TAGS.has(v.tag))
        throw malformed(`${path}[${i}]`, 'an authentication block is a tagged COSE_Sign1, COSE_Sign, COSE_Mac0 or COSE_Mac');
    }
    blocks.push(block);
  }
  return { digestBytes, digest, blocks };
}

/**
 * Decodes everything: manifest, and the severable members the envelope carries (each must have its
 * digest in the manifest). Checks structure only: `verifyEnvelope` authenticates.
 */
export function decodeEnvelope(bytes: Uint8Array, opts: EnvelopeDecodeOptions = {}): SuitEnvelope {
  return decodeMembers(readEnvelope(bytes, opts), opts);
}

/** Decodes the manifest and severable members of an envelope already read. */
export function decodeMembers(raw: RawSuitEnvelope, opts: ManifestDecodeOptions = {}): SuitEnvelope {
  const limits: SuitLimits = suitLimits(opts.limits);
  const manifest = decodeManifest(raw.manifestBytes, opts, 'manifest');
  const ctx = sequenceContext(opts, manifest.common);
  const severable = new Map<number, SuitSeverableMember>();
  // forEach rather than for…of: no entry array per member.
  raw.severable.forEach((b, k) => {
    const at = memberPath(k);
    if (!manifest.severed.has(k)) {
      throw new SuitError(
        'ERR_SUIT_SEVERED',
        at,
        manifest.sequences.has(k) || (k === ManifestKey.text && manifest.text !== undefined)
          ? `the manifest holds ${manifestKeyName(k)} itself, not its digest`
          : `the manifest has no digest for ${manifestKeyName(k)}`,
      );
    }
    const member: SuitSeverableMember = { bytes: b };
    if (SEQUENCE_KEYS.has(k)) member.sequence = decodeSequence(b, at, ctx);
    else if (k === EnvelopeKey.text) member.text = decodeText(b, at, limits.maxBytes);
    severable.set(k, member);
  });
  return { ...raw, manifest, severable };
}

/** The parts an envelope is assembled from, all as final bytes. */
export interface EnvelopeParts {
  tagged: boolean;
  delegation?: Uint8Array;
  digestBytes: Uint8Array;
  blocks: readonly Uint8Array[];
  manifestBytes: Uint8Array;
  severable: ReadonlyMap<number, Uint8Array>;
  integrated: ReadonlyMap<string, Uint8Array>;
  extensions: ReadonlyMap<number, unknown>;
  keyOrder: readonly (number | string)[];
}

/** Writes an envelope from its parts; members keep `keyOrder`, new ones follow in key order. */
export function assembleEnvelope(p: EnvelopeParts): Uint8Array {
  const present: (number | string)[] = [EnvelopeKey.authenticationWrapper, EnvelopeKey.manifest];
  if (p.delegation !== undefined) present.push(EnvelopeKey.delegation);
  present.push(...p.severable.keys(), ...p.extensions.keys(), ...p.integrated.keys());
  const keys = p.keyOrder.filter((k) => present.includes(k));
  const rest = present.filter((k) => !keys.includes(k));
  const ints = rest.filter((k): k is number => typeof k === 'number').sort((a, b) => a - b);
  keys.push(...ints, ...rest.filter((k) => typeof k === 'string'));
  const m = new Map<number | string, unknown>();
  for (const k of keys) {
    if (typeof k === 'string') m.set(k, p.integrated.get(k));
    else if (k === EnvelopeKey.authenticationWrapper) m.set(k, encode([p.digestBytes, ...p.blocks]));
    else if (k === EnvelopeKey.manifest) m.set(k, p.manifestBytes);
    else if (k === EnvelopeKey.delegation) m.set(k, p.delegation);
    else if (p.severable.has(k)) m.set(k, p.severable.get(k));
    else m.set(k, p.extensions.get(k));
  }
  return encode(p.tagged ? new Tag(m, SUIT_ENVELOPE_TAG) : m);
}

/**
 * Encodes a decoded (or built) envelope from its model: the manifest and the severable members are
 * encoded again, deterministically; authentication blocks and the digest are kept as they are.
 */
export function encodeEnvelope(env: SuitEnvelope): Uint8Array {
  const severable = new Map<number, Uint8Array>();
  for (const [k, m] of env.severable) {
    severable.set(k, m.sequence !== undefined ? encodeSequence(m.sequence) : m.text !== undefined ? encodeText(m.text) : m.bytes);
  }
  return assembleEnvelope({
    tagged: env.tagged,
    ...(env.delegation === undefined ? {} : { delegation: env.delegation }),
    digestBytes: env.authentication.digestBytes,
    blocks: env.authentication.blocks,
    manifestBytes: encodeManifest(env.manifest),
    severable,
    integrated: env.integrated,
    extensions: env.extensions,
    keyOrder: env.keyOrder,
  });
}

/** The parts of a raw envelope, for re-assembly after signing or severing. */
export function partsOf(raw: RawSuitEnvelope): EnvelopeParts {
  return {
    tagged: raw.tagged,
    ...(raw.delegation === undefined ? {} : { delegation: raw.delegation }),
    digestBytes: raw.authentication.digestBytes,
    blocks: raw.authentication.blocks,
    manifestBytes: raw.manifestBytes,
    severable: raw.severable,
    integrated: raw.integrated,
    extensions: raw.extensions,
    keyOrder: raw.keyOrder,
  };
}

/** The bytes a digest of a bstr-wrapped member covers: the byte string header and the content (§8.3, §8.4.11). */
export const wrapped = (content: Uint8Array): Uint8Array => encode(content);

export { encodeDigest };
