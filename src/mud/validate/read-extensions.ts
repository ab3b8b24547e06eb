/**
 * Readers of the extension members: RFC 9472 transparency, RFC 9761 TLS/DTLS profiles,
 * the ownership-and-licensing draft (`ol`) and the quarantine policy. Members of these containers
 * that IoTopia does not model are kept and reported as warnings, never silently dropped.
 */
import type { OwnershipLicensing, QuarantinePolicy, TlsDtlsProfile, Transparency } from '../model/extensions.ts';
import type { ReadContext } from './context.ts';
import { checkChoice, choice, readObject } from './members.ts';
import { child, type Path } from './path.ts';
import { type JsonObject, readBinary, readEnum, readIdentity, readList, readString, readUint8, readUint16, readUri } from './yang-types.ts';

/** RFC 9472 (ietf-mud-transparency): identities derived from `local-type`. */
export const SBOM_LOCAL_TYPES = ['http', 'https', 'coap', 'coaps'] as const;
/** RFC 9472 (ietf-mud-transparency): the pattern of `sbom-url`, and of the two contact URIs. */
const SBOM_URL_SCHEMES = /^(coaps?|https?):/;
const CONTACT_URI_SCHEMES = /^(mailto|https?|tel):/;
/** RFC 9761 (iana-tls-profile): the tls-version and dtls-version enumerations. */
export const TLS_VERSIONS = ['tls12', 'tls13'] as const;
export const DTLS_VERSIONS = ['dtls12', 'dtls13'] as const;

function readUriWithScheme(ctx: ReadContext, v: unknown, path: Path, scheme: RegExp, what: string): string | undefined {
  const u = readUri(ctx.issues, v, path);
  if (u === undefined) return undefined;
  if (!scheme.test(u)) {
    ctx.issues.error('ERR_MUD_FORMAT', path, `${JSON.stringify(u.slice(0, 60))} is not ${what}`);
    return undefined;
  }
  return u;
}

function notModelled(ctx: ReadContext, o: JsonObject, path: Path, known: readonly string[], into?: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(o)) {
    if (known.includes(k)) continue;
    ctx.issues.warn('WARN_MUD_NOT_MODELLED', child(path, k), `${JSON.stringify(k)} is kept as it is but not checked`);
    if (into !== undefined) into[k] = v;
  }
}

const SBOM_RETRIEVAL = choice('sbom-retrieval-method', [['sboms'], ['sbom-local-well-known'], ['sbom-contact-uri']]);
const VULN_RETRIEVAL = choice('vuln-retrieval-method', [['vuln-url'], ['vuln-contact-uri']]);
const LICENSE_TYPE = choice('license-type', [['spdx-tags'], ['license-url']]);

