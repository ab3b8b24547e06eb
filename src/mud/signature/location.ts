/**
 * Where a MUD file's signature lives (RFC 8520 §13.2): the `mud-signature` member of the MUD
 * file when present, else the default location next to the MUD URL — the URL with its `.json`
 * suffix replaced by `.p7s` (a path without `.json` gets `.p7s` appended).
 */
import { checkMudUrl } from '../url/mud-string.ts';

/** The default signature URL for a MUD URL. Pure; the MUD URL must be https (a MudUrlError otherwise). */
export function defaultSignatureUrl(mudUrl: string): string {
  checkMudUrl(mudUrl);
  const url = new URL(mudUrl);
  url.pathname = url.pathname.endsWith('.json') ? `${url.pathname.slice(0, -'.json'.length)}.p7s` : `${url.pathname}.p7s`;
  return url.toString();
}

/**
 * The signature URL of a parsed MUD file (`{"ietf-mud:mud": {...}}`): its `mud-signature`, or the
 * default location from its `mud-url`. Undefined when the file names neither.
 */
export function signatureUrlOf(mudFile: unknown): string | undefined {
  const mud = (mudFile as Record<string, unknown> | null)?.['ietf-mud:mud'] as Record<string, unknown> | undefined;
  if (mud === null || typeof mud !== 'object') return undefined;
  const explicit = mud['mud-signature'];
  if (typeof explicit === 'string' && explicit.length > 0) return explicit;
  const mudUrl = mud['mud-url'];
  return typeof mudUrl === 'string' ? defaultSignatureUrl(mudUrl) : undefined;
}
