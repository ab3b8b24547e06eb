import { isUtf8 } from 'node:buffer';
import { concat } from './bytes.ts';
import { CborError } from './cbor-errors.ts';

/** Limits applied to every decode of outside bytes. */
export interface CborLimits {
  /** Largest accepted input, in bytes. */
  maxBytes: number;
  /** Deepest nesting of arrays, maps and tags. */
  maxDepth: number;
  /** Most entries in one array or map (a map entry is one key/value pair). */
  maxContainerLength: number;
  /** Longest byte or text string, in bytes. */
  maxStringBytes: number;
  /** Most data items in the whole input (bounds memory and work). */
  maxItems: number;
}

export interface ScanRules extends CborLimits {
  allowIndefinite: boolean;
  allowDuplicateKeys: boolean;
  allowTrailing: boolean;
  /**
   * Accept every well-formed item, including those IoTopia's data model leaves out (unassigned
   * simple values, the tags reserved by the underlying library): for diagnostic output only.
   */
  wellFormedOnly?: boolean;
}

// Tags the underlying library turns into its own record, bundling or sharing machinery; they have
// no meaning in the standards IoTopia speaks, so input carrying them is refused.
const isLibraryInternalTag = (tag: number): boolean => (tag >= 0xdff9 && tag <= 0xdfff) || tag === 0x53687264;

const TWO_53 = 2n ** 53n;

/**
 * Checks that `bytes` starts with one well-formed CBOR data item (RFC 8949 §3, Appendix F) within
 * the limits and rules, without building it. Returns the bytes of that item, with indefinite-length
 * strings made definite (the same value; cbor-x decodes only definite strings).
 */
export function scanCbor(bytes: Uint8Array, rules: ScanRules): ScannedItem {
  const s = run(bytes, rules);
  const item = s.pos === bytes.length ? bytes : bytes.subarray(0, s.pos);
  return { bytes: s.rewrites.length === 0 ? item : definiteStrings(item, s.rewrites), hasBigIntegers: s.bigIntegers };
}

export interface ScannedItem {
  /** The item's bytes, with indefinite-length strings made definite. */
  bytes: Uint8Array;
  /** Whether an integer outside ±(2^53 - 1) occurs (such integers are bigint in the data model). */
  hasBigIntegers: boolean;
}

/** Checks one item at the start of `bytes` as `scanCbor` does; returns its length in bytes. */
export function scanCborLength(bytes: Uint8Array, rules: ScanRules): number {
  return run(bytes, rules).pos;
}

function run(bytes: Uint8Array, rules: ScanRules): Scanner {
  if (bytes.length > rules.maxBytes) {
    throw new CborError('ERR_CBOR_TOO_LARGE', `input of ${bytes.length} bytes exceeds the limit of ${rules.maxBytes}`, 0);
  }
  const s = new Scanner(bytes, rules);
  s.item(0);
  if (s.pos !== bytes.length && !rules.allowTrailing) {
    throw new CborError('ERR_CBOR_TRAILING_BYTES', `${bytes.length - s.pos} bytes follow the data item`, s.pos);
  }
  return s;
}

interface Rewrite {
  start: number;
  end: number;
  major: number;
  parts: Uint8Array[];
}

/** A copy of `bytes` with each indefinite-length string replaced by the equal definite one. */
function definiteStrings(bytes: Uint8Array, rewrites: Rewrite[]): Uint8Array {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const r of rewrites) {
    out.push(bytes.subarray(at, r.start));
    const len = r.parts.reduce((n, p) => n + p.length, 0);
    out.push(head(r.major, len), ...r.parts);
    at = r.end;
  }
  out.push(bytes.subarray(at));
  return concat(out);
}

function head(major: number, n: number): Uint8Array {
  const mt = major << 5;
  if (n < 24) return Uint8Array.of(mt | n);
  if (n < 0x100) return Uint8Array.of(mt | 24, n);
  if (n < 0x10000) return Uint8Array.of(mt | 25, n >> 8, n & 0xff);
  const b = new Uint8Array(5);
  b[0] = mt | 26;
  new DataView(b.buffer).setUint32(1, n);
  return b;
}

class Scanner {
  pos = 0;
  items = 0;
  bigIntegers = false;
  readonly rewrites: Rewrite[] = [];
  readonly bytes: Uint8Array;
  readonly rules: ScanRules;
  // Made only for 64-bit arguments and float keys: most items never need it.
  #view: DataView | undefined;

  constructor(bytes: Uint8Array, rules: ScanRules) {
    this.bytes = bytes;
    this.rules = rules;
  }

  get view(): DataView {
    this.#view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.#view;
  }

