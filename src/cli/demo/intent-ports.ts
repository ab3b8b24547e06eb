/**
 * The host ports of the demo's MUD manager when it does not program nftables: a firewall that
 * keeps the scripts it is given instead of applying them (the verdict engine judges the simulated
 * flows against the same policies), a resolver for the demo's own cloud names (documentation
 * addresses, RFC 5737), and a MUD fetcher that reads the files this server's mud role publishes
 * and verifies each one's signature against the demo's signer CA, as a fetch over https would.
 */
import { createHash } from 'node:crypto';
import type { Enforcer, NameResolver } from '../../intent/enforcement-ports.ts';
import { IntentError } from '../../intent/errors.ts';
import { MudFetchError } from '../../intent/fetch-errors.ts';
import { validUntil } from '../../intent/mud-cache.ts';
import type { FetchMudOptions, MudFetchResult } from '../../intent/mud-fetch.ts';
import { verifyMudSignature } from '../../mud/signature/cms-verify.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import type { MudFileRecord } from '../../store/mud-file-repository.ts';

/** A firewall that records: what would be applied, counted, and nothing changed on this host. */
export function simulatedEnforcer(): Enforcer & { applied(): number } {
  let applied = 0;
  return {
    async apply() {
      applied++;
    },
    async removeDevice() {},
    applied: () => applied,
  };
}

/** Resolves the names of `answers` (name → addresses); any other name has no answer. */
export function demoResolver(answers: ReadonlyMap<string, string[]>): NameResolver {
  return {
    async resolve(name) {
      const addresses = answers.get(name.toLowerCase().replace(/\.$/, ''));
      if (addresses === undefined) throw new IntentError('ERR_INTENT_DNS', name, `${name}: no A or AAAA answer in the demo`);
      return { addresses, ttl: 3600 };
    },
  };
}

/** The published file a MUD URL names (its last path segment), or undefined. */
export type PublishedLookup = (name: string) => Promise<MudFileRecord | undefined>;

const lastSegment = (url: string): string => decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');

/**
 * A MUD fetcher over this server's published files: the cache is honoured as fetchMud honours it,
 * the file must validate strictly and name the URL it was found by, and its signature must verify
 * against the signer trust anchors of the options; otherwise a MudFetchError as fetchMud throws.
 */
export function publishedMudFetcher(lookup: PublishedLookup) {
  return async (url: string, o: FetchMudOptions): Promise<MudFetchResult> => {
    const now = o.now ?? new Date();
    const c = o.cache?.url === url ? o.cache : undefined;
    if (c !== undefined && o.force !== true && now < c.validUntil)
      return { entry: c, mud: c.mud, signed: true, source: 'cache', stale: false, error: undefined, warnings: [] };
    const file = await lookup(lastSegment(url));
    if (file === undefined || file.mudUrl !== url)
      throw new MudFetchError('ERR_INTENT_FETCH_STATUS', url, 'the server answered HTTP 404 (not published here)');
    const parsed = parseMud(file.content);
    if (parsed.mud === undefined) throw new MudFetchError('ERR_INTENT_FETCH_INVALID', url, 'the MUD file does not validate');
    let signer: string;
    try {
      signer = verifyMudSignature(file.content, file.signature, { trustAnchors: o.signerTrustAnchors ?? [], time: now }).signer;
    } catch (e) {
      throw new MudFetchError('ERR_INTENT_FETCH_SIGNATURE', url, `the signature does not verify: ${(e as Error).message}`, { cause: e });
    }
    const entry = {
      url,
      etag: undefined,
      fetchedAt: now,
      validUntil: validUntil(parsed.mud, now),
      mud: parsed.mud,
      digest: createHash('sha256').update(file.content).digest('hex'),
      signer,
      failures: 0,
      nextAttempt: undefined,
      lastError: undefined,
    };
    return { entry, mud: parsed.mud, signed: true, source: 'network', stale: false, error: undefined, warnings: [] };
  };
}
