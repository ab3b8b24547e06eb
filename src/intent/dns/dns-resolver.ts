/**
 * The NameResolver (src/intent/enforcement-ports.ts) on node:dns: A and AAAA queries with their
 * TTLs, to the configured servers or the system's. A name is good when either family answers; when
 * neither does, ERR_INTENT_DNS says why (NXDOMAIN, timeout, SERVFAIL …).
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { NameAnswer, NameResolver } from '../enforcement-ports.ts';
import { IntentError } from '../errors.ts';

export interface DnsResolverOptions {
  /** `ADDR`, `ADDR:PORT` or `[ADDR6]:PORT`; the system's resolvers when absent. */
  servers?: string[];
  /** Per-try timeout in ms; default 2000. */
  timeoutMs?: number;
  /** Tries per server; default 2. */
  tries?: number;
}

/** RFC 1035 §2.3.4: a name has at most 255 octets on the wire (253 characters in text), labels 63. */
export const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const MAX_SERVERS = 8;

/** The name lower-cased without a final dot, or undefined when it is not a host name. */
export function normaliseName(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n.length === 0 || n.length > MAX_NAME_LENGTH) return undefined;
  const ok = n.split('.').every((l) => l.length > 0 && l.length <= MAX_LABEL_LENGTH && /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/.test(l));
  return ok ? n : undefined;
}

function checkServer(s: string): string {
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4 = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(s);
  const [addr, port] = v6 !== null ? [v6[1], v6[2]] : v4 !== null ? [v4[1], v4[2]] : [s, undefined];
  const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  if (addr === undefined || isIP(addr) === 0 || !portOk)
    throw new IntentError('ERR_INTENT_CONTEXT', 'dns-server', `dns-server: ${JSON.stringify(s)} is not ADDR or ADDR:PORT`);
  return s;
}

/** What a failed query means, in the words an operator knows. */
function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOTFOUND':
      return 'NXDOMAIN';
    case 'ENODATA':
      return 'no records';
    case 'ETIMEOUT':
      return 'timeout';
    case 'ESERVFAIL':
      return 'SERVFAIL';
    case 'EREFUSED':
      return 'REFUSED';
    case 'ECONNREFUSED':
      return 'connection refused';
    default:
      return code ?? 'failed';
  }
}

/** A NameResolver asking `servers` (or the system's resolvers). */
export function dnsResolver(o: DnsResolverOptions = {}): NameResolver {
  const resolver = new Resolver({ timeout: o.timeoutMs ?? 2000, tries: o.tries ?? 2 });
  if (o.servers !== undefined) {
    if (o.servers.length === 0 || o.servers.length > MAX_SERVERS)
      throw new IntentError('ERR_INTENT_CONTEXT', 'dns-server', `dns-server: 1 to ${MAX_SERVERS} servers, got ${o.servers.length}`);
    resolver.setServers(o.servers.map(checkServer));
  }
  return {
    async resolve(name) {
      const n = normaliseName(name);
      if (n === undefined) throw new IntentError('ERR_INTENT_DNS', 'dns', `${JSON.stringify(name.slice(0, 80))} is not a DNS name`);
      const [a, aaaa] = await Promise.allSettled([resolver.resolve4(n, { ttl: true }), resolver.resolve6(n, { ttl: true })]);
      const records = [...(a.status === 'fulfilled' ? a.value : []), ...(aaaa.status === 'fulfilled' ? aaaa.value : [])];
      if (records.length === 0) {
        const why = [a, aaaa].map((r) => (r.status === 'rejected' ? reason(r.reason) : 'no records'));
        const text = why[0] === why[1] ? why[0] : `A: ${why[0]}, AAAA: ${why[1]}`;
        throw new IntentError('ERR_INTENT_DNS', 'dns', `${n}: ${text}`);
      }
      const answer: NameAnswer = { addresses: [...new Set(records.map((r) => r.address))], ttl: Math.min(...records.map((r) => r.ttl)) };
      return answer;
    },
  };
}
