/** Builders of capture files and frames for tests and fuzz seeds: every byte written by hand. */

export interface Rec {
  timeUs: number;
  data: Uint8Array;
  wireLength?: number;
}

const u16 = (v: DataView, at: number, x: number, le: boolean): void => v.setUint16(at, x, le);
const u32 = (v: DataView, at: number, x: number, le: boolean): void => v.setUint32(at, x, le);

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A classic pcap file (LINKTYPE_ETHERNET unless told), either byte order, µs or ns magic. */
export function pcapFile(recs: Rec[], opts: { little?: boolean; nano?: boolean; linktype?: number } = {}): Uint8Array {
  const le = opts.little ?? true;
  const head = new Uint8Array(24);
  const hv = new DataView(head.buffer);
  u32(hv, 0, opts.nano === true ? 0xa1b23c4d : 0xa1b2c3d4, le);
  u16(hv, 4, 2, le);
  u16(hv, 6, 4, le);
  u32(hv, 16, 262144, le);
  u32(hv, 20, opts.linktype ?? 1, le);
  const parts: Uint8Array[] = [head];
  for (const r of recs) {
    const rh = new Uint8Array(16);
    const rv = new DataView(rh.buffer);
    u32(rv, 0, Math.floor(r.timeUs / 1e6), le);
    u32(rv, 4, opts.nano === true ? (r.timeUs % 1e6) * 1000 : r.timeUs % 1e6, le);
    u32(rv, 8, r.data.length, le);
    u32(rv, 12, r.wireLength ?? r.data.length, le);
    parts.push(rh, r.data);
  }
  return concat(parts);
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const len = 12 + padded;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  u32(v, 0, type, le);
  u32(v, 4, len, le);
  out.set(body, 8);
  u32(v, len - 4, len, le);
  return out;
}

export function shb(le: boolean): Uint8Array {
  const body = new Uint8Array(16);
  const v = new DataView(body.buffer);
  u32(v, 0, 0x1a2b3c4d, le);
  u16(v, 4, 1, le);
  u16(v, 6, 0, le);
  v.setBigInt64(8, -1n, le);
  return block(0x0a0d0d0a, body, le);
}

/** An IDB; `tsresol` adds the if_tsresol option. */
export function idb(le: boolean, linktype = 1, tsresol?: number): Uint8Array {
  const body = new Uint8Array(tsresol === undefined ? 8 : 20);
  const v = new DataView(body.buffer);
  u16(v, 0, linktype, le);
  u32(v, 4, 262144, le);
  if (tsresol !== undefined) {
    u16(v, 8, 9, le);
    u16(v, 10, 1, le);
    body[12] = tsresol;
    // opt_endofopt at 16
  }
  return block(1, body, le);
}

/** An EPB on interface `iface`; `units` is the timestamp in the interface's resolution. */
export function epb(le: boolean, units: bigint, data: Uint8Array, iface = 0, wireLength = data.length): Uint8Array {
  const body = new Uint8Array(20 + data.length);
  const v = new DataView(body.buffer);
  u32(v, 0, iface, le);
  u32(v, 4, Number(units >> 32n), le);
  u32(v, 8, Number(units & 0xffffffffn), le);
  u32(v, 12, data.length, le);
  u32(v, 16, wireLength, le);
  body.set(data, 20);
  return block(6, body, le);
}

export function spb(le: boolean, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + data.length);
  u32(new DataView(body.buffer), 0, data.length, le);
  body.set(data, 4);
  return block(3, body, le);
}

export function customBlock(le: boolean, type: number, size: number): Uint8Array {
  return block(type, new Uint8Array(size).fill(0xee), le);
}

/** A pcapng file of one section, one Ethernet interface (µs), EPBs of the records. */
export function pcapngFile(recs: Rec[], le = true): Uint8Array {
  return concat([shb(le), idb(le), ...recs.map((r) => epb(le, BigInt(r.timeUs), r.data, 0, r.wireLength))]);
}

export const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replaceAll(/[\s:]/g, ''), 'hex'));

