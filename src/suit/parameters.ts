/** SUIT_Parameters (draft-ietf-suit-manifest-37 §8.4.8; companion drafts as noted in constants.ts). */
import { encode } from '../codec/cbor.ts';
import { PARAMETER_NAMES, Parameter, WRAPPED_PARAMETERS } from './constants.ts';
import { digestValue, readDigest, type SuitDigest } from './digest.ts';
import { type FlatCursor, flatIntAndBytes, NOT_FLAT } from './lib/flat-cbor.ts';
import { asArray, asBool, asBytes, asIndex, asInt, asMap, asText, asUint, decodeCbor, intKey, malformed } from './lib/read.ts';

/**
 * One parameter. `value` is typed by `code`: image-digest holds a SuitDigest; the other bstr-wrapped
 * parameters (encryption-info, version, wait-info, component-metadata) hold their decoded content; the rest
 * hold the CBOR value itself (byte strings, text, integers, booleans). Unknown codes keep the value.
 */
export interface SuitParameter {
  code: number;
  name: string;
  value: unknown;
}

export const parameterName = (code: number): string => PARAMETER_NAMES.get(code) ?? `parameter-${code}`;

/** Decodes a parameters map, keeping its order. */
export function readParameters(v: unknown, path: string, maxBytes: number): SuitParameter[] {
  const out: SuitParameter[] = [];
  asMap(v, path).forEach((raw, k) => {
    out.push(readParameter(typeof k === 'number' && Number.isInteger(k) ? k : intKey(k, path), raw, path, maxBytes));
  });
  return out;
}

/**
 * One parameter whose value is the next item of `c` (see `decodeSequence`): a leaf item, or for
 * image-digest a byte string holding [algorithm, bytes], read in place. Throws NOT_FLAT for other
 * shapes; the same checks as `readParameter` run on the same values.
 */
export function readFlatParameter(code: number, c: FlatCursor, path: string, maxBytes: number): SuitParameter {
  const raw = c.leaf();
  if (code !== Parameter.imageDigest || !(raw instanceof Uint8Array)) return readParameter(code, raw, path, maxBytes);
  const digest = flatIntAndBytes(raw, maxBytes);
  if (digest === undefined) throw NOT_FLAT;
  return { code, name: parameterName(code), value: readDigest(digest, path) };
}

/** One parameter of the map at `path`, from its integer code and its value as decoded. */
export function readParameter(code: number, raw: unknown, path: string, maxBytes: number): SuitParameter {
  const name = parameterName(code);
  return { code, name, value: readParameterValue(code, raw, path, name, maxBytes) };
}

/** The value of one parameter; its path (`path.name`) is written out only when it is needed. */
function readParameterValue(code: number, raw: unknown, parent: string, name: string, maxBytes: number): unknown {
  if (WRAPPED_PARAMETERS.has(code)) return readWrappedValue(code, raw, `${parent}.${name}`, maxBytes);
  switch (code) {
    case Parameter.vendorIdentifier:
    case Parameter.classIdentifier:
    case Parameter.deviceIdentifier:
    case Parameter.content:
    case Parameter.invokeArgs:
    case Parameter.fetchArguments:
      return raw instanceof Uint8Array ? raw : asBytes(raw, `${parent}.${name}`);
    case Parameter.uri:
      return typeof raw === 'string' ? raw : asText(raw, `${parent}.${name}`);
    case Parameter.strictOrder:
    case Parameter.softFailure:
      return typeof raw === 'boolean' ? raw : asBool(raw, `${parent}.${name}`);
    case Parameter.componentSlot:
    case Parameter.imageSize:
    case Parameter.sourceComponent:
    case Parameter.useBefore:
    case Parameter.minimumBattery:
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : asUint(raw, `${parent}.${name}`);
    case Parameter.updatePriority:
      return asInt(raw, `${parent}.${name}`);
    default:
      return raw;
  }
}

function readWrappedValue(code: number, raw: unknown, path: string, maxBytes: number): unknown {
  const inner = decodeCbor(asBytes(raw, path), path, maxBytes);
  switch (code) {
    case Parameter.imageDigest:
      return readDigest(inner, path);
    case Parameter.version: {
      // update management: [comparison-type, comparison-value: [+ int]]
      const a = asArray(inner, path);
      if (a.length !== 2) throw malformed(path, `version match has 2 elements, got ${a.length}`);
      asIndex(a[0], `${path}[0]`);
      const parts = asArray(a[1], `${path}[1]`);
      if (parts.length === 0) throw malformed(`${path}[1]`, 'a version has at least one part');
      parts.forEach((p, i) => {
        asInt(p, `${path}[1][${i}]`);
      });
      return inner;
    }
    case Parameter.componentMetadata:
    case Parameter.waitInfo:
      asMap(inner, path);
      return inner;
    default:
      // encryption-info: a COSE_Encrypt or COSE_Encrypt0 (firmware encryption §4), read when used.
      return inner;
  }
}

/** The CBOR value of a parameters map, in the parameters' order. */
export function parametersValue(params: readonly SuitParameter[]): Map<number, unknown> {
  const m = new Map<number, unknown>();
  for (const p of params) {
    if (p.code === Parameter.imageDigest) m.set(p.code, encode(digestValue(p.value as SuitDigest)));
    else if (WRAPPED_PARAMETERS.has(p.code)) m.set(p.code, encode(p.value));
    else m.set(p.code, p.value);
  }
  return m;
}
