/**
 * Turns received KVs into module messages. A ServiceInfoVal normally holds one CBOR item; a value
 * too large for one message arrives as consecutive KVs with the same key whose bytes join into the
 * item (the convention go-fdo uses), possibly across messages. A KV may also hold several items in
 * a row. The unfinished tail is kept in state, base64, until the rest arrives.
 */
import { concat } from '../../../codec/bytes.ts';
import { CborError, decode } from '../../../codec/cbor.ts';
import { scanCborLength } from '../../../codec/cbor-scan.ts';
import { SERVICEINFO_KEY_SEPARATOR } from '../../constants/serviceinfo.ts';
import type { ServiceInfoLimits } from '../limits.ts';
import type { ServiceInfoKV } from '../service-info-kv.ts';
import { fromB64, toB64 } from './b64.ts';
import { badKey, malformed, overLimit } from './errors.ts';

export interface Fragment {
  key: string;
  bytes: string;
}

export interface InboundMessage {
  module: string;
  message: string;
  value: unknown;
}

const LIMIT_CODES = new Set(['ERR_CBOR_TOO_LARGE', 'ERR_CBOR_LENGTH_LIMIT', 'ERR_CBOR_ITEM_LIMIT', 'ERR_CBOR_DEPTH']);

/** Splits `module:message`; the module is everything before the first separator. */
export function splitKey(key: string): { module: string; message: string } {
  const at = key.indexOf(SERVICEINFO_KEY_SEPARATOR);
  if (at <= 0 || at === key.length - 1) throw badKey(`ServiceInfoKey ${JSON.stringify(key)} is not "module:message"`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(key)) throw badKey(`ServiceInfoKey ${JSON.stringify(key)} contains control characters`);
  return { module: key.slice(0, at), message: key.slice(at + 1) };
}

function valueLimits(limits: ServiceInfoLimits) {
  return {
    maxDepth: 16,
    maxContainerLength: 4096,
    maxStringBytes: limits.maxValueBytes,
    maxItems: 100_000,
  };
}

export function reassemble(
  pending: Fragment | null,
  kvs: readonly ServiceInfoKV[],
  limits: ServiceInfoLimits,
): { messages: InboundMessage[]; pending: Fragment | null } {
  const messages: InboundMessage[] = [];
  let carry = pending;
  for (const kv of kvs) {
    const { module, message } = splitKey(kv.key);
    if (carry !== null && carry.key !== kv.key) {
      throw malformed(`the value of ${carry.key} ended unfinished before ${kv.key}`);
    }
    if (carry === null && kv.value.length === 0) throw malformed(`${kv.key} has an empty ServiceInfoVal`);
    let buf = carry === null ? kv.value : concat([fromB64(carry.bytes), kv.value]);
    carry = null;
    while (buf.length > 0) {
      const length = itemLength(buf, kv.key, limits);
      if (length === undefined) {
        if (buf.length > limits.maxValueBytes) throw overLimit(`the value of ${kv.key} exceeds ${limits.maxValueBytes} bytes`);
        carry = { key: kv.key, bytes: toB64(buf) };
        break;
      }
      if (length > limits.maxValueBytes) throw overLimit(`the value of ${kv.key} exceeds ${limits.maxValueBytes} bytes`);
      messages.push({ module, message, value: decodeValue(buf.subarray(0, length), kv.key, limits) });
      buf = buf.subarray(length);
    }
  }
  return { messages, pending: carry };
}

/** Length of the CBOR item at the start of `buf`; undefined when `buf` ends inside it. */
function itemLength(buf: Uint8Array, key: string, limits: ServiceInfoLimits): number | undefined {
  try {
    return scanCborLength(buf, {
      ...valueLimits(limits),
      maxBytes: buf.length,
      allowIndefinite: true,
      allowDuplicateKeys: false,
      allowTrailing: true,
    });
  } catch (cause) {
    if (cause instanceof CborError && cause.code === 'ERR_CBOR_TRUNCATED') return undefined;
    if (cause instanceof CborError && LIMIT_CODES.has(cause.code)) throw overLimit(`the value of ${key}: ${cause.message}`, cause);
    throw malformed(`the value of ${key} is not well-formed CBOR`, cause);
  }
}

function decodeValue(bytes: Uint8Array, key: string, limits: ServiceInfoLimits): unknown {
  try {
    return decode(bytes, { ...valueLimits(limits), maxBytes: limits.maxValueBytes });
  } catch (cause) {
    throw malformed(`the value of ${key} is not valid CBOR`, cause);
  }
}