  need(n: number, at: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new CborError('ERR_CBOR_TRUNCATED', `input ends inside a data item (${n} more bytes needed)`, at);
    }
  }

  /** Reads the argument of a head whose initial byte had additional information `ai` < 28. */
  arg(ai: number, at: number): number | bigint {
    if (ai < 24) return ai;
    const p = this.pos;
    switch (ai) {
      case 24:
        this.need(1, at);
        this.pos += 1;
        return this.bytes[p] as number;
      case 25:
        this.need(2, at);
        this.pos += 2;
        return ((this.bytes[p] as number) << 8) | (this.bytes[p + 1] as number);
      case 26:
        this.need(4, at);
        this.pos += 4;
        return (
          (this.bytes[p] as number) * 0x1000000 +
          (((this.bytes[p + 1] as number) << 16) | ((this.bytes[p + 2] as number) << 8) | (this.bytes[p + 3] as number))
        );
      default: {
        this.need(8, at);
        this.pos += 8;
        const v = this.view.getBigUint64(p);
        return v < TWO_53 ? Number(v) : v;
      }
    }
  }

  count(): void {
    if (++this.items > this.rules.maxItems) {
      throw new CborError('ERR_CBOR_ITEM_LIMIT', `more than ${this.rules.maxItems} data items`, this.pos);
    }
  }

  /**
   * Scans one item; returns its duplicate-detection key when `wantKey`, else undefined. Keys equal
   * as numbers (RFC 8949 §5.6: an integer and a float of the same value) get the same key: the
   * number itself when it is a safe integer or not integral, `n:` and its digits otherwise.
   */
  item(depth: number, wantKey = false): MapKey | undefined {
    const at = this.pos;
    this.need(1, at);
    this.count();
    const ib = this.bytes[this.pos++] as number;
    const major = ib >> 5;
    const ai = ib & 0x1f;
    if (ai >= 28 && ai <= 30) throw new CborError('ERR_CBOR_MALFORMED', `reserved additional information ${ai}`, at);
    if (ai === 31) return this.indefinite(major, depth, at, wantKey);
    const arg = this.arg(ai, at);
    switch (major) {
      case 0:
      case 1:
        // -2^53 itself is exact as a number, but keep one simple rule: only the safe range is number.
        if (typeof arg === 'bigint' || (major === 1 && arg === 2 ** 53 - 1)) this.bigIntegers = true;
        return wantKey ? numberKey(major === 0 ? arg : typeof arg === 'bigint' ? -1n - arg : -1 - arg) : undefined;
      case 2:
      case 3: {
        const len = this.stringLength(arg, at);
        this.need(len, at);
        const start = this.pos;
        this.pos += len;
        if (major === 3 && !isUtf8(this.bytes.subarray(start, this.pos))) {
          throw new CborError('ERR_CBOR_INVALID_UTF8', 'text string is not valid UTF-8', at);
        }
        return wantKey ? (major === 2 ? 'b:' : 's:') + latin1(this.bytes, start, this.pos) : undefined;
      }
      case 4: {
        const len = this.containerLength(arg, at, 1);
        this.enter(depth, at);
        for (let i = 0; i < len; i++) this.item(depth + 1);
        break;
      }
      case 5: {
        const len = this.containerLength(arg, at, 2);
        this.enter(depth, at);
        const seen = this.rules.allowDuplicateKeys ? undefined : new Set<MapKey>();
        for (let i = 0; i < len; i++) this.entry(depth + 1, seen);
        break;
      }
      case 6:
        this.tag(arg, depth, at);
        break;
      default:
        this.simple(ai, arg, at);
        if (wantKey && ai >= 25) return numberKey(floatAt(this.view, at));
    }
    return wantKey ? `r:${latin1(this.bytes, at, this.pos)}` : undefined;
  }

  entry(depth: number, seen: Set<MapKey> | undefined): void {
    const keyAt = this.pos;
    const key = this.item(depth, seen !== undefined);
    if (seen !== undefined) {
      if (seen.has(key as MapKey)) throw new CborError('ERR_CBOR_DUPLICATE_KEY', 'duplicate map key', keyAt);
      seen.add(key as MapKey);
    }
    this.item(depth);
  }

  enter(depth: number, at: number): void {
    if (depth >= this.rules.maxDepth) {
      throw new CborError('ERR_CBOR_DEPTH', `nesting deeper than ${this.rules.maxDepth}`, at);
    }
  }

  stringLength(arg: number | bigint, at: number): number {
    if (typeof arg === 'bigint' || arg > this.rules.maxStringBytes) {
      throw new CborError('ERR_CBOR_LENGTH_LIMIT', `string of ${arg} bytes exceeds the limit of ${this.rules.maxStringBytes}`, at);
    }
    return arg;
  }

  containerLength(arg: number | bigint, at: number, perEntry: number): number {
    if (typeof arg === 'bigint' || arg > this.rules.maxContainerLength) {
      throw new CborError('ERR_CBOR_LENGTH_LIMIT', `container of ${arg} entries exceeds the limit of ${this.rules.maxContainerLength}`, at);
    }
    // Every entry needs at least one byte per item: a cheap early truncation check.
    if (arg * perEntry > this.bytes.length - this.pos) {
      throw new CborError('ERR_CBOR_TRUNCATED', `container of ${arg} entries is longer than the input`, at);
    }
    return arg;
  }

  tag(arg: number | bigint, depth: number, at: number): void {
    if (typeof arg === 'number' && isLibraryInternalTag(arg) && !this.rules.wellFormedOnly) {
      throw new CborError('ERR_CBOR_UNSUPPORTED', `tag ${arg} is not supported`, at);
    }
    this.enter(depth, at);
    const contentAt = this.pos;
    this.item(depth + 1);
    // RFC 8949 §3.4.3: bignum tags wrap a byte string.
    if ((arg === 2 || arg === 3) && (this.bytes[contentAt] as number) >> 5 !== 2 && !this.rules.wellFormedOnly) {
      throw new CborError('ERR_CBOR_INVALID', `tag ${arg} (bignum) must enclose a byte string`, at);
    }
  }

  simple(ai: number, arg: number | bigint, at: number): void {
    if (ai === 24 && (arg as number) < 32) {
      throw new CborError('ERR_CBOR_MALFORMED', `two-byte encoding of simple value ${arg}`, at);
    }
    // false, true, null, undefined and the three float widths are the only major-7 items modelled.
    if ((ai < 20 || ai === 24) && !this.rules.wellFormedOnly)
      throw new CborError('ERR_CBOR_UNSUPPORTED', `simple value ${arg} is not supported`, at);
  }

  indefinite(major: number, depth: number, at: number, wantKey: boolean): MapKey | undefined {
    if (major === 7) throw new CborError('ERR_CBOR_MALFORMED', 'break code outside an indefinite-length item', at);
    if (major < 2 || major === 6) throw new CborError('ERR_CBOR_MALFORMED', `indefinite length is not allowed for major type ${major}`, at);
    if (!this.rules.allowIndefinite) throw new CborError('ERR_CBOR_INDEFINITE', 'indefinite-length item not allowed here', at);
    if (major === 2 || major === 3) return this.chunks(major, at, wantKey);
    this.enter(depth, at);
    const seen = major === 5 && !this.rules.allowDuplicateKeys ? new Set<MapKey>() : undefined;
    let n = 0;
    for (;;) {
      this.need(1, at);
      if (this.bytes[this.pos] === 0xff) {
        this.pos++;
        break;
      }
      if (++n > this.rules.maxContainerLength) {
        throw new CborError('ERR_CBOR_LENGTH_LIMIT', `container exceeds the limit of ${this.rules.maxContainerLength} entries`, at);
      }
      if (major === 4) this.item(depth + 1);
      else this.entry(depth + 1, seen);
    }
    return wantKey ? `r:${latin1(this.bytes, at, this.pos)}` : undefined;
  }

  chunks(major: number, at: number, wantKey: boolean): string | undefined {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      this.need(1, at);
      const chunkAt = this.pos;
      const ib = this.bytes[this.pos++] as number;
      if (ib === 0xff) break;
      const ai = ib & 0x1f;
      if (ib >> 5 !== major || ai >= 28) {
        throw new CborError(
          'ERR_CBOR_MALFORMED',
          'chunk of an indefinite-length string is not a definite string of the same type',
          chunkAt,
        );
      }
      this.count();
      const len = this.stringLength(this.arg(ai, chunkAt), chunkAt);
      total += len;
      if (total > this.rules.maxStringBytes) this.stringLength(total, at);
      this.need(len, chunkAt);
      const chunk = this.bytes.subarray(this.pos, this.pos + len);
      if (major === 3 && !isUtf8(chunk)) throw new CborError('ERR_CBOR_INVALID_UTF8', 'text string chunk is not valid UTF-8', chunkAt);
      parts.push(chunk);
      this.pos += len;
    }
    this.rewrites.push({ start: at, end: this.pos, major, parts });
    if (!wantKey) return undefined;
    return (major === 2 ? 'b:' : 's:') + parts.map((p) => latin1(p, 0, p.length)).join('');
  }
}

/** A map key as compared for duplicates: a number, or a string naming the item. */
type MapKey = string | number;

/** The duplicate key of a numeric value: see Scanner.item. */
function numberKey(v: number | bigint): MapKey {
  if (typeof v === 'number' && (Number.isSafeInteger(v) || !Number.isInteger(v))) return v;
  return `n:${v}`;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** The value of the float whose head starts at `at` (RFC 8949 §3.3, Appendix D for half precision). */
export function floatAt(view: DataView, at: number): number {
  const ai = view.getUint8(at) & 0x1f;
  if (ai === 26) return view.getFloat32(at + 1);
  if (ai === 27) return view.getFloat64(at + 1);
  return halfToNumber(view.getUint16(at + 1));
}

export function halfToNumber(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -24 * mant;
  if (exp === 31) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 25) * (mant + 1024);
}
