/** SUIT_Manifest (draft-ietf-suit-manifest-37 §8.4) and SUIT_Common (§8.4.5): decode and deterministic encode. */
import { encode } from '../codec/cbor.ts';
import { decodeSequence, encodeSequence, type SequenceContext, type SuitCommand } from './commands.ts';
import { CommonKey, ManifestKey, SEQUENCE_KEYS, SEVERABLE_KEYS, SUIT_MANIFEST_VERSION } from './constants.ts';
import { readDependencies, type SuitDependencies } from './dependencies.ts';
import { digestValue, readDigest, type SuitDigest } from './digest.ts';
import { SuitError } from './errors.ts';
import {
  asArray,
  asBytes,
  asIndex,
  asMap,
  asText,
  asUint,
  decodeCbor,
  intKeys,
  malformed,
  type SuitLimits,
  suitLimits,
} from './lib/read.ts';
import { decodeText, encodeText, readComponentId, type SuitText } from './text.ts';

export interface SuitCommon {
  /**
   * suit-dependencies (draft-ietf-suit-trust-domains-12 §5.2.2): component index → metadata, kept as
   * decoded. An index at or past the length of `components` is a Dependency addressed by that index.
   */
  dependencies?: SuitDependencies;
  components: Uint8Array[][];
  sharedSequence?: SuitCommand[];
  keyOrder: number[];
}

export interface SuitManifest {
  version: number;
  sequenceNumber: number | bigint;
  common: SuitCommon;
  referenceUri?: string;
  /** trust domains */
  manifestComponentId?: Uint8Array[];
  /** Command sequences present in the manifest, by manifest key (validate, load, invoke, …). */
  sequences: Map<number, SuitCommand[]>;
  /** suit-text when present in the manifest (not severed). */
  text?: SuitText;
  /** suit-coswid when present in the manifest (update management): the tag's CBOR bytes. */
  coswid?: Uint8Array;
  /** Severable members kept as their digest (§8.4.11): the member is severed or sits in the envelope. */
  severed: Map<number, SuitDigest>;
  /** Members this implementation does not know ($$SUIT_Manifest_Extensions), kept as decoded. */
  extensions: Map<number, unknown>;
  /** Key order as decoded, so that encoding gives the same bytes back. */
  keyOrder: number[];
}

export interface ManifestDecodeOptions {
  limits?: Partial<SuitLimits>;
  /** Unknown command codes fail with ERR_SUIT_UNKNOWN_COMMAND (default: kept as `unknown`). */
  rejectUnknownCommands?: boolean;
}

export const MANIFEST_KEY_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ManifestKey).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);
export const manifestKeyName = (k: number): string => MANIFEST_KEY_NAMES.get(k) ?? `member-${k}`;

// The paths of the members of the envelope's manifest ("manifest.install"), written once.
const MANIFEST_PATHS = new Map<number, string>([...MANIFEST_KEY_NAMES].map(([k, name]) => [k, `manifest.${name}`]));

/** The path of member `k` of the manifest at `path`. */
const memberAt = (path: string, k: number): string =>
  (path === 'manifest' ? MANIFEST_PATHS.get(k) : undefined) ?? `${path}.${manifestKeyName(k)}`;

/** What the command sequences of a manifest are decoded against: its component and dependency indexes. */
export function sequenceContext(
  opts: ManifestDecodeOptions,
  common: Pick<SuitCommon, 'components' | 'dependencies'>,
  shared = false,
): SequenceContext {
  const ctx: SequenceContext = {
    limits: suitLimits(opts.limits),
    components: common.components.length,
    rejectUnknownCommands: opts.rejectUnknownCommands ?? false,
  };
  if (common.dependencies !== undefined) ctx.dependencies = new Set(common.dependencies.keys());
  if (shared) ctx.shared = true;
  return ctx;
}

/** Decodes the bytes of a SUIT_Manifest (the content of the envelope's suit-manifest bstr). */
export function decodeManifest(bytes: Uint8Array, opts: ManifestDecodeOptions = {}, path = 'manifest'): SuitManifest {
  const limits = suitLimits(opts.limits);
  const map = asMap(decodeCbor(bytes, path, limits.maxBytes), path);
  const keyOrder = intKeys(map, path);
  const rawVersion = need(map, ManifestKey.version, path);
  const version = rawVersion === SUIT_MANIFEST_VERSION ? rawVersion : asIndex(rawVersion, `${path}.manifest-version`);
  if (version !== SUIT_MANIFEST_VERSION)
    throw new SuitError('ERR_SUIT_UNSUPPORTED', `${path}.manifest-version`, `manifest version ${version} is not supported (only 1)`);
  const rawNumber = need(map, ManifestKey.sequenceNumber, path);
  const sequenceNumber =
    typeof rawNumber === 'number' && Number.isInteger(rawNumber) && rawNumber >= 0
      ? rawNumber
      : asUint(rawNumber, `${path}.manifest-sequence-number`);
  const commonAt = memberAt(path, ManifestKey.common);
  const common = decodeCommon(asBytes(need(map, ManifestKey.common, path), commonAt), commonAt, opts);
  const ctx = sequenceContext(opts, common);
  const m: SuitManifest = { version, sequenceNumber, common, sequences: new Map(), severed: new Map(), extensions: new Map(), keyOrder };
  // forEach rather than for…of: no entry array per member.
  (map as Map<number, unknown>).forEach((v, k) => {
    if (k === ManifestKey.version || k === ManifestKey.sequenceNumber || k === ManifestKey.common) return;
    const at = memberAt(path, k);
    if (k === ManifestKey.referenceUri) m.referenceUri = asText(v, at);
    else if (k === ManifestKey.manifestComponentId) m.manifestComponentId = readComponentId(v, at);
    else if (SEVERABLE_KEYS.has(k) && Array.isArray(v)) m.severed.set(k, readDigest(v, at));
    else if (SEQUENCE_KEYS.has(k)) m.sequences.set(k, decodeSequence(v instanceof Uint8Array ? v : asBytes(v, at), at, ctx));
    else if (k === ManifestKey.text) m.text = decodeText(asBytes(v, at), at, limits.maxBytes);
    else if (k === ManifestKey.coswid) m.coswid = asBytes(v, at);
    else m.extensions.set(k, v);
  });
  return m;
}

