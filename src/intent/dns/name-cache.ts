/**
 * The addresses of the DNS names in MUD files, with their expiry: answers from the resolver, and
 * answers learned from the device's own DNS traffic (what the device was told), each kept for its
 * TTL clamped to [minTtl, maxTtl]. `due(now)` lists the names to resolve again. A resolver answer
 * stands until the next one replaces it, so a failed re-resolution keeps the last good addresses.
 * Times are milliseconds (Date.now()), TTLs seconds.
 */
import { normaliseName } from './dns-resolver.ts';

export interface NameCacheOptions {
  /** Shortest TTL honoured, in seconds; default 30 (fewer queries for names with tiny TTLs). */
  minTtl?: number;
  /** Longest TTL honoured, in seconds; default 86400 (a name is checked at least daily). */
  maxTtl?: number;
  /** Most names kept; default 10000. A name beyond it is not learned. */
  maxNames?: number;
  /** Most learned addresses per name; default 64 (the oldest expiring first are dropped). */
  maxLearned?: number;
}

interface Entry {
  resolved?: { addresses: string[]; expiresAt: number };
  learned: Map<string, number>;
}

export interface NameCache {
  /** Names whose addresses are wanted; they are due until resolved. */
  watch(name: string): void;
  /** Stores a resolver answer; true when the name's addresses changed. */
  store(name: string, addresses: string[], ttl: number, now: number): boolean;
  /** Adds addresses seen in a DNS answer to the device; true when the name's addresses changed. */
  learn(name: string, addresses: string[], ttl: number, now: number): boolean;
  /** A failed re-resolution: keeps the addresses and tries again after minTtl. */
  failed(name: string, now: number): void;
  /** The name's current addresses (resolved, and learned ones not expired), sorted. */
  addresses(name: string, now: number): string[];
  /** The names to resolve again: never resolved, or whose answer has expired. */
  due(now: number): string[];
  /** The earliest time something is due or a learned address expires; undefined when nothing is kept. */
  nextDue(): number | undefined;
}

export function createNameCache(o: NameCacheOptions = {}): NameCache {
  const minTtl = o.minTtl ?? 30;
  const maxTtl = o.maxTtl ?? 86_400;
  const maxNames = o.maxNames ?? 10_000;
  const maxLearned = o.maxLearned ?? 64;
  const entries = new Map<string, Entry>();
  const clamp = (ttl: number): number => Math.min(maxTtl, Math.max(minTtl, Number.isFinite(ttl) ? ttl : 0)) * 1000;

  const entry = (name: string): Entry | undefined => {
    const n = normaliseName(name);
    if (n === undefined) return undefined;
    let e = entries.get(n);
    if (e === undefined && entries.size < maxNames) {
      e = { learned: new Map() };
      entries.set(n, e);
    }
    return e;
  };
  const current = (e: Entry | undefined, now: number): string[] => {
    if (e === undefined) return [];
    const learned = [...e.learned].filter(([, t]) => t > now).map(([a]) => a);
    return [...new Set([...(e.resolved?.addresses ?? []), ...learned])].sort();
  };
  const changedBy = (e: Entry, now: number, update: () => void): boolean => {
    const before = current(e, now).join(' ');
    update();
    return current(e, now).join(' ') !== before;
  };

  return {
    watch(name) {
      entry(name);
    },
    store(name, addresses, ttl, now) {
      const e = entry(name);
      if (e === undefined) return false;
      return changedBy(e, now, () => {
        e.resolved = { addresses: [...new Set(addresses)], expiresAt: now + clamp(ttl) };
      });
    },
    learn(name, addresses, ttl, now) {
      const e = entry(name);
      if (e === undefined) return false;
      return changedBy(e, now, () => {
        for (const [a, t] of e.learned) if (t <= now) e.learned.delete(a);
        for (const a of addresses) {
          e.learned.delete(a);
          e.learned.set(a, now + clamp(ttl));
        }
        const over = [...e.learned].sort((x, y) => x[1] - y[1]).slice(0, Math.max(0, e.learned.size - maxLearned));
        for (const [a] of over) e.learned.delete(a);
      });
    },
    failed(name, now) {
      const e = entry(name);
      if (e !== undefined) e.resolved = { addresses: e.resolved?.addresses ?? [], expiresAt: now + minTtl * 1000 };
    },
    addresses(name, now) {
      const n = normaliseName(name);
      return n === undefined ? [] : current(entries.get(n), now);
    },
    due(now) {
      return [...entries].filter(([, e]) => e.resolved === undefined || e.resolved.expiresAt <= now).map(([n]) => n);
    },
    nextDue() {
      const times = [...entries.values()].flatMap((e) => [e.resolved?.expiresAt ?? Number.NEGATIVE_INFINITY, ...e.learned.values()]);
      return times.length === 0 ? undefined : Math.min(...times);
    },
  };
}
