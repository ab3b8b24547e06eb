/**
 * A cursor over the flat shapes of CBOR (RFC 8949) that SUIT command sequences are mostly made of:
 * definite-length heads with arguments up to 32 bits, and leaf items (integers, byte strings, ASCII
 * text, false, true, null). It reads exactly the values the plain reader and the codec build for
 * those items (byte strings as plain Uint8Array views into the input). Anything else makes it throw
 * NOT_FLAT: the caller then decodes the whole input the general way, which accepts or refuses it
 * with its own checks and errors.
 */

/** Thrown by a FlatCursor for input outside its shapes. */
export const NOT_FLAT: unique symbol = Symbol('not flat CBOR');

/** Most entries in one array or map read here (the plain reader's own bound). */
const MAX_ENTRIES = 4096;

export class FlatCursor {
  pos = 0;
  readonly end: number;
  private readonly b: Uint8Array;

  constructor(b: Uint8Array) {
    this.b = b;
    this.end = b.length;
  }

  /** The major type of the next item, without reading it. */
  peekMajor(): number {
    if (this.pos >= this.end) throw NOT_FLAT;
    return (this.b[this.pos] as number) >> 5;
  }

  /** The argument of the next head, which must be of major type `major` (0 to 5). */
  head(major: number): number {
    const b = this.b;
    let p = this.pos;
    if (p >= this.end) throw NOT_FLAT;
    const ib = b[p++] as number;
    if (ib >> 5 !== major) throw NOT_FLAT;
    const ai = ib & 0x1f;
    let n: number;
    if (ai < 24) n = ai;
    else if (ai === 24 && p + 1 <= this.end) n = b[p++] as number;
    else if (ai === 25 && p + 2 <= this.end) {
      n = ((b[p] as number) << 8) | (b[p + 1] as number);
      p += 2;
    } else if (ai === 26 && p + 4 <= this.end) {
      n = (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
      p += 4;
    } else throw NOT_FLAT;
    this.pos = p;
    return n;
  }

  /** The entry count of an array (major 4) or map (major 5) head. */
  container(major: 4 | 5): number {
    const n = this.head(major);
    if (n > MAX_ENTRIES) throw NOT_FLAT;
    return n;
  }

  /** An integer (major 0 or 1). */
  int(): number {
    const major = this.peekMajor();
    if (major === 0) return this.head(0);
    if (major === 1) return -1 - this.head(1);
    throw NOT_FLAT;
  }

  /** A leaf item: an integer, a byte string, ASCII text, false, true or null. */
  leaf(): unknown {
    const major = this.peekMajor();
    switch (major) {
      case 0:
      case 1:
        return this.int();
      case 2: {
        const n = this.head(2);
        const start = this.pos;
        if (n > this.end - start) throw NOT_FLAT;
        this.pos = start + n;
        return new Uint8Array(this.b.buffer, this.b.byteOffset + start, n);
      }
      case 3:
        return this.text(this.head(3));
      case 7:
        return this.simple();
      default:
        throw NOT_FLAT;
    }
  }

  private text(n: number): string {
    const start = this.pos;
    if (n > this.end - start) throw NOT_FLAT;
    const b = this.b;
    for (let i = start; i < start + n; i++) if ((b[i] as number) >= 0x80) throw NOT_FLAT;
    this.pos = start + n;
    // ASCII: its UTF-8 and Latin-1 readings are the same string.
    return Buffer.from(b.buffer, b.byteOffset + start, n).toString('latin1');
  }

  private simple(): boolean | null {
    const ib = this.b[this.pos] as number;
    const v = ib === 0xf4 ? false : ib === 0xf5 ? true : ib === 0xf6 ? null : undefined;
    if (v === undefined) throw NOT_FLAT;
    this.pos++;
    return v;
  }
}

/**
 * The value of `bytes` when it is an array of byte strings (as the plain reader builds it), or
 * undefined for anything else and for input over `maxBytes`.
 */
export function flatByteStrings(bytes: Uint8Array, maxBytes: number): Uint8Array[] | undefined {
  if (bytes.length > maxBytes) return undefined;
  try {
    const c = new FlatCursor(bytes);
    const n = c.container(4);
    const out = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) {
      if (c.peekMajor() !== 2) return undefined;
      out[i] = c.leaf() as Uint8Array;
    }
    return c.pos === c.end ? out : undefined;
  } catch (e) {
    if (e === NOT_FLAT) return undefined;
    throw e;
  }
}

/**
 * The value of `bytes` when it is a two-element array of an integer and a byte string (the shape of
 * a SUIT_Digest), or undefined for anything else and for input over `maxBytes`.
 */
export function flatIntAndBytes(bytes: Uint8Array, maxBytes: number): [number, Uint8Array] | undefined {
  if (bytes.length > maxBytes) return undefined;
  try {
    const c = new FlatCursor(bytes);
    if (c.container(4) !== 2) return undefined;
    const n = c.int();
    if (c.peekMajor() !== 2) return undefined;
    const b = c.leaf() as Uint8Array;
    return c.pos === c.end ? [n, b] : undefined;
  } catch (e) {
    if (e === NOT_FLAT) return undefined;
    throw e;
  }
}

/**
 * The tag number of `bytes` when it is one of `tags` around an array whose elements are leaf items or
 * maps of distinct integer keys to leaf items (the shape of a COSE message without recipients), all
 * well-formed and spanning the input; undefined for anything else and for input over `maxBytes`.
 * Nothing is kept: it checks what the general decoder would accept and tag it, without building it.
 */
export function flatTag(bytes: Uint8Array, maxBytes: number, tags: ReadonlySet<number>): number | undefined {
  if (bytes.length > maxBytes) return undefined;
  try {
    const c = new FlatCursor(bytes);
    const tag = c.head(6);
    if (!tags.has(tag)) return undefined;
    const n = c.container(4);
    for (let i = 0; i < n; i++) {
      if (c.peekMajor() !== 5) {
        c.leaf();
        continue;
      }
      const entries = c.container(5);
      const keys: number[] = [];
      for (let j = 0; j < entries; j++) {
        const key = c.int();
        if (keys.includes(key)) return undefined;
        keys.push(key);
        c.leaf();
      }
    }
    return c.pos === c.end ? tag : undefined;
  } catch (e) {
    if (e === NOT_FLAT) return undefined;
    throw e;
  }
}