/** A member the manifest must have. */
function need(map: Map<unknown, unknown>, k: number, path: string): unknown {
  const v = map.get(k);
  if (v === undefined && !map.has(k)) throw malformed(path, `${manifestKeyName(k)} (${k}) is missing`);
  return v;
}

const COMMON_PATH = 'manifest.common';
const SHARED_PATH = `${COMMON_PATH}.shared-sequence`;

function decodeCommon(bytes: Uint8Array, path: string, opts: ManifestDecodeOptions): SuitCommon {
  const limits = suitLimits(opts.limits);
  const map = asMap(decodeCbor(bytes, path, limits.maxBytes), path);
  const keyOrder = intKeys(map, path);
  const rawComponents = map.get(CommonKey.components);
  if (rawComponents === undefined) throw malformed(path, 'components (2) is missing');
  const list = Array.isArray(rawComponents) ? rawComponents : asArray(rawComponents, `${path}.components`);
  if (list.length === 0) throw malformed(`${path}.components`, 'at least one component is required');
  if (list.length > limits.maxComponents)
    throw new SuitError('ERR_SUIT_LIMIT', `${path}.components`, `${list.length} components, more than ${limits.maxComponents}`);
  const components = list.map((c, i) => (isComponentId(c) ? c.slice() : readComponentId(c, `${path}.components[${i}]`)));
  const common: SuitCommon = { components, keyOrder };
  // Dependencies first: their indexes are component indexes the shared sequence may select.
  if (map.has(CommonKey.dependencies))
    common.dependencies = readDependencies(map.get(CommonKey.dependencies), `${path}.dependencies`, limits);
  (map as Map<number, unknown>).forEach((v, k) => {
    if (k === CommonKey.components || k === CommonKey.dependencies) return;
    if (k === CommonKey.sharedSequence) {
      const at = path === COMMON_PATH ? SHARED_PATH : `${path}.shared-sequence`;
      common.sharedSequence = decodeSequence(asBytes(v, at), at, sequenceContext(opts, common, true));
    } else {
      throw malformed(path, `unknown suit-common member ${k}`);
    }
  });
  return common;
}

/** A well-formed SUIT_Component_Identifier, checked without naming a path (readComponentId names it when not). */
const isComponentId = (v: unknown): v is Uint8Array[] => Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof Uint8Array);

function ordered(keyOrder: readonly number[], present: readonly number[]): number[] {
  const keys = keyOrder.filter((k) => present.includes(k));
  for (const k of [...present].sort((a, b) => a - b)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

export function encodeCommon(c: SuitCommon): Uint8Array {
  const present: number[] = [CommonKey.components];
  if (c.dependencies !== undefined) present.push(CommonKey.dependencies);
  if (c.sharedSequence !== undefined) present.push(CommonKey.sharedSequence);
  const m = new Map<number, unknown>();
  for (const k of ordered(c.keyOrder, present)) {
    if (k === CommonKey.components) m.set(k, c.components);
    else if (k === CommonKey.dependencies) m.set(k, c.dependencies);
    else if (k === CommonKey.sharedSequence) m.set(k, encodeSequence(c.sharedSequence as SuitCommand[]));
  }
  return encode(m);
}

/** Encodes a manifest deterministically: decoded key order kept, new members in ascending key order. */
export function encodeManifest(m: SuitManifest): Uint8Array {
  return encode(manifestValue(m));
}

export function manifestValue(m: SuitManifest): Map<number, unknown> {
  const present = [ManifestKey.version, ManifestKey.sequenceNumber, ManifestKey.common] as number[];
  if (m.referenceUri !== undefined) present.push(ManifestKey.referenceUri);
  if (m.manifestComponentId !== undefined) present.push(ManifestKey.manifestComponentId);
  present.push(...m.sequences.keys(), ...m.severed.keys(), ...m.extensions.keys());
  if (m.text !== undefined) present.push(ManifestKey.text);
  if (m.coswid !== undefined) present.push(ManifestKey.coswid);
  const out = new Map<number, unknown>();
  for (const k of ordered(m.keyOrder, [...new Set(present)])) {
    const severed = m.severed.get(k);
    if (k === ManifestKey.version) out.set(k, m.version);
    else if (k === ManifestKey.sequenceNumber) out.set(k, m.sequenceNumber);
    else if (k === ManifestKey.common) out.set(k, encodeCommon(m.common));
    else if (k === ManifestKey.referenceUri) out.set(k, m.referenceUri);
    else if (k === ManifestKey.manifestComponentId) out.set(k, m.manifestComponentId);
    else if (severed !== undefined) out.set(k, digestValue(severed));
    else if (m.sequences.has(k)) out.set(k, encodeSequence(m.sequences.get(k) as SuitCommand[]));
    else if (k === ManifestKey.text) out.set(k, encodeText(m.text as SuitText));
    else if (k === ManifestKey.coswid) out.set(k, m.coswid);
    else out.set(k, m.extensions.get(k));
  }
  return out;
}
