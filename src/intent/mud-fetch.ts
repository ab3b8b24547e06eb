/**
 * Fetches a MUD file and verifies it (RFC 8520 §13–§14): https only, the file parsed by the MUD
 * reader (strict unless `lenient`), its `mud-url` equal to the URL fetched, its signature (from
 * `mud-signature` or the `.p7s` next to it) verified against the MUD signer trust anchors.
 * A cache entry passed in is honoured (cache-validity, ETag, back-off); when a refetch fails the
 * last good file is returned as stale, with the error, so the caller keeps enforcing it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CertificateInput } from '../crypto/x509-parse.ts';
import type { MudFile } from '../mud/model/mud-file.ts';
import { verifyMudSignature } from '../mud/signature/cms-verify.ts';
import { defaultSignatureUrl } from '../mud/signature/location.ts';
import { parseMud } from '../mud/validate/parse-mud.ts';
import { MudFetchError } from './fetch-errors.ts';
import { httpsGet, requireHttps } from './https-get.ts';
import { type BackoffOptions, type MudCacheEntry, nextAttemptAfter, validUntil } from './mud-cache.ts';

/** The largest MUD file fetched: 2 MiB. */
export const MAX_FETCHED_MUD_BYTES = 2 * 1024 * 1024;
/** The largest signature file fetched: 256 KiB. */
export const MAX_FETCHED_SIGNATURE_BYTES = 256 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

export interface FetchMudOptions {
  /** Trust anchors (PEM bundle) for the servers' TLS certificates. Default: the system's roots. */
  serverCa?: string | Uint8Array;
  /** Trust anchors for MUD signers. None: no signature verifies. */
  signerTrustAnchors?: readonly CertificateInput[];
  /** What to do with a file that has no signature: 'refuse' (default) or 'warn'. */
  unsigned?: 'refuse' | 'warn';
  /** Read the file with the lenient MUD reader (its warnings are returned). Default strict. */
  lenient?: boolean;
  /** The previous result's entry for this URL. */
  cache?: MudCacheEntry;
  /** Fetch even when the cached file is still valid or the back-off has not passed. */
  force?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  backoff?: BackoffOptions;
  now?: Date;
}

export interface MudFetchResult {
  entry: MudCacheEntry;
  mud: MudFile;
  /** True when the file's signature was verified. */
  signed: boolean;
  /** 'network': fetched now; 'not-modified': the server answered 304; 'cache': still valid, not asked. */
  source: 'network' | 'not-modified' | 'cache';
  /** The last good file, kept because the refetch failed or waits for its back-off. */
  stale: boolean;
  error: MudFetchError | undefined;
  warnings: string[];
}

