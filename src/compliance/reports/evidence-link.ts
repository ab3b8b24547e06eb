/**
 * Where a report links an evidence item to. Hrefs come from the assessment (management API paths,
 * MUD URLs a device announced), so only http(s) URLs and relative references become links; anything
 * else (javascript:, data:, file:…) is printed as text and never made clickable.
 */
const LINKABLE_SCHEMES = new Set(['http:', 'https:']);
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** The URL to link to, or undefined when the href must not be a link. */
export function evidenceUrl(href: string | undefined, baseUrl?: string): string | undefined {
  if (href === undefined || href.trim() === '' || hasControlCharacter(href)) return undefined;
  if (HAS_SCHEME.test(href)) return parseLinkable(href);
  // A protocol-relative reference ("//host/…") would leave the report's origin; treat it as foreign.
  if (href.startsWith('//')) return undefined;
  if (baseUrl === undefined) return href;
  const base = parseLinkable(baseUrl);
  if (base === undefined) throw new TypeError(`baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  return joinToBase(href, base);
}

/** C0 controls and DEL: the URL parser would strip some of them silently, so such an href is never linked. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function parseLinkable(value: string): string | undefined {
  try {
    const url = new URL(value);
    return LINKABLE_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Management API paths are written from the API root ("/api/v1/devices/…"), so a base with a path
 * prefix ("https://host/iotopia/") keeps its prefix: the href is appended to it, not resolved over it.
 */
function joinToBase(href: string, base: string): string | undefined {
  const url = new URL(base);
  const root = `${url.origin}${url.pathname.replace(/\/$/, '')}`;
  return parseLinkable(href.startsWith('/') ? `${root}${href}` : new URL(href, `${root}/`).href);
}
