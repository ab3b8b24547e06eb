/**
 * The JSON manifest description that `iotopia suit create` reads: the input format of the
 * draft-ietf-suit-manifest examples (exampleN.json). Parsed and checked into typed form here;
 * files named by `file` are read by the caller and passed in.
 */
import { DigestAlgorithm } from '../constants.ts';
import { digestOf, isSupportedDigest, type SuitDigest } from '../digest.ts';
import { SuitError } from '../errors.ts';

export interface ComponentDescription {
  installId: Uint8Array[];
  downloadId?: Uint8Array[];
  loadId?: Uint8Array[];
  installOnDownload: boolean;
  installDigest?: SuitDigest;
  installSize?: number;
  downloadDigest?: SuitDigest;
  loadDigest?: SuitDigest;
  loadSize?: number;
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  uri?: string;
  slot?: number;
  bootable: boolean;
  loadable: boolean;
  /** Text per language tag: component text keys (vendor-name, model-name, …) to text. */
  text: Map<string, Map<string, string>>;
}

export interface ManifestDescription {
  manifestVersion: number;
  sequenceNumber: number;
  referenceUri?: string;
  severable: boolean;
  components: ComponentDescription[];
  /** Manifest text per language tag: manifest-description, update-description. */
  text: Map<string, Map<string, string>>;
}

export interface DescriptionOptions {
  /** Reads a component's `file` (path relative to the description); returns its bytes. */
  readFile?: (path: string) => Uint8Array;
}

const ALGORITHMS: Record<string, number> = {
  sha256: DigestAlgorithm.SHA256,
  'sha-256': DigestAlgorithm.SHA256,
  sha384: DigestAlgorithm.SHA384,
  'sha-384': DigestAlgorithm.SHA384,
  sha512: DigestAlgorithm.SHA512,
  'sha-512': DigestAlgorithm.SHA512,
  shake128: DigestAlgorithm.SHAKE128,
  shake256: DigestAlgorithm.SHAKE256,
};

const bad = (path: string, message: string): SuitError => new SuitError('ERR_SUIT_DESCRIPTION', path, message);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hexBytes(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(v)) throw bad(path, 'expected hex text');
  return new Uint8Array(Buffer.from(v, 'hex'));
}

function uuid(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v))
    throw bad(path, 'expected a UUID (RFC 9562 text form)');
  return new Uint8Array(Buffer.from(v.replace(/-/g, ''), 'hex'));
}

function uint(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(path, 'expected an unsigned integer');
  return v;
}

function bool(v: unknown, path: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw bad(path, 'expected true or false');
  return v;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string') throw bad(path, 'expected text');
  return v;
}

function componentId(v: unknown, path: string): Uint8Array[] {
  if (!Array.isArray(v) || v.length === 0) throw bad(path, 'expected a non-empty array of hex strings');
  return v.map((x, i) => hexBytes(x, `${path}[${i}]`));
}

function digest(v: unknown, path: string): SuitDigest {
  if (!isObject(v)) throw bad(path, 'expected { "algorithm-id": …, "digest-bytes": … }');
  const name = text(v['algorithm-id'], `${path}.algorithm-id`).toLowerCase();
  const algorithm = ALGORITHMS[name];
  if (algorithm === undefined) throw bad(`${path}.algorithm-id`, `unknown digest algorithm ${JSON.stringify(name)}`);
  const bytes = hexBytes(v['digest-bytes'], `${path}.digest-bytes`);
  const expected = digestOf(algorithm, new Uint8Array(0)).bytes.length;
  if (bytes.length !== expected) throw bad(`${path}.digest-bytes`, `a ${name} digest has ${expected} bytes, got ${bytes.length}`);
  return { algorithm, bytes };
}

