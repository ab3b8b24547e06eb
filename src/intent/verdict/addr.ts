/**
 * Addresses as numbers for the verdict engine: IPv4 as one uint32, IPv6 as four uint32 words (most
 * significant first), and prefixes as inclusive [low, high] ranges of those numbers. No BigInt, so
 * judging a packet allocates nothing.
 */

/** An address in words: IPv4 uses word 0 only. Undefined when the text is not an address. */
export function parseV4(text: string): number | undefined {
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (octet < 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = -1;
      dots++;
    } else if (c >= 48 && c <= 57) {
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (octet < 0 || dots !== 3) return undefined;
  return value * 256 + octet;
}

function hexGroups(part: string, out: number[]): boolean {
  if (part === '') return true;
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    out.push(Number.parseInt(g, 16));
  }
  return true;
}

/** IPv6 text (with `::` and an optional dotted IPv4 tail) into `out[0..3]`; false when it is not one. */
export function parseV6(text: string, out: Uint32Array | number[]): boolean {
  let s = text;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return false;
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
    const head = s.slice(0, lastColon + 1);
    s = head.endsWith('::') ? head : head.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const head: number[] = [];
  const rest: number[] = [];
  if (!hexGroups(halves[0] ?? '', head) || !hexGroups(halves[1] ?? '', rest)) return false;
  rest.push(...tail);
  const groups = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (groups < 0 || (halves.length === 2 && groups < 1) || head.length + groups + rest.length !== 8) return false;
  const all = [...head, ...Array<number>(groups).fill(0), ...rest];
  for (let w = 0; w < 4; w++) out[w] = ((all[2 * w] ?? 0) * 65536 + (all[2 * w + 1] ?? 0)) >>> 0;
  return true;
}

/** The mask of the first `bits` bits of a 32-bit word. */
const wordMask = (bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/** An IPv4 prefix `a.b.c.d/len` as [low, high]. */
export function v4Range(text: string): [number, number] | undefined {
  const [addr = '', len = '32'] = text.split('/');
  const value = parseV4(addr);
  const bits = Number(len);
  if (value === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const mask = wordMask(bits);
  const low = (value & mask) >>> 0;
  return [low, (low | ~mask) >>> 0];
}

/** An IPv6 prefix as eight words: low[0..3], high[0..3]. */
export function v6Range(text: string): Uint32Array | undefined {
  const [addr = '', len = '128'] = text.split('/');
  const words = new Uint32Array(4);
  const bits = Number(len);
  if (!parseV6(addr, words) || !Number.isInteger(bits) || bits < 0 || bits > 128) return undefined;
  const range = new Uint32Array(8);
  for (let w = 0; w < 4; w++) {
    const mask = wordMask(bits - 32 * w);
    range[w] = ((words[w] as number) & mask) >>> 0;
    range[4 + w] = ((range[w] as number) | ~mask) >>> 0;
  }
  return range;
}

/** A MAC address `aa:bb:cc:dd:ee:ff` as a 48-bit number; -1 when it is not one. */
export function macNumber(mac: string): number {
  if (mac.length !== 17) return -1;
  let n = 0;
  for (let i = 0; i < 17; i++) {
    const c = mac.charCodeAt(i);
    if (i % 3 === 2) {
      if (c !== 58) return -1;
      continue;
    }
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}
