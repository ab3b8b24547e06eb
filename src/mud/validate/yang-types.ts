/**
 * Checks of the YANG built-in and common types a MUD file uses, in their RFC 7951 JSON encoding:
 * RFC 7950 §9 (integers, strings, boolean, empty, bits, binary), RFC 6991 (inet:uri, inet:host,
 * inet:ipv4-prefix, inet:ipv6-prefix, yang:date-and-time, yang:mac-address, inet:port-number,
 * inet:dscp, inet:ipv6-flow-label). Each returns the value when it conforms, otherwise records an
 * error and returns undefined.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isDomainName } from './domain-name.ts';
import { ERR_MUD_TOO_MANY, MudInputError } from './errors.ts';
import type { Issues } from './issues.ts';
import { child, type Path, pointer } from './path.ts';

export type JsonObject = { [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

export function readUint(issues: Issues, v: unknown, path: Path, min: number, max: number, what = 'an integer'): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    issues.error('ERR_MUD_TYPE', path, `expected ${what} (a JSON number), found ${typeof v === 'number' ? v : describe(v)}`);
    return undefined;
  }
  if (v < min || v > max) {
    issues.error('ERR_MUD_RANGE', path, `${v} is outside ${min}..${max}`);
    return undefined;
  }
  return v;
}

export const readUint8 = (issues: Issues, v: unknown, path: Path): number | undefined => readUint(issues, v, path, 0, 255);
export const readUint16 = (issues: Issues, v: unknown, path: Path): number | undefined => readUint(issues, v, path, 0, 65535);
export const readUint32 = (issues: Issues, v: unknown, path: Path): number | undefined => readUint(issues, v, path, 0, 0xffffffff);

export function readString(
  issues: Issues,
  v: unknown,
  path: Path,
  minLength = 0,
  maxLength = Number.POSITIVE_INFINITY,
): string | undefined {
  if (typeof v !== 'string') {
    issues.error('ERR_MUD_TYPE', path, `expected a string, found ${describe(v)}`);
    return undefined;
  }
  // YANG lengths count characters (RFC 7950 §9.4.4), not UTF-16 units. A string has between
  // v.length / 2 and v.length characters, so most strings need no counting.
  if (v.length <= maxLength && v.length >= 2 * minLength) return v;
  const length = [...v].length;
  if (length < minLength || length > maxLength) {
    issues.error(
      'ERR_MUD_LENGTH',
      path,
      `a string of length ${minLength}..${maxLength === Number.POSITIVE_INFINITY ? 'max' : maxLength} is required, found ${length}`,
    );
    return undefined;
  }
  return v;
}

export function readBoolean(issues: Issues, v: unknown, path: Path): boolean | undefined {
  if (typeof v !== 'boolean') {
    issues.error('ERR_MUD_TYPE', path, `expected true or false, found ${describe(v)}`);
    return undefined;
  }
  return v;
}

/** The `empty` type is `[null]` in JSON (RFC 7951 §6.9). */
export function readEmpty(issues: Issues, v: unknown, path: Path): true | undefined {
  if (!Array.isArray(v) || v.length !== 1 || v[0] !== null) {
    issues.error('ERR_MUD_TYPE', path, `a leaf of type empty is written [null], found ${JSON.stringify(v)?.slice(0, 40) ?? describe(v)}`);
    return undefined;
  }
  return true;
}

export function readEnum<T extends string>(issues: Issues, v: unknown, path: Path, values: readonly T[]): T | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!(values as readonly string[]).includes(s)) {
    issues.error('ERR_MUD_ENUM', path, `${JSON.stringify(s)} is not one of ${values.join(', ')}`);
    return undefined;
  }
  return s as T;
}

/**
 * An identityref (RFC 7951 §6.8): the identity name, qualified by its module name when that
 * module is not the leaf's own; both forms are read when the module is the leaf's.
 */
export function readIdentity<T extends string>(
  issues: Issues,
  v: unknown,
  path: Path,
  module: string,
  values: readonly T[],
): T | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  const qualified = s.charCodeAt(module.length) === 0x3a && s.startsWith(module);
  const name = qualified ? s.slice(module.length + 1) : s;
  if (!(values as readonly string[]).includes(name)) {
    issues.error('ERR_MUD_ENUM', path, `${JSON.stringify(s)} is not one of the identities ${values.join(', ')}`);
    return undefined;
  }
  return name as T;
}

/** Bits (RFC 7951 §6.5): a space-separated list of bit names. */
export function readBits(issues: Issues, v: unknown, path: Path, bits: readonly string[]): string[] | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  const names = s.split(' ').filter((b) => b !== '');
  const bad = names.filter((b) => !bits.includes(b));
  if (bad.length > 0) {
    issues.error('ERR_MUD_ENUM', path, `unknown bit(s) ${bad.join(', ')}; known: ${bits.join(', ')}`);
    return undefined;
  }
  return names;
}

