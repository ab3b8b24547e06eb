/** Strict reading of the two ServiceInfo message bodies from a peer. */
import { Buffer } from 'node:buffer';
import { CborError, decode } from '../../../codec/cbor.ts';
import type { ServiceInfoLimits } from '../limits.ts';
import type { ServiceInfoKV } from '../service-info-kv.ts';
import { malformed, overLimit } from './errors.ts';

const LIMIT_CODES = new Set(['ERR_CBOR_TOO_LARGE', 'ERR_CBOR_LENGTH_LIMIT', 'ERR_CBOR_ITEM_LIMIT', 'ERR_CBOR_DEPTH']);

/** Decodes a body whose top level is `[bool, ..., ServiceInfo]` with `flags` booleans. */
export function parseBody(
  bytes: Uint8Array,
  flags: 1 | 2,
  what: string,
  limits: ServiceInfoLimits,
): { flags: boolean[]; kvs: ServiceInfoKV[] } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} body must be a Uint8Array`);
  if (bytes.length > limits.maxBodyBytes) {
    throw overLimit(`${what} of ${bytes.length} bytes exceeds the advertised maximum of ${limits.maxBodyBytes}`);
  }
  let body: unknown;
  try {
    body = decode(bytes, {
      maxBytes: limits.maxBodyBytes,
      maxDepth: 3,
      maxContainerLength: limits.maxKvs,
      maxStringBytes: limits.maxBodyBytes,
      maxItems: 2 + 3 * limits.maxKvs + 2,
      allowIndefinite: false,
    });
  } catch (cause) {
    if (cause instanceof CborError && LIMIT_CODES.has(cause.code)) throw overLimit(`${what}: ${cause.message}`, cause);
    throw malformed(`${what} is not well-formed CBOR`, cause);
  }
  if (!Array.isArray(body) || body.length !== flags + 1) throw malformed(`${what} must be an array of ${flags + 1} elements`);
  const bools: boolean[] = [];
  for (let i = 0; i < flags; i++) {
    const b = body[i];
    if (typeof b !== 'boolean') throw malformed(`${what}[${i}] must be a boolean`);
    bools.push(b);
  }
  return { flags: bools, kvs: parseServiceInfo(body[flags], what, limits) };
}

function parseServiceInfo(si: unknown, what: string, limits: ServiceInfoLimits): ServiceInfoKV[] {
  // Some peers write an empty ServiceInfo as null; it carries nothing either way.
  if (si === null) return [];
  if (!Array.isArray(si)) throw malformed(`${what}.ServiceInfo must be an array`);
  if (si.length > limits.maxKvs) throw overLimit(`${what}.ServiceInfo has ${si.length} entries, more than ${limits.maxKvs}`);
  return si.map((kv: unknown, i: number) => {
    if (!Array.isArray(kv) || kv.length !== 2) throw malformed(`${what}.ServiceInfo[${i}] must be [ServiceInfoKey, ServiceInfoVal]`);
    const [key, value] = kv as [unknown, unknown];
    if (typeof key !== 'string') throw malformed(`${what}.ServiceInfo[${i}].ServiceInfoKey must be a text string`);
    if (Buffer.byteLength(key, 'utf8') > limits.maxKeyBytes) {
      throw overLimit(`${what}.ServiceInfo[${i}].ServiceInfoKey is longer than ${limits.maxKeyBytes} bytes`);
    }
    if (!(value instanceof Uint8Array)) throw malformed(`${what}.ServiceInfo[${i}].ServiceInfoVal must be a byte string (bstr .cbor)`);
    return { key, value };
  });
}