let userAgent: string | undefined;
/** `IoTopia/<version>`, the User-Agent of every MUD fetch. */
export function mudUserAgent(): string {
  userAgent ??= `IoTopia/${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;
  return userAgent;
}

/** Fetches and verifies the MUD file at `url`, honouring the cache entry in `options.cache`. */
export async function fetchMud(url: string, options: FetchMudOptions = {}): Promise<MudFetchResult> {
  requireHttps(url);
  const now = options.now ?? new Date();
  const cache = options.cache?.url === url ? options.cache : undefined;
  if (cache !== undefined && options.force !== true) {
    if (cache.nextAttempt !== undefined && now < cache.nextAttempt) return { ...kept(cache), stale: true, error: cache.lastError };
    if (cache.nextAttempt === undefined && now < cache.validUntil) return kept(cache);
  }
  try {
    return await fetchFresh(url, cache, options, now);
  } catch (e) {
    if (cache === undefined || !(e instanceof MudFetchError)) throw e;
    const failures = cache.failures + 1;
    const entry = { ...cache, failures, nextAttempt: nextAttemptAfter(failures, now, options.backoff), lastError: e };
    return { ...kept(entry), stale: true, error: e };
  }
}

function kept(entry: MudCacheEntry): MudFetchResult {
  const warnings = entry.signer === undefined ? ['the MUD file is not signed'] : [];
  return { entry, mud: entry.mud, signed: entry.signer !== undefined, source: 'cache', stale: false, error: undefined, warnings };
}

async function fetchFresh(url: string, cache: MudCacheEntry | undefined, options: FetchMudOptions, now: Date): Promise<MudFetchResult> {
  const headers: Record<string, string> = { accept: 'application/mud+json', 'user-agent': mudUserAgent() };
  if (cache?.etag !== undefined) headers['if-none-match'] = cache.etag;
  const maxBytes = options.maxBytes ?? MAX_FETCHED_MUD_BYTES;
  const res = await httpsGet(url, { ca: options.serverCa, headers, timeoutMs: options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS, maxBytes });
  if (res.status === 304 && cache !== undefined) {
    const entry = {
      ...cache,
      fetchedAt: now,
      validUntil: validUntil(cache.mud, now),
      failures: 0,
      nextAttempt: undefined,
      lastError: undefined,
    };
    return { ...kept(entry), source: 'not-modified' };
  }
  if (res.status !== 200) throw new MudFetchError('ERR_INTENT_FETCH_STATUS', url, `the server answered HTTP ${res.status}`);
  const mud = readMud(url, res.body, options.lenient === true);
  const { signer, warnings } = await verifySignature(url, mud.file, res.body, options);
  const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
  const digest = createHash('sha256').update(res.body).digest('hex');
  const entry: MudCacheEntry = {
    url,
    etag,
    fetchedAt: now,
    validUntil: validUntil(mud.file, now),
    mud: mud.file,
    digest,
    signer,
    failures: 0,
    nextAttempt: undefined,
    lastError: undefined,
  };
  return {
    entry,
    mud: mud.file,
    signed: signer !== undefined,
    source: 'network',
    stale: false,
    error: undefined,
    warnings: [...mud.warnings, ...warnings],
  };
}

function readMud(url: string, body: Uint8Array, lenient: boolean): { file: MudFile; warnings: string[] } {
  const parsed = parseMud(body, { lenient });
  if (parsed.mud === undefined) {
    const first = parsed.errors[0];
    const reason = first === undefined ? 'not a MUD file' : `${first.code} at ${JSON.stringify(first.path)}`;
    throw new MudFetchError(
      'ERR_INTENT_FETCH_INVALID',
      url,
      `the MUD file does not validate (${parsed.errors.length} errors; first: ${reason})`,
    );
  }
  if (!sameUrl(parsed.mud.mud.mudUrl, url))
    throw new MudFetchError(
      'ERR_INTENT_FETCH_URL_MISMATCH',
      url,
      `the file's mud-url ${JSON.stringify(parsed.mud.mud.mudUrl)} is not the URL fetched`,
    );
  return { file: parsed.mud, warnings: parsed.warnings.map((w) => `${w.code} at ${JSON.stringify(w.path)}`) };
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

async function verifySignature(
  url: string,
  mud: MudFile,
  body: Uint8Array,
  options: FetchMudOptions,
): Promise<{ signer: string | undefined; warnings: string[] }> {
  const sigUrl = mud.mud.mudSignature ?? defaultSignatureUrl(url);
  requireHttps(sigUrl);
  const res = await httpsGet(sigUrl, {
    ca: options.serverCa,
    headers: { accept: 'application/pkcs7-signature', 'user-agent': mudUserAgent() },
    timeoutMs: options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
    maxBytes: MAX_FETCHED_SIGNATURE_BYTES,
  });
  if (res.status === 404 || res.status === 410) {
    if (options.unsigned !== 'warn')
      throw new MudFetchError('ERR_INTENT_FETCH_UNSIGNED', url, `no signature at ${JSON.stringify(sigUrl)} and unsigned files are refused`);
    return { signer: undefined, warnings: [`the MUD file is not signed (no signature at ${JSON.stringify(sigUrl)})`] };
  }
  if (res.status !== 200)
    throw new MudFetchError('ERR_INTENT_FETCH_STATUS', sigUrl, `the server answered HTTP ${res.status} for the signature`);
  try {
    const verified = verifyMudSignature(body, res.body, {
      trustAnchors: options.signerTrustAnchors ?? [],
      time: options.now ?? new Date(),
    });
    return { signer: verified.signer, warnings: verified.warnings };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new MudFetchError('ERR_INTENT_FETCH_SIGNATURE', url, `the signature does not verify: ${reason}`, { cause: e });
  }
}
