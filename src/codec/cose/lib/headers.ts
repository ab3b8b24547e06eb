/**
 * Header buckets (RFC 9052 §3): decoding the protected bstr, checking label and value types of the
 * parameters IoTopia knows (RFC 9052 §3.1, RFC 9360 §2), `crit`, and the rule that a label appears
 * in one bucket only.
 */
import { type CborLimits, DEFAULT_LIMITS as CODEC_LIMITS, decode, encode } from '../../cbor.ts';
import { algorithmName } from '../algorithms.ts';
import { CoseError } from '../errors.ts';
import { HeaderParam } from '../header-parameters.ts';
import { decodePlain, NOT_PLAIN } from '../plain-cbor.ts';

/** A header map: integer or text labels to values in the CBOR data model of src/codec/cbor.ts. */
export type HeaderMap = Map<number | string, unknown>;

export interface Layer {
  /**
   * The protected bucket as authenticated: the bstr exactly as received (or written), or zero-length
   * when it holds an empty map (RFC 9052 §4.4).
   */
  protectedBytes: Uint8Array;
  protectedHeaders: HeaderMap;
  unprotectedHeaders: HeaderMap;
}

export interface HeaderRules {
  /** Labels, beyond those IoTopia processes, that the application understands when listed in `crit`. */
  critical?: readonly (number | string)[] | undefined;
}

const EMPTY = new Uint8Array(0);

// Parameters this layer processes itself, so `crit` may name them (RFC 9052 §3.1).
const UNDERSTOOD = new Set<number | string>([
  HeaderParam.alg,
  HeaderParam.crit,
  HeaderParam.contentType,
  HeaderParam.kid,
  HeaderParam.IV,
  HeaderParam.partialIV,
]);

const isLabel = (l: unknown): l is number | string => typeof l === 'string' || (typeof l === 'number' && Number.isSafeInteger(l));

const header = (where: string, message: string): CoseError => new CoseError('ERR_COSE_HEADER', `${where}: ${message}`);

/** Whether the limits are only a depth (and size): those the plain reader applies itself. */
function plainLimits(limits: Partial<CborLimits>): boolean {
  for (const k in limits) if (k !== 'maxDepth' && k !== 'maxBytes' && limits[k as keyof CborLimits] !== undefined) return false;
  return true;
}

/** Decodes the protected bucket, a bstr that is empty or holds a map (RFC 9052 §3). */
export function decodeProtected(bstr: Uint8Array, where: string, limits: Partial<CborLimits>): HeaderMap {
  if (bstr.length === 0) return new Map();
  let map = plainLimits(limits) ? decodePlain(bstr, bstr.length, limits.maxDepth ?? CODEC_LIMITS.maxDepth) : NOT_PLAIN;
  if (map === NOT_PLAIN) {
    try {
      map = decode(bstr, { ...limits, maxBytes: bstr.length });
    } catch (cause) {
      throw new CoseError('ERR_COSE_MALFORMED', `${where}: protected header bstr does not hold well-formed CBOR`, { cause });
    }
  }
  if (!(map instanceof Map)) throw new CoseError('ERR_COSE_MALFORMED', `${where}: protected header bstr does not hold a map`);
  return map as HeaderMap;
}

/** Validates both buckets of one layer; `where` names the layer in messages. */
export function checkLayer(layer: Layer, where: string, rules: HeaderRules): void {
  const { protectedHeaders: p, unprotectedHeaders: u } = layer;
  checkBucket(p, where, 'protected');
  checkBucket(u, where, 'unprotected');
  for (const label of u.keys()) {
    if (p.has(label)) throw header(where, `label ${String(label)} appears in both the protected and the unprotected header`);
  }
  if (u.has(HeaderParam.crit)) throw header(where, 'crit (2) must be in the protected header');
  const crit = p.get(HeaderParam.crit);
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) throw header(where, 'crit (2) must be a non-empty array of labels');
    for (const label of crit) {
      if (!isLabel(label)) throw header(where, 'crit (2) entries must be integers or text');
      if (!p.has(label)) throw header(where, `crit (2) names label ${String(label)}, absent from the protected header`);
      if (!UNDERSTOOD.has(label) && !rules.critical?.includes(label)) {
        throw new CoseError('ERR_COSE_CRIT', `${where}: critical header parameter ${String(label)} is not understood`);
      }
    }
  }
  if (has(layer, HeaderParam.IV) && has(layer, HeaderParam.partialIV)) {
    throw header(where, 'IV (5) and Partial IV (6) must not both be present');
  }
}

