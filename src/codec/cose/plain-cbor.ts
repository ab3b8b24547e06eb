/**
 * A one-pass reader for the plain subset of CBOR (RFC 8949) that COSE messages and SUIT envelopes
 * are made of:
 * definite-length items with arguments up to 32 bits, ASCII text, integer and text map keys, the
 * simple values false, true and null, and the COSE and SUIT tags. It builds exactly the values the
 * codec's `decode` builds for such input (byte strings as views into the input, maps as Map, tags as
 * Tag). Anything else, and anything the codec would refuse or limit, gives NOT_PLAIN: the caller
 * then decodes with the codec, which accepts or refuses the input with its own checks and errors.
 */
import { DEFAULT_LIMITS, Tag } from '../cbor.ts';

/** What `decodePlain` returns for input outside the plain subset. */
export const NOT_PLAIN: unique symbol = Symbol('not plain CBOR');

// Tags the codec keeps as a plain Tag and SUIT carries: COSE_Encrypt0 (16), COSE_Mac0 (17),
// COSE_Sign1 (18), COSE_Encrypt (96), COSE_Mac (97), COSE_Sign (98) (RFC 9052 §2) and
// SUIT_Envelope_Tagged (107, draft-ietf-suit-manifest-37 §8.2).
const PLAIN_TAGS: ReadonlySet<number> = new Set([16, 17, 18, 96, 97, 98, 107]);

// Well inside the codec's default limits (65,536 entries per container, 1,000,000 items, 16 MiB
// strings): input nearer to them goes to the codec, which applies them. A depth limit below 24 and a
// size limit are applied as given.
const MAX_DEPTH = 24;
const MAX_ENTRIES = 4096;
const MAX_INPUT = Math.min(1_000_000, DEFAULT_LIMITS.maxItems, DEFAULT_LIMITS.maxStringBytes);

class NotPlain extends Error {}
const notPlain = new NotPlain();

/**
 * Decodes one plain CBOR item spanning all of `bytes` within `maxBytes` and `maxDepth` (as the
 * codec counts them), or returns NOT_PLAIN.
 */
export function decodePlain(bytes: Uint8Array, maxBytes: number, maxDepth: number): unknown {
  if (!(bytes instanceof Uint8Array) || bytes.length > maxBytes || bytes.length > MAX_INPUT) return NOT_PLAIN;
  // Reading calls nothing outside this file, so one reader serves every call in turn.
  reader.start(bytes, Math.min(maxDepth, MAX_DEPTH));
  try {
    const value = reader.item(0);
    return reader.pos === reader.end ? value : NOT_PLAIN;
  } catch (e) {
    if (e === notPlain) return NOT_PLAIN;
    throw e;
  } finally {
    reader.start(EMPTY, 0); // holds no reference to the input
  }
}

const EMPTY = new Uint8Array(0);

class PlainReader {
  pos = 0;
  b: Uint8Array = EMPTY;
  end = 0;
  buffer: ArrayBufferLike = EMPTY.buffer;
  offset = 0;
  maxDepth = 0;

  start(b: Uint8Array, maxDepth: number): void {
    this.pos = 0;
    this.maxDepth = maxDepth;
    this.b = b;
    this.end = b.length;
    this.buffer = b.buffer;
    this.offset = b.byteOffset;
  }

  /** The argument of a head with additional information `ai`, in its shortest or longer form up to 32 bits. */
  arg(ai: number): number {
    if (ai < 24) return ai;
    const b = this.b;
    const p = this.pos;
    if (ai === 24 && p + 1 <= this.end) {
      this.pos = p + 1;
      return b[p] as number;
    }
    if (ai === 25 && p + 2 <= this.end) {
      this.pos = p + 2;
      return ((b[p] as number) << 8) | (b[p + 1] as number);
    }
    if (ai === 26 && p + 4 <= this.end) {
      this.pos = p + 4;
      return (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    }
    throw notPlain;
  }

  item(depth: number): unknown {
    if (this.pos >= this.end) throw notPlain;
    const ib = this.b[this.pos++] as number;
    const major = ib >> 5;
    const ai = ib & 0x1f;
    if (major === 7) return simple(ai);
    const n = this.arg(ai);
    switch (major) {
      case 0:
        return n;
      case 1:
        return -1 - n;
      case 2:
        return this.bytes(n);
      case 3:
        return this.text(n);
      case 4:
        return this.array(n, depth);
      case 5:
        return this.map(n, depth);
      default:
        if (!PLAIN_TAGS.has(n) || depth >= this.maxDepth) throw notPlain;
        return new Tag(this.item(depth + 1), n);
    }
  }

  bytes(n: number): Uint8Array {
    const start = this.pos;
    if (n > this.end - start) throw notPlain;
    this.pos = start + n;
    // A plain Uint8Array view (never a Buffer, even when the input is one), as the codec gives.
    return new Uint8Array(this.buffer, this.offset + start, n);
  }

  text(n: number): string {
    const start = this.pos;
    if (n > this.end - start) throw notPlain;
    const b = this.b;
    for (let i = start; i < start + n; i++) if ((b[i] as number) >= 0x80) throw notPlain;
    this.pos = start + n;
    // ASCII: its UTF-8 and Latin-1 readings are the same string.
    if (n <= 64) return String.fromCharCode.apply(null, b.subarray(start, start + n) as unknown as number[]);
    return Buffer.from(this.buffer, this.offset + start, n).toString('latin1');
  }

  array(n: number, depth: number): unknown[] {
    if (n > MAX_ENTRIES || n > this.end - this.pos || depth >= this.maxDepth) throw notPlain;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.item(depth + 1);
    return out;
  }

  map(n: number, depth: number): Map<unknown, unknown> {
    if (n > MAX_ENTRIES || 2 * n > this.end - this.pos || depth >= this.maxDepth) throw notPlain;
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < n; i++) {
      const key = this.item(depth + 1);
      // Integer and text keys only; a repeated key is for the codec to refuse.
      if ((typeof key !== 'number' && typeof key !== 'string') || out.has(key)) throw notPlain;
      out.set(key, this.item(depth + 1));
    }
    return out;
  }
}

const reader = new PlainReader();

/** false, true and null (RFC 8949 §3.3); other simple values and floats are not plain. */
function simple(ai: number): boolean | null {
  if (ai === 20) return false;
  if (ai === 21) return true;
  if (ai === 22) return null;
  throw notPlain;
}