/** RFC 9472 (ietf-mud-transparency): the transparency container. */
export function readTransparency(ctx: ReadContext, v: unknown, path: Path): Transparency | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const known = ['sboms', 'sbom-local-well-known', 'sbom-contact-uri', 'sbom-archive-list', 'vuln-url', 'vuln-contact-uri'];
  notModelled(ctx, o, path, known);
  checkChoice(issues, o, path, SBOM_RETRIEVAL);
  checkChoice(issues, o, path, VULN_RETRIEVAL);
  const out: Transparency = {};
  if (o.sboms !== undefined) {
    const sboms = readList(issues, o.sboms, child(path, 'sboms'), limits.maxListItems, (x, p) => {
      const e = readObject(issues, x, p);
      if (e === undefined) return undefined;
      notModelled(ctx, e, p, ['version-info', 'sbom-url']);
      if (e['version-info'] === undefined)
        issues.error('ERR_MUD_MISSING', child(p, 'version-info'), 'version-info is the key of the sboms list');
      const versionInfo = e['version-info'] === undefined ? undefined : readString(issues, e['version-info'], child(p, 'version-info'));
      const sbomUrl =
        e['sbom-url'] === undefined
          ? undefined
          : readUriWithScheme(ctx, e['sbom-url'], child(p, 'sbom-url'), SBOM_URL_SCHEMES, 'a coap, coaps, http or https URL');
      if (versionInfo === undefined) return undefined;
      return sbomUrl === undefined ? { versionInfo } : { versionInfo, sbomUrl };
    });
    if (sboms !== undefined) out.sboms = sboms;
  }
  if (o['sbom-local-well-known'] !== undefined) {
    const s = readIdentity(
      issues,
      o['sbom-local-well-known'],
      child(path, 'sbom-local-well-known'),
      'ietf-mud-transparency',
      SBOM_LOCAL_TYPES,
    );
    if (s !== undefined) out.sbomLocalWellKnown = s;
  }
  for (const [member, key] of [
    ['sbom-contact-uri', 'sbomContactUri'],
    ['vuln-contact-uri', 'vulnContactUri'],
  ] as const) {
    if (o[member] === undefined) continue;
    const u = readUriWithScheme(ctx, o[member], child(path, member), CONTACT_URI_SCHEMES, 'a mailto, tel, http or https URI');
    if (u !== undefined) out[key] = u;
  }
  if (o['sbom-archive-list'] !== undefined) {
    const u = readUri(issues, o['sbom-archive-list'], child(path, 'sbom-archive-list'));
    if (u !== undefined) out.sbomArchiveList = u;
  }
  if (o['vuln-url'] !== undefined) {
    const urls = readList(issues, o['vuln-url'], child(path, 'vuln-url'), limits.maxListItems, (x, p) => readUri(issues, x, p));
    if (urls !== undefined) out.vulnUrl = urls;
  }
  return out;
}

/** RFC 9761 (ietf-acl-tls): `client-profiles` with its list `tls-dtls-profile`. */
export function readTlsClientProfiles(ctx: ReadContext, v: unknown, path: Path): TlsDtlsProfile[] | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  notModelled(ctx, o, path, ['tls-dtls-profile']);
  if (o['tls-dtls-profile'] === undefined) return [];
  const names = new Set<string>();
  return readList(issues, o['tls-dtls-profile'], child(path, 'tls-dtls-profile'), limits.maxListItems, (x, p) => {
    const e = readObject(issues, x, p);
    if (e === undefined) return undefined;
    const list = <T>(member: string, item: (n: unknown, q: Path) => T | undefined): T[] =>
      e[member] === undefined ? [] : (readList(issues, e[member], child(p, member), limits.maxListItems, item) ?? []);
    const numbers = (member: string): number[] => list(member, (n, q) => readUint16(issues, n, q));
    const strings = (member: string): string[] => list(member, (n, q) => readString(issues, n, q));
    const known = [
      'name',
      'supported-tls-version',
      'supported-dtls-version',
      'cipher-suite',
      'extension-type',
      'supported-group',
      'signature-algorithm',
      'signature-algorithm-cert',
      'application-protocol',
      'psk-key-exchange-mode',
      'cert-compression-algorithm',
      'certificate-authorities',
      'accept-list-ta-cert',
    ];
    const other: Record<string, unknown> = {};
    notModelled(ctx, e, p, known, other);
    if (e.name === undefined) {
      issues.error('ERR_MUD_MISSING', child(p, 'name'), 'name is the key of tls-dtls-profile');
      return undefined;
    }
    const name = readString(issues, e.name, child(p, 'name'), 1, 64);
    if (name === undefined) return undefined;
    if (names.has(name))
      issues.error('ERR_MUD_DUPLICATE_NAME', child(p, 'name'), `a second tls-dtls-profile named ${JSON.stringify(name)}`);
    names.add(name);
    return {
      name,
      supportedTlsVersions: list('supported-tls-version', (n, q) => readEnum(issues, n, q, TLS_VERSIONS)),
      supportedDtlsVersions: list('supported-dtls-version', (n, q) => readEnum(issues, n, q, DTLS_VERSIONS)),
      cipherSuites: numbers('cipher-suite'),
      extensionTypes: numbers('extension-type'),
      supportedGroups: numbers('supported-group'),
      signatureAlgorithms: numbers('signature-algorithm'),
      signatureAlgorithmsCert: numbers('signature-algorithm-cert'),
      applicationProtocols: strings('application-protocol'),
      pskKeyExchangeModes: list('psk-key-exchange-mode', (n, q) => readUint8(issues, n, q)),
      certCompressionAlgorithms: numbers('cert-compression-algorithm'),
      certificateAuthorities: strings('certificate-authorities'),
      acceptListTaCerts: list('accept-list-ta-cert', (n, q) => readBinary(issues, n, q)),
      other,
    };
  });
}

