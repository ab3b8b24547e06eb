/**
 * Ethernet frames for the agreement test: IPv4/IPv6 with TCP, UDP, ICMP or ICMPv6, valid
 * checksums, and a tag (MAGIC + packet number) at the start of the transport payload so the
 * receiving side can tell which packet arrived.
 */
import { isIPv4 } from 'node:net';
import { macNumber, parseV4, parseV6 } from '../../../src/intent/verdict/addr.ts';

export const MAGIC = [0x10, 0x7a, 0x1d, 0x5e];

export interface FrameSpec {
  srcMac: string;
  dstMac: string;
  src: string;
  dst: string;
  protocol: 6 | 17 | 1 | 58;
  srcPort?: number;
  dstPort?: number;
  tcpFlags?: number;
  seq?: number;
  ack?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  tag: number;
}

function macBytes(mac: string, out: Uint8Array, at: number): void {
  let n = macNumber(mac);
  for (let i = 5; i >= 0; i--) {
    out[at + i] = n % 256;
    n = Math.floor(n / 256);
  }
}

function addrBytes(text: string): Uint8Array {
  if (isIPv4(text)) {
    const v = parseV4(text) as number;
    return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  const w = new Uint32Array(4);
  parseV6(text, w);
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 4; i++) dv.setUint32(4 * i, w[i] as number);
  return b;
}

function sum16(bytes: Uint8Array, initial = 0): number {
  let s = initial;
  for (let i = 0; i < bytes.length; i += 2) s += ((bytes[i] as number) << 8) | (bytes[i + 1] ?? 0);
  return s;
}

const fold = (s: number): number => {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 65536);
  return ~x & 0xffff;
};

function transport(s: FrameSpec): Uint8Array {
  const tag = Uint8Array.of(...MAGIC, (s.tag >>> 24) & 255, (s.tag >>> 16) & 255, (s.tag >>> 8) & 255, s.tag & 255);
  const head = s.protocol === 6 ? 20 : 8;
  const seg = new Uint8Array(head + tag.length);
  const dv = new DataView(seg.buffer);
  if (s.protocol === 6 || s.protocol === 17) {
    dv.setUint16(0, s.srcPort ?? 0);
    dv.setUint16(2, s.dstPort ?? 0);
  }
  if (s.protocol === 6) {
    dv.setUint32(4, (s.seq ?? 0) >>> 0);
    dv.setUint32(8, (s.ack ?? 0) >>> 0);
    seg[12] = 5 << 4;
    seg[13] = s.tcpFlags ?? 0;
    dv.setUint16(14, 65535);
  } else if (s.protocol === 17) dv.setUint16(4, seg.length);
  else {
    seg[0] = s.icmpType ?? 0;
    seg[1] = s.icmpCode ?? 0;
    dv.setUint16(4, s.icmpId ?? 0);
    dv.setUint16(6, 1);
  }
  seg.set(tag, head);
  return seg;
}

/** The whole frame for `s`. */
export function buildFrame(s: FrameSpec): Uint8Array {
  const src = addrBytes(s.src);
  const dst = addrBytes(s.dst);
  const v4 = src.length === 4;
  const seg = transport(s);
  const ipLen = v4 ? 20 : 40;
  const frame = new Uint8Array(14 + ipLen + seg.length);
  const dv = new DataView(frame.buffer);
  macBytes(s.dstMac, frame, 0);
  macBytes(s.srcMac, frame, 6);
  dv.setUint16(12, v4 ? 0x0800 : 0x86dd);
  const ip = frame.subarray(14, 14 + ipLen);
  const ipv = new DataView(ip.buffer, ip.byteOffset, ipLen);
  const pseudoLen = seg.length;
  let pseudo: number;
  if (v4) {
    ip[0] = 0x45;
    ipv.setUint16(2, ipLen + seg.length);
    ipv.setUint16(4, s.tag & 0xffff);
    ip[8] = 64;
    ip[9] = s.protocol;
    ip.set(src, 12);
    ip.set(dst, 16);
    ipv.setUint16(10, fold(sum16(ip)));
    pseudo = sum16(src) + sum16(dst) + s.protocol + pseudoLen;
  } else {
    ip[0] = 0x60;
    ipv.setUint16(4, seg.length);
    ip[6] = s.protocol;
    ip[7] = 64;
    ip.set(src, 8);
    ip.set(dst, 24);
    pseudo = sum16(src) + sum16(dst) + s.protocol + pseudoLen;
  }
  const usePseudo = s.protocol !== 1;
  const csum = fold(sum16(seg, usePseudo ? pseudo : 0));
  const at = s.protocol === 6 ? 16 : s.protocol === 17 ? 6 : 2;
  new DataView(seg.buffer).setUint16(at, s.protocol === 17 && csum === 0 ? 0xffff : csum);
  frame.set(seg, 14 + ipLen);
  return frame;
}
