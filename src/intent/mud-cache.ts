/**
 * The cache entry of one MUD URL: the last good file and when to fetch again (RFC 8520 §3.6
 * `cache-validity`, ETag), plus the back-off state after failures.
 */
import type { MudFile } from '../mud/model/mud-file.ts';
import type { MudFetchError } from './fetch-errors.ts';

export interface MudCacheEntry {
  url: string;
  etag: string | undefined;
  fetchedAt: Date;
  /** Until when the file is used without asking the server again. */
  validUntil: Date;
  mud: MudFile;
  /** SHA-256 of the file's exact bytes, lowercase hex. */
  digest: string;
  /** The verified signer's subject, or undefined for a file accepted unsigned ('warn' policy). */
  signer: string | undefined;
  /** Failed refetches in a row since the last success. */
  failures: number;
  /** No refetch before this time (set after a failure). */
  nextAttempt: Date | undefined;
  /** The error of the last failed refetch, until a fetch succeeds. */
  lastError: MudFetchError | undefined;
}

export interface BackoffOptions {
  /** The wait after the first failure. Default 60 s. */
  baseMs?: number;
  /** The longest wait. Default 6 h. */
  maxMs?: number;
}

/** The time of the next attempt after `failures` failures in a row (exponential, capped). */
export function nextAttemptAfter(failures: number, now: Date, o: BackoffOptions = {}): Date {
  const base = o.baseMs ?? 60_000;
  const max = o.maxMs ?? 6 * 3_600_000;
  const wait = Math.min(max, base * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return new Date(now.getTime() + wait);
}

/** The end of a file's validity: `cache-validity` hours (1–168, default 48) after `now`. */
export function validUntil(mud: MudFile, now: Date): Date {
  return new Date(now.getTime() + mud.mud.cacheValidity * 3_600_000);
}
