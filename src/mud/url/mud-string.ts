/**
 * The MUDstring of RFC 8520 §10 and §12: `MUDstring = mudurl [ " " reserved ]`. The MUD URL is an
 * https URL (RFC 3986 characters only, so it never holds a space); whatever follows the first
 * space is reserved for future use and ignored on decode.
 */
import { MudUrlError, type MudUrlSource } from './errors.ts';

export interface DecodedMudString {
  /** The MUD URL, always https. */
  url: string;
  /** The octets after the first space, reserved by §10 and ignored; undefined when absent. */
  reserved: Uint8Array | undefined;
}

const SPACE = 0x20;

/**
 * Checks the rules every MUD URL obeys: printable ASCII without spaces (RFC 3986), parses as a
 * URL, the `https` scheme (RFC 8520 §10: "a URL using the https scheme"), a host. Returns the URL.
 */
export function checkMudUrl(url: string, source: MudUrlSource = 'url'): string {
  if (typeof url !== 'string') throw new TypeError('the MUD URL must be a string');
  if (url.length === 0) throw new MudUrlError('ERR_MUD_URL_INVALID', source, 'the MUD URL is empty');
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= SPACE || c >= 0x7f) {
      throw new MudUrlError('ERR_MUD_URL_INVALID', source, `character ${i} (0x${c.toString(16).padStart(2, '0')}) is not allowed in a URL`);
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new MudUrlError('ERR_MUD_URL_INVALID', source, `not a URL: ${JSON.stringify(url.slice(0, 80))}`, { cause });
  }
  if (parsed.protocol !== 'https:') {
    throw new MudUrlError('ERR_MUD_URL_SCHEME', source, `the MUD URL must use https, not ${JSON.stringify(parsed.protocol.slice(0, -1))}`);
  }
  if (parsed.hostname.length === 0) throw new MudUrlError('ERR_MUD_URL_INVALID', source, 'the MUD URL has no host');
  return url;
}

/** Decodes a MUDstring of at most `maxOctets` octets; the reserved part is returned, not checked. */
export function decodeMudString(bytes: Uint8Array, source: MudUrlSource, maxOctets: number): DecodedMudString {
  if (bytes.length === 0) throw new MudUrlError('ERR_MUD_URL_INVALID', source, 'the MUDstring is empty');
  if (bytes.length > maxOctets)
    throw new MudUrlError('ERR_MUD_URL_TOO_LONG', source, `the MUDstring has ${bytes.length} octets, more than ${maxOctets}`);
  const space = bytes.indexOf(SPACE);
  const urlBytes = space === -1 ? bytes : bytes.subarray(0, space);
  // Each byte becomes one character (latin1), so checkMudUrl sees and rejects every non-ASCII octet.
  const url = Buffer.from(urlBytes.buffer, urlBytes.byteOffset, urlBytes.length).toString('latin1');
  checkMudUrl(url, source);
  return { url, reserved: space === -1 ? undefined : bytes.slice(space + 1) };
}

/** Encodes a MUD URL as a MUDstring (no reserved part) after checking it and its length. */
export function encodeMudString(url: string, source: MudUrlSource, maxOctets: number): Uint8Array {
  checkMudUrl(url, source);
  if (url.length > maxOctets)
    throw new MudUrlError('ERR_MUD_URL_TOO_LONG', source, `the MUD URL has ${url.length} octets, more than ${maxOctets}`);
  return new Uint8Array(Buffer.from(url, 'ascii'));
}