/** Ethernet II header (optionally with tags, each `[tpid, tci]`) and payload. */
export function ether(dst: string, src: string, ethertype: number, payload: Uint8Array, tags: [number, number][] = []): Uint8Array {
  const head = new Uint8Array(14 + 4 * tags.length);
  head.set(hexBytes(dst), 0);
  head.set(hexBytes(src), 6);
  const v = new DataView(head.buffer);
  let at = 12;
  for (const [tpid, tci] of tags) {
    v.setUint16(at, tpid);
    v.setUint16(at + 2, tci);
    at += 4;
  }
  v.setUint16(at, ethertype);
  return concat([head, payload]);
}

const v4 = (a: string): Uint8Array => Uint8Array.from(a.split('.').map(Number));

/** An IPv4 header (no checksum needed by the decoder) with `options` and fragment fields. */
export function ipv4(
  src: string,
  dst: string,
  protocol: number,
  payload: Uint8Array,
  opts: { options?: Uint8Array; fragOffset?: number; mf?: boolean } = {},
): Uint8Array {
  const optLen = opts.options?.length ?? 0;
  const head = new Uint8Array(20 + optLen);
  const v = new DataView(head.buffer);
  head[0] = 0x40 | ((20 + optLen) / 4);
  v.setUint16(2, head.length + payload.length);
  v.setUint16(6, ((opts.mf === true ? 1 : 0) << 13) | (opts.fragOffset ?? 0));
  head[8] = 64;
  head[9] = protocol;
  head.set(v4(src), 12);
  head.set(v4(dst), 16);
  if (opts.options !== undefined) head.set(opts.options, 20);
  return concat([head, payload]);
}

/** Full-form IPv6 text (8 groups, no ::) to bytes. */
export function v6(a: string): Uint8Array {
  const [h = '', t] = a.split('::');
  const hs = h === '' ? [] : h.split(':');
  const ts = t === undefined || t === '' ? [] : t.split(':');
  const groups = t === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

/** An IPv6 header followed by `ext` (already chained) and the payload; `next` is the first next-header. */
export function ipv6(src: string, dst: string, next: number, payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(40);
  const v = new DataView(head.buffer);
  head[0] = 0x60;
  v.setUint16(4, payload.length);
  head[6] = next;
  head[7] = 64;
  head.set(v6(src), 8);
  head.set(v6(dst), 24);
  return concat([head, payload]);
}

export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint16(4, 8 + payload.length);
  return concat([h, payload]);
}

export const SYN = 0x02;
export const ACK = 0x10;

export function tcp(sport: number, dport: number, flags: number, payload: Uint8Array = new Uint8Array(0), optionWords = 0): Uint8Array {
  const h = new Uint8Array(20 + 4 * optionWords);
  const v = new DataView(h.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  h[12] = (5 + optionWords) << 4;
  h[13] = flags;
  return concat([h, payload]);
}

export function icmp(type: number, code: number): Uint8Array {
  return Uint8Array.of(type, code, 0, 0, 0, 0, 0, 0);
}

/** An async iterable yielding `bytes` in chunks of `size` (to test reads across chunk edges). */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A DNS response: question `qname`, answers as [name, type, ttl, rdata] with names uncompressed. */
export function dnsResponse(qname: string, qtype: number, answers: [string, number, number, Uint8Array][]): Uint8Array {
  const name = (n: string): Uint8Array =>
    concat([...n.split('.').map((l) => concat([Uint8Array.of(l.length), Buffer.from(l, 'ascii')])), Uint8Array.of(0)]);
  const head = new Uint8Array(12);
  const v = new DataView(head.buffer);
  v.setUint16(0, 0x1234);
  v.setUint16(2, 0x8180);
  v.setUint16(4, 1);
  v.setUint16(6, answers.length);
  const q = concat([name(qname), Uint8Array.of(0, qtype, 0, 1)]);
  const rrs = answers.map(([n, type, ttl, rdata]) => {
    const rr = new Uint8Array(10);
    const rv = new DataView(rr.buffer);
    rv.setUint16(0, type);
    rv.setUint16(2, 1);
    rv.setUint32(4, ttl);
    rv.setUint16(8, rdata.length);
    return concat([name(n), rr, rdata]);
  });
  return concat([head, q, ...rrs]);
}

export function dnsName(n: string): Uint8Array {
  return concat([...n.split('.').map((l) => concat([Uint8Array.of(l.length), Buffer.from(l, 'ascii')])), Uint8Array.of(0)]);
}
