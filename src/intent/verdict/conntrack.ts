/**
 * Connection tracking as the Linux conntrack the nftables rules rely on, with its default
 * timeouts (nf_conntrack sysctls) and nf_conntrack_tcp_loose=1: a table keyed by the tuple of each
 * direction. A packet of a tracked connection is `established` when it travels in the reply
 * direction or a reply has been seen, otherwise still `new` (conntrack's IP_CT_NEW); the first
 * packet of an untracked connection is `new` when conntrack may start a connection with it and
 * `invalid` otherwise. Entries are made only for accepted packets (conntrack confirms on accept).
 */
import type { Flow } from './flow.ts';
import { CT_ESTABLISHED, CT_INVALID, CT_NEW } from './rule.ts';

const S = 1_000_000;
/** Default timeouts, in microseconds (nf_conntrack_*_timeout_* sysctls). */
export const CT_TIMEOUTS = {
  tcpSynSent: 120 * S,
  tcpSynRecv: 60 * S,
  tcpEstablished: 432_000 * S,
  tcpUnacknowledged: 300 * S,
  tcpClosing: 120 * S,
  tcpClose: 10 * S,
  udp: 30 * S,
  udpStream: 120 * S,
  icmp: 30 * S,
  generic: 600 * S,
} as const;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const URG = 0x20;

/** TCP states this model tells apart. */
const TCP_SYN_SENT = 1;
const TCP_SYN_RECV = 2;
const TCP_ESTABLISHED = 3;
const TCP_CLOSING = 4;
const TCP_CLOSE = 5;

/** ICMP queries that start a connection, and their replies (RFC 792; RFC 4443 §4, RFC 4620 for node information). */
const ICMP_QUERY_REPLY = new Map([
  [8, 0],
  [13, 14],
  [15, 16],
  [17, 18],
]);
const ICMPV6_QUERY_REPLY = new Map([
  [128, 129],
  [139, 140],
]);

export interface CtEntry {
  origKey: string;
  replyKey: string;
  protocol: number;
  tcpState: number;
  seenReply: boolean;
  expiresUs: number;
}

/**
 * The flag combinations conntrack's TCP tracker accepts (PSH, ECE and CWR ignored); any other is
 * an invalid packet: SYN, SYN+ACK, RST, RST+ACK, FIN+ACK, ACK, each optionally with URG.
 */
export function tcpFlagsValid(flags: number): boolean {
  const f = flags & (FIN | SYN | RST | ACK) & ~URG;
  return f === SYN || f === (SYN | ACK) || f === RST || f === (RST | ACK) || f === (FIN | ACK) || f === ACK;
}

function ports(f: Flow, reply: boolean): string {
  if (f.protocol === 6 || f.protocol === 17 || f.protocol === 132 || f.protocol === 136)
    return reply ? `${f.dstPort}|${f.srcPort}` : `${f.srcPort}|${f.dstPort}`;
  return '';
}

function addr(f: Flow, which: Uint32Array): string {
  return f.family === 4 ? String(which[0]) : `${which[0]},${which[1]},${which[2]},${which[3]}`;
}

/** The tuple key of `f` as sent, or (reply) of the packet that would answer it. */
export function tupleKey(f: Flow, reply: boolean): string {
  const [a, b] = reply ? [f.dst, f.src] : [f.src, f.dst];
  let extra = ports(f, reply);
  if (f.protocol === 1 || f.protocol === 58) {
    const answers = (f.protocol === 1 ? ICMP_QUERY_REPLY : ICMPV6_QUERY_REPLY).get(f.icmpType);
    // Conntrack's ICMP tuple: type (the answer's type for the reply tuple), code and identifier.
    extra = `${reply ? answers : f.icmpType}|${f.icmpCode}|${f.icmpId}`;
  }
  return `${f.family}|${f.protocol}|${addr(f, a)}|${addr(f, b)}|${extra}`;
}

function timeoutOf(e: CtEntry): number {
  if (e.protocol === 6) {
    if (e.tcpState === TCP_SYN_SENT) return CT_TIMEOUTS.tcpSynSent;
    if (e.tcpState === TCP_SYN_RECV) return CT_TIMEOUTS.tcpSynRecv;
    if (e.tcpState === TCP_CLOSING) return CT_TIMEOUTS.tcpClosing;
    if (e.tcpState === TCP_CLOSE) return CT_TIMEOUTS.tcpClose;
    return e.seenReply ? CT_TIMEOUTS.tcpEstablished : CT_TIMEOUTS.tcpUnacknowledged;
  }
  if (e.protocol === 17) return e.seenReply ? CT_TIMEOUTS.udpStream : CT_TIMEOUTS.udp;
  if (e.protocol === 1 || e.protocol === 58) return CT_TIMEOUTS.icmp;
  return CT_TIMEOUTS.generic;
}