/** draft-ietf-opsawg-mud-ownership: the `ol` container (owners, licences with SPDX tags or a URL). */
export function readOl(ctx: ReadContext, v: unknown, path: Path): OwnershipLicensing | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  const out: OwnershipLicensing = { owners: [], licenses: [], other: {} };
  notModelled(ctx, o, path, ['owners', 'license'], out.other);
  if (o.owners !== undefined)
    out.owners = readList(issues, o.owners, child(path, 'owners'), limits.maxListItems, (x, p) => readString(issues, x, p, 1)) ?? [];
  if (o.license !== undefined)
    out.licenses =
      readList(issues, o.license, child(path, 'license'), limits.maxListItems, (x, p) => {
        const e = readObject(issues, x, p);
        if (e === undefined) return undefined;
        notModelled(ctx, e, p, ['owner-name', 'spdx-tags', 'license-url']);
        checkChoice(issues, e, p, LICENSE_TYPE);
        const lic: OwnershipLicensing['licenses'][number] = { spdxTags: [] };
        if (e['owner-name'] !== undefined) {
          const n = readString(issues, e['owner-name'], child(p, 'owner-name'), 1);
          if (n !== undefined) lic.ownerName = n;
        }
        if (e['spdx-tags'] !== undefined)
          lic.spdxTags =
            readList(issues, e['spdx-tags'], child(p, 'spdx-tags'), limits.maxListItems, (t, q) => readString(issues, t, q, 1)) ?? [];
        if (e['license-url'] !== undefined) {
          const u = readUri(issues, e['license-url'], child(p, 'license-url'));
          if (u !== undefined) lic.licenseUrl = u;
        }
        return lic;
      }) ?? [];
  return out;
}

/** The quarantine policy: `access-lists` like the device policies, or NIST's `enabled-ace-names`. */
export function readQuarantine(
  ctx: ReadContext,
  member: string,
  v: unknown,
  path: Path,
  readAclNames: (v: unknown, p: Path) => string[] | undefined,
): QuarantinePolicy | undefined {
  const { issues, limits } = ctx;
  const o = readObject(issues, v, path);
  if (o === undefined) return undefined;
  notModelled(ctx, o, path, ['access-lists', 'enabled-ace-names']);
  const out: QuarantinePolicy = { member, aclNames: [], enabledAceNames: [] };
  if (o['access-lists'] !== undefined) out.aclNames = readAclNames(o['access-lists'], child(path, 'access-lists')) ?? [];
  if (o['enabled-ace-names'] !== undefined)
    out.enabledAceNames =
      readList(issues, o['enabled-ace-names'], child(path, 'enabled-ace-names'), limits.maxListItems, (x, p) => {
        const e = readObject(issues, x, p);
        if (e === undefined) return undefined;
        notModelled(ctx, e, p, ['ace-name']);
        if (e['ace-name'] === undefined) {
          issues.error('ERR_MUD_MISSING', child(p, 'ace-name'), 'ace-name is required');
          return undefined;
        }
        return readString(issues, e['ace-name'], child(p, 'ace-name'), 1, 64);
      }) ?? [];
  return out;
}
