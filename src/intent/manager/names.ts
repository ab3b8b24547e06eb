/**
 * The DNS names of a MUD file (ietf-acldns `src-dnsname` / `dst-dnsname`, RFC 8520 §10) and their
 * answers, kept until their TTL passes; re-resolution reports whether any address changed.
 */
import type { MudFile } from '../../mud/model/mud-file.ts';
import type { IntentResolvedName } from '../../store/intent-device-repository.ts';
import type { NameResolver } from '../enforcement-ports.ts';

/** TTLs are clamped as the name cache does (docs/intent.md, "DNS names"): fewer queries for tiny TTLs, every name checked daily. */
export const MIN_NAME_TTL_SECONDS = 30;
export const MAX_NAME_TTL_SECONDS = 86_400;

const key = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Every DNS name the file's ACLs use, normalised, in first-seen order. */
export function mudNames(file: MudFile): string[] {
  const out = new Set<string>();
  for (const acl of file.acls)
    for (const ace of acl.aces) {
      const ip = ace.matches.ipv4 ?? ace.matches.ipv6;
      for (const n of [ip?.srcDnsName, ip?.dstDnsName]) if (n !== undefined) out.add(key(n));
    }
  return [...out];
}

export interface ResolvedNames {
  names: IntentResolvedName[];
  /** True when a name is new, gone, or its addresses differ from before. */
  changed: boolean;
}

const sameAddresses = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Resolves the names whose answers expired (all with `force`); unexpired answers are kept. A
 * resolver failure throws (IntentError ERR_INTENT_DNS), so the caller keeps the last enforcement.
 */
export async function resolveNames(
  wanted: string[],
  previous: IntentResolvedName[],
  resolver: NameResolver,
  now: Date,
  force = false,
): Promise<ResolvedNames> {
  const names: IntentResolvedName[] = [];
  let changed = previous.length !== wanted.length;
  for (const name of wanted) {
    const prev = previous.find((p) => p.name === name);
    if (prev !== undefined && !force && prev.expiresAt > now) {
      names.push(prev);
      continue;
    }
    const answer = await resolver.resolve(name);
    const addresses = [...new Set(answer.addresses)].sort();
    const ttl = Math.min(MAX_NAME_TTL_SECONDS, Math.max(MIN_NAME_TTL_SECONDS, Number.isFinite(answer.ttl) ? answer.ttl : 0));
    names.push({ name, addresses, expiresAt: new Date(now.getTime() + ttl * 1000) });
    if (prev === undefined || !sameAddresses(prev.addresses, addresses)) changed = true;
  }
  return { names, changed };
}

/** The names as the resolver's context wants them. */
export const nameMap = (names: IntentResolvedName[]): Map<string, string[]> => new Map(names.map((n) => [n.name, n.addresses]));