/** Whether conntrack may start a connection with this packet, and the TCP state it starts in (0 none). */
function newState(f: Flow): number {
  if (f.protocol === 6) {
    if (!tcpFlagsValid(f.tcpFlags) || f.srcPort < 0) return -1;
    const fl = f.tcpFlags & (FIN | SYN | RST | ACK);
    if (fl === SYN) return TCP_SYN_SENT;
    // nf_conntrack_tcp_loose=1: a lone ACK picks up a connection already under way.
    if (fl === ACK) return TCP_ESTABLISHED;
    return -1;
  }
  if (f.protocol === 1) return ICMP_QUERY_REPLY.has(f.icmpType) ? 0 : -1;
  if (f.protocol === 58) return ICMPV6_QUERY_REPLY.has(f.icmpType) ? 0 : -1;
  return 0;
}

function tcpStep(e: CtEntry, flags: number, reply: boolean): void {
  if (flags & RST) e.tcpState = TCP_CLOSE;
  else if (flags & FIN) e.tcpState = TCP_CLOSING;
  else if (reply && flags & SYN && e.tcpState === TCP_SYN_SENT) e.tcpState = TCP_SYN_RECV;
  else if (!reply && flags & ACK && e.tcpState === TCP_SYN_RECV) e.tcpState = TCP_ESTABLISHED;
}

export interface Conntrack {
  /** Looks `f` up: the state the ruleset would see (CT_NEW, CT_ESTABLISHED, CT_INVALID). */
  state(f: Flow): number;
  /** Records that `f`, judged with `state`, was accepted: confirms a new entry or updates the found one. */
  accepted(f: Flow): void;
  size(): number;
}

export interface ConntrackOptions {
  /** At most this many entries (nf_conntrack_max); expired ones are swept first, then new ones are not tracked. */
  maxEntries?: number;
}

export function createConntrack(opts: ConntrackOptions = {}): Conntrack {
  const table = new Map<string, CtEntry>();
  const max = opts.maxEntries ?? 262_144;
  let found: CtEntry | undefined;
  let foundReply = false;
  const sweep = (now: number): void => {
    for (const [k, e] of table) if (e.expiresUs < now) table.delete(k);
  };
  const drop = (e: CtEntry): void => {
    table.delete(e.origKey);
    table.delete(e.replyKey);
  };
  return {
    state(f: Flow): number {
      found = undefined;
      if (f.family === 0 || (f.protocol === 6 && !tcpFlagsValid(f.tcpFlags))) return CT_INVALID;
      const key = tupleKey(f, false);
      const e = table.get(key);
      if (e !== undefined && e.expiresUs < f.timeUs) drop(e);
      else if (e !== undefined) {
        foundReply = key === e.replyKey && key !== e.origKey;
        // A new SYN on a closed connection starts a new one, as conntrack does.
        const reopen = e.protocol === 6 && !foundReply && e.tcpState >= TCP_CLOSING && (f.tcpFlags & (SYN | ACK)) === SYN;
        if (reopen) drop(e);
        else {
          found = e;
          return foundReply || e.seenReply ? CT_ESTABLISHED : CT_NEW;
        }
      }
      return newState(f) < 0 ? CT_INVALID : CT_NEW;
    },
    accepted(f: Flow): void {
      if (found !== undefined) {
        const e = found;
        if (foundReply) e.seenReply = true;
        if (e.protocol === 6) tcpStep(e, f.tcpFlags, foundReply);
        e.expiresUs = f.timeUs + timeoutOf(e);
        return;
      }
      const s = newState(f);
      if (s < 0) return;
      if (table.size / 2 >= max) sweep(f.timeUs);
      if (table.size / 2 >= max) return;
      const e: CtEntry = {
        origKey: tupleKey(f, false),
        replyKey: tupleKey(f, true),
        protocol: f.protocol,
        tcpState: s,
        seenReply: false,
        expiresUs: 0,
      };
      e.expiresUs = f.timeUs + timeoutOf(e);
      table.set(e.origKey, e);
      table.set(e.replyKey, e);
    },
    size: () => table.size / 2,
  };
}
