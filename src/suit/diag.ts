/**
 * Diagnostic notation (RFC 8949 §8, embedded CBOR as << >> per RFC 8610 Appendix G.3) of a SUIT
 * envelope, with the names of envelope, manifest, command and parameter keys as comments, in the
 * style of the examples of draft-ietf-suit-manifest.
 */
import { decode, Tag } from '../codec/cbor.ts';
import { commandName } from './commands.ts';
import { CommonKey, DependencyMetadataKey, EnvelopeKey, ManifestKey, Parameter, SEQUENCE_KEYS, WRAPPED_PARAMETERS } from './constants.ts';
import { digestAlgorithmName } from './digest.ts';
import { envelopeKeyName } from './envelope.ts';
import { manifestKeyName } from './manifest.ts';
import { parameterName } from './parameters.ts';

class Embedded {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}
class Named {
  readonly key: unknown;
  readonly name: string;
  constructor(key: unknown, name: string) {
    this.key = key;
    this.name = name;
  }
}

type Hint = (v: unknown) => unknown;

const tryDecode = (b: Uint8Array): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: decode(b) };
  } catch {
    return { ok: false };
  }
};

/** A bstr holding CBOR: shown embedded when it decodes, as bytes otherwise. */
const embedded =
  (inner: Hint): Hint =>
  (v) => {
    if (!(v instanceof Uint8Array)) return v;
    const d = tryDecode(v);
    return d.ok ? new Embedded(inner(d.value)) : v;
  };

const named = (m: unknown, names: (k: number) => string | undefined, child: (k: unknown) => Hint): unknown => {
  if (!(m instanceof Map)) return m;
  const out = new Map<unknown, unknown>();
  for (const [k, v] of m) {
    const n = typeof k === 'number' ? names(k) : undefined;
    out.set(n === undefined ? k : new Named(k, n), child(k)(v));
  }
  return out;
};

const plain: Hint = (v) => v;
const digest: Hint = (v) =>
  Array.isArray(v) && typeof v[0] === 'number' ? [new Named(v[0], digestAlgorithmName(v[0])), ...v.slice(1)] : v;
const coseBlock: Hint = (v) =>
  v instanceof Tag && Array.isArray(v.value) ? new Tag([embedded(plain)(v.value[0]), ...v.value.slice(1)], v.tag) : v;
const parameters: Hint = (v) =>
  named(v, parameterName, (k) =>
    k === Parameter.imageDigest ? embedded(digest) : typeof k === 'number' && WRAPPED_PARAMETERS.has(k) ? embedded(plain) : plain,
  );

const sequence: Hint = (v) => {
  if (!Array.isArray(v)) return v;
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i += 2) {
    const code = v[i];
    const arg = v[i + 1];
    out.push(typeof code === 'number' ? new Named(code, commandName(code)) : code);
    if (i + 1 >= v.length) break;
    if (code === 20 || code === 19) out.push(parameters(arg));
    else if (code === 15 && Array.isArray(arg)) out.push(arg.map((s) => (s === null ? s : embedded(sequence)(s))));
    else if (code === 32) out.push(embedded(sequence)(arg));
    else if ((code === 34 || code === 35) && arg instanceof Map)
      out.push(new Map([...arg].map(([k, p]) => [k, code === 34 ? parameters(p) : p])));
    else out.push(arg);
  }
  return out;
};

/** SUIT_Dependencies (draft-ietf-suit-trust-domains-12 §5.2.2): component index → metadata with its named members. */
const dependencies: Hint = (v) =>
  v instanceof Map
    ? new Map(
        [...v].map(([i, meta]) => [
          i,
          named(
            meta,
            (k) => (k === DependencyMetadataKey.dependencyPrefix ? 'dependency-prefix' : undefined),
            () => plain,
          ),
        ]),
      )
    : v;

const common: Hint = (v) =>
  named(
    v,
    (k) =>
      ({ [CommonKey.dependencies]: 'dependencies', [CommonKey.components]: 'components', [CommonKey.sharedSequence]: 'shared-sequence' })[
        k
      ],
    (k) => (k === CommonKey.sharedSequence ? embedded(sequence) : k === CommonKey.dependencies ? dependencies : plain),
  );

const manifestMember =
  (k: unknown): Hint =>
  (v) => {
    if (Array.isArray(v)) return digest(v); // a severed member's digest
    if (k === ManifestKey.common) return embedded(common)(v);
    if (typeof k === 'number' && SEQUENCE_KEYS.has(k)) return embedded(sequence)(v);
    if (k === ManifestKey.text) return embedded(plain)(v);
    return v;
  };

const manifest: Hint = (v) => named(v, manifestKeyName, manifestMember);

const envelopeMember = (k: unknown): Hint => {
  if (k === EnvelopeKey.authenticationWrapper)
    return embedded((a) => (Array.isArray(a) ? a.map((x, i) => (i === 0 ? embedded(digest)(x) : embedded(coseBlock)(x))) : a));
  if (k === EnvelopeKey.manifest) return embedded(manifest);
  if (typeof k === 'number' && SEQUENCE_KEYS.has(k)) return embedded(sequence);
  if (k === EnvelopeKey.text) return embedded(plain);
  return plain;
};

/** Diagnostic notation of an envelope (the bytes need not be valid beyond being CBOR). */
export function envelopeDiag(bytes: Uint8Array): string {
  const top = decode(bytes);
  const body = top instanceof Tag ? top.value : top;
  const shaped = named(body, envelopeKeyName, envelopeMember);
  return print(top instanceof Tag ? new Tag(shaped, top.tag) : shaped, 0);
}

function print(v: unknown, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (v instanceof Named) return `/ ${v.name} / ${print(v.key, depth)}`;
  if (v instanceof Embedded) return `<< ${print(v.value, depth)} >>`;
  if (v instanceof Uint8Array) return `h'${Buffer.from(v).toString('hex')}'`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Tag) return `${v.tag}(${print(v.value, depth)})`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => print(x, depth + 1));
    if (fitsOneLine(items)) return `[${items.join(', ')}]`;
    return `[\n${items.map((x) => pad + x).join(',\n')}\n${end}]`;
  }
  if (v instanceof Map) {
    if (v.size === 0) return '{}';
    const items = [...v].map(([k, x]) => `${print(k, depth + 1)}: ${print(x, depth + 1)}`);
    if (fitsOneLine(items)) return `{${items.join(', ')}}`;
    return `{\n${items.map((x) => pad + x).join(',\n')}\n${end}}`;
  }
  return String(v);
}

const fitsOneLine = (items: readonly string[]): boolean => items.every((x) => !x.includes('\n')) && items.join(', ').length <= 60;