/** Binary (RFC 7951 §6.6): base64 text. */
export function readBinary(issues: Issues, v: unknown, path: Path, minBytes = 0, maxBytes = Number.POSITIVE_INFINITY): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    issues.error('ERR_MUD_FORMAT', path, 'not base64 text');
    return undefined;
  }
  const bytes = (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
  if (bytes < minBytes || bytes > maxBytes) {
    issues.error('ERR_MUD_LENGTH', path, `binary of ${minBytes}..${maxBytes} bytes is required, found ${bytes}`);
    return undefined;
  }
  return s;
}

// RFC 3986 §3: scheme ":" then only URI characters (unreserved, reserved, percent-encoded).
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

export function isUri(s: string): boolean {
  return URI.test(s);
}

/** inet:uri (RFC 6991 §4). */
export function readUri(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!isUri(s)) {
    issues.error('ERR_MUD_FORMAT', path, `${JSON.stringify(s.slice(0, 80))} is not a URI (RFC 3986)`);
    return undefined;
  }
  return s;
}

/** An inet:uri that must use https: RFC 8520 MUD URLs, and the mud-signature location beside them. */
export function readHttpsUrl(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readUri(issues, v, path);
  if (s === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(s);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '') {
    issues.error('ERR_MUD_URL_NOT_HTTPS', path, `${JSON.stringify(s.slice(0, 80))} is not an https URL`);
    return undefined;
  }
  return s;
}

/** inet:host (RFC 6991 §4): an IP address or a domain name. */
export function readHost(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  // The domain name first: it is what MUD files mostly hold, and the union is the same in any order.
  if (!isDomainName(s) && !isIPv4(s) && !isIPv6(s.includes('%') ? s.replace(/%.*$/, '') : s)) {
    issues.error('ERR_MUD_FORMAT', path, `${JSON.stringify(s.slice(0, 80))} is neither an IP address nor a domain name`);
    return undefined;
  }
  return s;
}

const DATE_AND_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Whether `s` is a yang:date-and-time (RFC 6991 §3): RFC 3339 date and time with an offset. */
export function isDateAndTime(s: string): boolean {
  const m = DATE_AND_TIME.exec(s);
  return (
    m !== null &&
    Number(m[2]) >= 1 &&
    Number(m[2]) <= 12 &&
    Number(m[3]) >= 1 &&
    Number(m[3]) <= new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate() &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    Number(m[6]) <= 60 &&
    (m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59))
  );
}

/** yang:date-and-time (RFC 6991 §3): RFC 3339 date and time with an offset. */
export function readDateAndTime(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!isDateAndTime(s)) {
    issues.error('ERR_MUD_FORMAT', path, `${JSON.stringify(s.slice(0, 40))} is not a date-and-time (RFC 3339, with a time offset)`);
    return undefined;
  }
  return s;
}

export function isIpv4Prefix(s: string): boolean {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s);
  return m !== null && isIPv4(m[1] as string) && Number(m[2]) <= 32 && !/(^|\.)0\d/.test(m[1] as string);
}

export function isIpv6Prefix(s: string): boolean {
  const m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(s);
  return m !== null && isIPv6(m[1] as string) && Number(m[2]) <= 128;
}

/** The hint for an address or prefix of the other family, which no reading turns into this one. */
function otherFamily(s: string, isOther: (a: string) => boolean, family: string): string {
  return isOther(s.replace(/\/\d{1,3}$/, '')) ? `; it is an ${family} address, in a match of the other family` : '';
}

export function readIpv4Prefix(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!isIpv4Prefix(s)) {
    issues.error(
      'ERR_MUD_FORMAT',
      path,
      `${JSON.stringify(s.slice(0, 60))} is not an IPv4 prefix (address/0..32)${otherFamily(s, isIPv6, 'IPv6')}`,
    );
    return undefined;
  }
  return s;
}

export function readIpv6Prefix(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!isIpv6Prefix(s)) {
    issues.error(
      'ERR_MUD_FORMAT',
      path,
      `${JSON.stringify(s.slice(0, 60))} is not an IPv6 prefix (address/0..128)${otherFamily(s, isIPv4, 'IPv4')}`,
    );
    return undefined;
  }
  return s;
}

/** yang:mac-address (RFC 6991 §3). */
export function readMacAddress(issues: Issues, v: unknown, path: Path): string | undefined {
  const s = readString(issues, v, path);
  if (s === undefined) return undefined;
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) {
    issues.error('ERR_MUD_FORMAT', path, `${JSON.stringify(s.slice(0, 40))} is not a MAC address (six colon-separated hex octets)`);
    return undefined;
  }
  return s;
}

/** A list or leaf-list: a JSON array whose every item is read by `item`; too many items is a limit error. */
export function readList<T>(
  issues: Issues,
  v: unknown,
  path: Path,
  maxItems: number,
  item: (value: unknown, path: Path) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(v)) {
    issues.error('ERR_MUD_TYPE', path, `expected an array, found ${describe(v)}`);
    return undefined;
  }
  if (v.length > maxItems) throw new MudInputError(ERR_MUD_TOO_MANY, `${pointer(path)}: ${v.length} entries; at most ${maxItems} are read`);
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) {
    const r = item(v[i], child(path, i));
    if (r !== undefined) out.push(r);
  }
  return out;
}

export { describe as describeJson, isDomainName };
