/**
 * DNS responses seen in a capture (RFC 1035 §4.1): the A (RFC 1035 §3.4.1), AAAA (RFC 3596 §2.2)
 * and CNAME records of the answer section. Names use compression pointers (§4.1.4), followed
 * with a hop limit so a loop ends in ERR_CAPTURE_DNS. CNAME chains are followed so an address
 * reached through an alias is also attributed to the name that was asked.
 */
import { ipv4Text, ipv6Text } from './addr.ts';
import { IPPROTO_TCP, IPPROTO_UDP } from './decode.ts';
import { CaptureError } from './errors.ts';
import type { Packet } from './packet.ts';

export interface DnsAnswer {
  /** Lower case, without the final dot. */
  name: string;
  type: 'A' | 'AAAA' | 'CNAME';
  ttl: number;
  /** An address (canonical text) or, for CNAME, the target name. */
  value: string;
}

/** RFC 1035 §4.1.1 header, §3.2.2 TYPE values, §2.3.4 size limits. */
export const DNS_PORT = 53;
const HEADER = 12;
const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
const MAX_NAME_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;
/** At most this many compression pointers in one name, and records or questions in one message. */
const MAX_POINTERS = 16;
const MAX_RECORDS = 512;
/** At most this many CNAME steps followed from a question. */
const MAX_CHAIN = 8;

const fail = (at: number, message: string): never => {
  throw new CaptureError('ERR_CAPTURE_DNS', at, message);
};

/** Reads the name at `at`; returns it and the offset after it (after the first pointer, if any). */
function readName(m: Uint8Array, at: number): [string, number] {
  const labels: string[] = [];
  let octets = 0;
  let pos = at;
  let after = -1;
  for (let pointers = 0; ; ) {
    if (pos >= m.length) fail(pos, 'a name runs past the message');
    const len = m[pos]!;
    if (len === 0) {
      pos++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= m.length) fail(pos, 'a compression pointer runs past the message');
      if (++pointers > MAX_POINTERS) fail(pos, `more than ${MAX_POINTERS} compression pointers in a name (a loop?)`);
      if (after === -1) after = pos + 2;
      pos = ((len & 0x3f) << 8) | m[pos + 1]!;
      continue;
    }
    if (len > MAX_LABEL_OCTETS) fail(pos, `label length octet 0x${len.toString(16)} is neither a label nor a pointer`);
    if (pos + 1 + len > m.length) fail(pos, 'a label runs past the message');
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS) fail(pos, `a name longer than ${MAX_NAME_OCTETS} octets`);
    labels.push(
      Buffer.from(m.buffer, m.byteOffset + pos + 1, len)
        .toString('latin1')
        .toLowerCase(),
    );
    pos += 1 + len;
  }
  return [labels.join('.'), after === -1 ? pos : after];
}

/** The A, AAAA and CNAME answers of a DNS response message, as written (no chain following). */
export function parseDnsResponse(m: Uint8Array): DnsAnswer[] {
  if (m.length < HEADER) fail(0, `a DNS message of ${m.length} octets, shorter than its header`);
  if ((m[2]! & 0x80) === 0) fail(2, 'not a response (QR is 0)');
  const qd = (m[4]! << 8) | m[5]!;
  const an = (m[6]! << 8) | m[7]!;
  if (qd + an > MAX_RECORDS) fail(4, `${qd} questions and ${an} answers, more than ${MAX_RECORDS}`);
  let at = HEADER;
  for (let i = 0; i < qd; i++) {
    at = readName(m, at)[1] + 4;
    if (at > m.length) fail(at, 'a question runs past the message');
  }
  const out: DnsAnswer[] = [];
  for (let i = 0; i < an; i++) {
    const [name, next] = readName(m, at);
    if (next + 10 > m.length) fail(next, 'a resource record header runs past the message');
    const type = (m[next]! << 8) | m[next + 1]!;
    const klass = (m[next + 2]! << 8) | m[next + 3]!;
    const ttl = ((m[next + 4]! << 24) | (m[next + 5]! << 16) | (m[next + 6]! << 8) | m[next + 7]!) >>> 0;
    const rdlen = (m[next + 8]! << 8) | m[next + 9]!;
    const rdata = next + 10;
    if (rdata + rdlen > m.length) fail(rdata, 'RDATA runs past the message');
    at = rdata + rdlen;
    if (klass !== CLASS_IN) continue;
    const answer = readRecord(m, name, type, ttl, rdata, rdlen);
    if (answer !== undefined) out.push(answer);
  }
  return out;
}

function readRecord(m: Uint8Array, name: string, type: number, ttl: number, rdata: number, rdlen: number): DnsAnswer | undefined {
  if (type === TYPE_A) {
    if (rdlen !== 4) fail(rdata, `an A record with ${rdlen} octets of RDATA`);
    return { name, type: 'A', ttl, value: ipv4Text(m, rdata) };
  }
  if (type === TYPE_AAAA) {
    if (rdlen !== 16) fail(rdata, `an AAAA record with ${rdlen} octets of RDATA`);
    return { name, type: 'AAAA', ttl, value: ipv6Text(m, rdata) };
  }
  if (type === TYPE_CNAME) {
    const [target, end] = readName(m, rdata);
    if (end !== rdata + rdlen) fail(rdata, 'a CNAME target does not fill its RDATA');
    return { name, type: 'CNAME', ttl, value: target };
  }
  return undefined;
}

/** Adds, for every alias, the addresses at the end of its CNAME chain (TTL: the chain's least). */
export function followCnames(answers: DnsAnswer[]): DnsAnswer[] {
  const cnames = new Map<string, DnsAnswer>();
  for (const a of answers) if (a.type === 'CNAME') cnames.set(a.name, a);
  if (cnames.size === 0) return answers;
  const out = [...answers];
  for (const alias of cnames.keys()) {
    let ttl = Number.POSITIVE_INFINITY;
    let target = alias;
    for (let step = 0; step < MAX_CHAIN; step++) {
      const c = cnames.get(target);
      if (c === undefined) break;
      ttl = Math.min(ttl, c.ttl);
      target = c.value;
    }
    for (const a of answers) {
      if (a.type !== 'CNAME' && a.name === target) out.push({ name: alias, type: a.type, ttl: Math.min(ttl, a.ttl), value: a.value });
    }
  }
  return out;
}

/** The DNS message of a packet from port 53: a UDP payload, or a TCP segment holding one whole framed message. */
function dnsMessage(p: Packet): Uint8Array | undefined {
  const ip = p.ip;
  if (ip === undefined || ip.srcPort !== DNS_PORT || ip.payload === undefined) return undefined;
  if (ip.protocol === IPPROTO_UDP) return ip.payload;
  if (ip.protocol !== IPPROTO_TCP || ip.payload.length < 2) return undefined;
  const len = (ip.payload[0]! << 8) | ip.payload[1]!;
  return ip.payload.length >= 2 + len ? ip.payload.subarray(2, 2 + len) : undefined;
}

/**
 * The answers of a DNS response in a packet (UDP or TCP from port 53), CNAME chains followed.
 * A packet that is not a DNS response, or a malformed one, gives no answers.
 */
export function dnsAnswers(packet: Packet): DnsAnswer[] {
  const m = dnsMessage(packet);
  if (m === undefined) return [];
  try {
    return followCnames(parseDnsResponse(m));
  } catch (e) {
    if (e instanceof CaptureError) return [];
    throw e;
  }
}
