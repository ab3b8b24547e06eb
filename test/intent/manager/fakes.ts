/** Test doubles of the manager's ports: a recording Enforcer, a map NameResolver, a MUD fetcher over files in memory. */
import { createHash } from 'node:crypto';
import type { Enforcer, NameAnswer, NameResolver } from '../../../src/intent/enforcement-ports.ts';
import { IntentError } from '../../../src/intent/errors.ts';
import { MudFetchError } from '../../../src/intent/fetch-errors.ts';
import { requireHttps } from '../../../src/intent/https-get.ts';
import type { FetchMudOptions, MudFetchResult } from '../../../src/intent/mud-fetch.ts';
import type { MudFile } from '../../../src/mud/model/mud-file.ts';
import { mudToJson } from '../../../src/mud/model/to-json.ts';

export function recordingEnforcer() {
  const scripts: string[] = [];
  const removed: string[] = [];
  const drops = new Map<string, { from: number; to: number }>();
  let failNext: IntentError | undefined;
  const enforcer: Enforcer = {
    async apply(script) {
      if (failNext !== undefined) {
        const e = failNext;
        failNext = undefined;
        throw e;
      }
      scripts.push(script);
    },
    async removeDevice(mac) {
      removed.push(mac);
    },
    async dropCounters() {
      return new Map(drops);
    },
  };
  return {
    enforcer,
    scripts,
    removed,
    drops,
    last: () => scripts[scripts.length - 1] ?? '',
    failOnce: (message = 'nft: syntax error') => {
      failNext = new IntentError('ERR_INTENT_APPLY', 'nft', message);
    },
  };
}

export function mapResolver(answers: Record<string, NameAnswer>) {
  const asked: string[] = [];
  const resolver: NameResolver = {
    async resolve(name) {
      asked.push(name);
      const a = answers[name];
      if (a === undefined) throw new IntentError('ERR_INTENT_DNS', name, `${name}: no A or AAAA answer`);
      return a;
    },
  };
  return { resolver, asked, answers };
}

/** Serves MudFiles by URL as fetchMud would: https only, cache validity honoured, last good file kept on failure. */
export function memoryFetcher() {
  const files = new Map<string, MudFile | MudFetchError>();
  const calls: { url: string; force: boolean; cached: boolean }[] = [];
  const fetcher = async (url: string, o: FetchMudOptions): Promise<MudFetchResult> => {
    requireHttps(url);
    const now = o.now ?? new Date();
    const c = o.cache;
    calls.push({ url, force: o.force === true, cached: c !== undefined });
    const base = { signed: true, warnings: [] as string[] };
    if (c !== undefined && o.force !== true && c.nextAttempt !== undefined && now < c.nextAttempt)
      return { ...base, entry: c, mud: c.mud, source: 'cache', stale: true, error: c.lastError };
    if (c !== undefined && o.force !== true && c.nextAttempt === undefined && now < c.validUntil)
      return { ...base, entry: c, mud: c.mud, source: 'cache', stale: false, error: undefined };
    const f = files.get(url) ?? new MudFetchError('ERR_INTENT_FETCH_NETWORK', url, 'connection refused');
    if (f instanceof MudFetchError) {
      if (c === undefined) throw f;
      const entry = { ...c, failures: c.failures + 1, nextAttempt: new Date(now.getTime() + 60_000), lastError: f };
      return { ...base, entry, mud: c.mud, source: 'cache', stale: true, error: f };
    }
    const digest = createHash('sha256')
      .update(JSON.stringify(mudToJson(f)))
      .digest('hex');
    const entry = {
      url,
      etag: `"${digest.slice(0, 8)}"`,
      fetchedAt: now,
      validUntil: new Date(now.getTime() + f.mud.cacheValidity * 3_600_000),
      mud: f,
      digest,
      signer: 'CN=IoTopia test MUD signer',
      failures: 0,
      nextAttempt: undefined,
      lastError: undefined,
    };
    return { ...base, entry, mud: f, source: 'network', stale: false, error: undefined };
  };
  return { fetcher, files, calls };
}
