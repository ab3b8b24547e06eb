/**
 * A minimal, strict DER reader (ITU-T X.690 §8.1, §10.1): one TLV at a time, single-octet tags,
 * definite lengths in the fewest octets, never past the end of its input. Internal to src/crypto;
 * the caller turns its TypeError into the error of the structure it reads.
 */

export interface DerItem {
  tag: number;
  /** The whole TLV. */
  bytes: Uint8Array;
  /** The contents octets. */
  contents: Uint8Array;
}

/** The TLV at `at` in `der`. */
export function readItem(der: Uint8Array, at = 0): DerItem {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === undefined || first === undefined) throw new TypeError('DER ends inside a tag or length');
  if ((tag & 0x1f) === 0x1f) throw new TypeError('DER multi-octet tags are not used here');
  let length = first;
  let header = 2;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 3) throw new TypeError('DER length is indefinite or too long');
    length = 0;
    for (let k = 0; k < n; k++) {
      const b = der[at + 2 + k];
      if (b === undefined) throw new TypeError('DER ends inside a length');
      if (k === 0 && b === 0) throw new TypeError('DER length is not in the fewest octets');
      length = length * 256 + b;
    }
    if (length < 0x80) throw new TypeError('DER length is not in the fewest octets');
    header += n;
  }
  const end = at + header + length;
  if (end > der.length) throw new TypeError('DER item runs past the end of its input');
  return { tag, bytes: der.subarray(at, end), contents: der.subarray(at + header, end) };
}

/** The items that make up the contents of a constructed item, in order. */
export function readChildren(item: DerItem): DerItem[] {
  const out: DerItem[] = [];
  for (let at = 0; at < item.contents.length; ) {
    const child = readItem(item.contents, at);
    out.push(child);
    at += child.bytes.length;
  }
  return out;
}

/** The one item that spans all of `der`, with tag `tag`. */
export function readWhole(der: Uint8Array, tag: number): DerItem {
  const item = readItem(der, 0);
  if (item.bytes.length !== der.length) throw new TypeError(`${der.length - item.bytes.length} bytes follow the DER item`);
  if (item.tag !== tag) throw new TypeError(`DER tag 0x${item.tag.toString(16)} where 0x${tag.toString(16)} was expected`);
  return item;
}

/** X.690 §8.19: the dotted form of an OBJECT IDENTIFIER's contents. */
export function oidText(contents: Uint8Array): string {
  if (contents.length === 0 || ((contents[contents.length - 1] as number) & 0x80) !== 0)
    throw new TypeError('DER object identifier is empty or truncated');
  const arcs: bigint[] = [];
  let v = 0n;
  for (const [i, b] of contents.entries()) {
    if (v === 0n && b === 0x80 && (i === 0 || ((contents[i - 1] as number) & 0x80) === 0))
      throw new TypeError('DER object identifier arc is not in the fewest octets');
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0] as bigint;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}