/** Checks the parameters of one bucket; `layer` and `bucket` name it in messages, written out only for an error. */
function checkBucket(map: HeaderMap, layer: string, bucket: string): void {
  map.forEach((value, label) => {
    checkParameter(label, value, layer, bucket);
  });
}

function checkParameter(label: number | string, value: unknown, layer: string, bucket: string): void {
  if (!isLabel(label))
    throw new CoseError('ERR_COSE_MALFORMED', `${layer} ${bucket} header: label of type ${typeof label} is not an integer or text`);
  if (typeof label !== 'number' || label < 0) return;
  switch (label) {
    case HeaderParam.alg:
      if (!isLabel(value)) throw header(`${layer} ${bucket} header`, 'alg (1) must be an integer or text');
      break;
    case HeaderParam.contentType:
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0))) {
        throw header(`${layer} ${bucket} header`, 'content type (3) must be an unsigned integer or text');
      }
      break;
    case HeaderParam.kid:
    case HeaderParam.IV:
    case HeaderParam.partialIV:
      if (!(value instanceof Uint8Array)) throw header(`${layer} ${bucket} header`, `${NAMES[label]} (${label}) must be a byte string`);
      break;
    case HeaderParam.x5bag:
    case HeaderParam.x5chain:
      if (!(value instanceof Uint8Array || (Array.isArray(value) && value.length >= 2 && value.every((c) => c instanceof Uint8Array)))) {
        throw header(`${layer} ${bucket} header`, `${NAMES[label]} (${label}) must be a certificate bstr or an array of two or more`);
      }
      break;
    case HeaderParam.x5t:
      if (!(Array.isArray(value) && value.length === 2 && isLabel(value[0]) && value[1] instanceof Uint8Array)) {
        throw header(`${layer} ${bucket} header`, 'x5t (34) must be [hash algorithm, hash value]');
      }
      break;
    case HeaderParam.x5u:
      if (typeof value !== 'string') throw header(`${layer} ${bucket} header`, 'x5u (35) must be text');
      break;
  }
}

const NAMES: Record<number, string> = { 4: 'kid', 5: 'IV', 6: 'Partial IV', 32: 'x5bag', 33: 'x5chain' };

export function has(layer: Layer, label: number): boolean {
  return layer.protectedHeaders.has(label) || layer.unprotectedHeaders.has(label);
}

/** A parameter from whichever bucket holds it. */
export function param(layer: Layer, label: number): unknown {
  const v = layer.protectedHeaders.get(label);
  return v !== undefined ? v : layer.unprotectedHeaders.get(label);
}

/** The layer's algorithm: required, and an integer (no text-named algorithm is implemented). */
export function algOf(layer: Layer, where: string): number {
  const alg = param(layer, HeaderParam.alg);
  if (alg === undefined) throw header(where, 'alg (1) is missing');
  if (typeof alg !== 'number')
    throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', `${where}: algorithm ${algorithmName(alg)} is not supported`);
  return alg;
}

/** Checks caller-built header maps and encodes the protected one (empty map → zero-length bstr). */
export function buildLayer(protectedHeaders: HeaderMap | undefined, unprotectedHeaders: HeaderMap | undefined, where: string): Layer {
  if (protectedHeaders !== undefined && !(protectedHeaders instanceof Map)) throw new TypeError(`${where}: protectedHeaders must be a Map`);
  if (unprotectedHeaders !== undefined && !(unprotectedHeaders instanceof Map)) {
    throw new TypeError(`${where}: unprotectedHeaders must be a Map`);
  }
  const p = protectedHeaders ?? new Map();
  const u = unprotectedHeaders ?? new Map();
  const layer = { protectedBytes: p.size === 0 ? EMPTY : encode(p), protectedHeaders: p, unprotectedHeaders: u };
  try {
    checkLayer(layer, where, { critical: [...p.keys()] });
  } catch (e) {
    throw new TypeError((e as Error).message);
  }
  return layer;
}