function textMap(v: unknown, path: string, allowed: readonly string[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (v === undefined) return out;
  if (!isObject(v)) throw bad(path, 'expected an object of language tags');
  for (const [lang, fields] of Object.entries(v)) {
    if (!isObject(fields)) throw bad(`${path}.${lang}`, 'expected an object of text fields');
    const m = new Map<string, string>();
    for (const [k, t] of Object.entries(fields)) {
      if (!allowed.includes(k)) throw bad(`${path}.${lang}.${k}`, `unknown text field (one of ${allowed.join(', ')})`);
      m.set(k, text(t, `${path}.${lang}.${k}`));
    }
    out.set(lang, m);
  }
  return out;
}

export const MANIFEST_TEXT_FIELDS = ['manifest-description', 'update-description'] as const;
export const COMPONENT_TEXT_FIELDS = [
  'vendor-name',
  'model-name',
  'vendor-domain',
  'model-info',
  'component-description',
  'component-version',
] as const;

const COMPONENT_FIELDS = new Set([
  'install-id',
  'download-id',
  'load-id',
  'install-on-download',
  'install-digest',
  'install-size',
  'download-digest',
  'load-digest',
  'load-size',
  'vendor-id',
  'class-id',
  'uri',
  'slot',
  'bootable',
  'loadable',
  'file',
  'description',
]);
const TOP_FIELDS = new Set([
  'components',
  'manifest-version',
  'manifest-sequence-number',
  'reference-uri',
  'description',
  'severable',
  'include-json',
]);

/** Parses a description (the JSON value); ERR_SUIT_DESCRIPTION names the field at fault. */
export function parseDescription(json: unknown, opts: DescriptionOptions = {}): ManifestDescription {
  if (!isObject(json)) throw bad('description', 'expected a JSON object');
  for (const k of Object.keys(json)) if (!TOP_FIELDS.has(k)) throw bad(`description.${k}`, 'unknown field');
  const manifestVersion = uint(json['manifest-version'] ?? 1, 'description.manifest-version');
  if (manifestVersion !== 1) throw bad('description.manifest-version', 'only manifest version 1 exists');
  const sequenceNumber = uint(json['manifest-sequence-number'], 'description.manifest-sequence-number');
  const list = json.components;
  if (!Array.isArray(list) || list.length === 0) throw bad('description.components', 'expected a non-empty array');
  const components = list.map((c, i) => parseComponent(c, `description.components[${i}]`, opts));
  const d: ManifestDescription = {
    manifestVersion,
    sequenceNumber,
    severable: bool(json.severable, 'description.severable', false),
    components,
    text: textMap(json.description, 'description.description', MANIFEST_TEXT_FIELDS),
  };
  if (json['reference-uri'] !== undefined) d.referenceUri = text(json['reference-uri'], 'description.reference-uri');
  return d;
}

function parseComponent(c: unknown, path: string, opts: DescriptionOptions): ComponentDescription {
  if (!isObject(c)) throw bad(path, 'expected an object');
  for (const k of Object.keys(c)) if (!COMPONENT_FIELDS.has(k)) throw bad(`${path}.${k}`, 'unknown field');
  const out: ComponentDescription = {
    installId: componentId(c['install-id'], `${path}.install-id`),
    installOnDownload: bool(c['install-on-download'], `${path}.install-on-download`, true),
    bootable: bool(c.bootable, `${path}.bootable`, false),
    loadable: bool(c.loadable, `${path}.loadable`, false),
    text: textMap(c.description, `${path}.description`, COMPONENT_TEXT_FIELDS),
  };
  if (c['download-id'] !== undefined) out.downloadId = componentId(c['download-id'], `${path}.download-id`);
  if (c['load-id'] !== undefined) out.loadId = componentId(c['load-id'], `${path}.load-id`);
  if (c['install-digest'] !== undefined) out.installDigest = digest(c['install-digest'], `${path}.install-digest`);
  if (c['install-size'] !== undefined) out.installSize = uint(c['install-size'], `${path}.install-size`);
  if (c.file !== undefined) {
    const file = text(c.file, `${path}.file`);
    if (opts.readFile === undefined) throw bad(`${path}.file`, 'files cannot be read here');
    const bytes = opts.readFile(file);
    const alg = out.installDigest?.algorithm ?? DigestAlgorithm.SHA256;
    if (!isSupportedDigest(alg)) throw bad(`${path}.file`, 'unsupported digest algorithm');
    const computed = digestOf(alg, bytes);
    if (out.installDigest !== undefined && Buffer.compare(Buffer.from(out.installDigest.bytes), Buffer.from(computed.bytes)) !== 0)
      throw bad(`${path}.install-digest`, `does not match the digest of ${file}`);
    if (out.installSize !== undefined && out.installSize !== bytes.length)
      throw bad(`${path}.install-size`, `${file} has ${bytes.length} bytes, not ${out.installSize}`);
    out.installDigest = computed;
    out.installSize = bytes.length;
  }
  if (c['download-digest'] !== undefined) out.downloadDigest = digest(c['download-digest'], `${path}.download-digest`);
  if (c['load-digest'] !== undefined) out.loadDigest = digest(c['load-digest'], `${path}.load-digest`);
  if (c['load-size'] !== undefined) out.loadSize = uint(c['load-size'], `${path}.load-size`);
  if (c['vendor-id'] !== undefined) out.vendorId = uuid(c['vendor-id'], `${path}.vendor-id`);
  if (c['class-id'] !== undefined) out.classId = uuid(c['class-id'], `${path}.class-id`);
  if (c.uri !== undefined) out.uri = text(c.uri, `${path}.uri`);
  if (c.slot !== undefined) out.slot = uint(c.slot, `${path}.slot`);
  if (out.loadable && out.loadId === undefined) throw bad(`${path}.load-id`, 'a loadable component needs a load-id');
  if (out.downloadId !== undefined && out.uri === undefined) throw bad(`${path}.uri`, 'a component with a download-id needs a uri');
  return out;
}
