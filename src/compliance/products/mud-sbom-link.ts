/**
 * The link between a product's MUD file and its SBOM (RFC 9472, ietf-mud-transparency): the
 * `sboms` list names an `sbom-url` per `version-info`; `sbom-local-well-known` says the device
 * serves it; `sbom-contact-uri` says whom to ask. When the product's MUD file is published by this
 * server and an sbom-url lies beside it (same origin and directory as the MUD URL, one path
 * segment), this server serves the SBOM there: the SBOM of the release named by version-info when
 * one was imported, else that of the product's current release.
 */
import { parseMud } from '../../mud/index.ts';
import type { SbomDocumentInfo } from '../../store/sbom-repository.ts';
import type { Store } from '../../store/store.ts';
import { currentRelease } from './releases.ts';

export interface SbomLink {
  versionInfo: string;
  sbomUrl?: string;
  /** The path segment under which this server serves it, when it does. */
  servedAs?: string;
}

export interface MudSbomLinks {
  /** The published MUD file with the product's MUD URL, when this server publishes it. */
  mudFile?: string;
  sboms: SbomLink[];
  sbomLocalWellKnown?: string;
  sbomContactUri?: string;
}

/** The names of the published MUD files by their MUD URL, from one pass over the listing (without bytes). */
async function publishedByUrl(store: Pick<Store, 'mudFiles'>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let after: string | undefined;
  do {
    const page = await store.mudFiles.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const f of page.items) if (!out.has(f.mudUrl)) out.set(f.mudUrl, f.name);
    after = page.next;
  } while (after !== undefined);
  return out;
}

/** The one path segment `url` adds to the directory of `mudUrl`, when it lies there. */
export function segmentBeside(mudUrl: string, url: string): string | undefined {
  let m: URL;
  let u: URL;
  try {
    m = new URL(mudUrl);
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.origin !== m.origin || u.search !== '' || u.hash !== '') return undefined;
  const dir = m.pathname.slice(0, m.pathname.lastIndexOf('/') + 1);
  if (!u.pathname.startsWith(dir)) return undefined;
  const rest = u.pathname.slice(dir.length);
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(rest) ? rest : undefined;
}

export async function mudSbomLinks(
  store: Pick<Store, 'mudFiles'>,
  mudUrl: string | undefined,
  byUrl?: Map<string, string>,
): Promise<MudSbomLinks> {
  if (mudUrl === undefined) return { sboms: [] };
  const name = (byUrl ?? (await publishedByUrl(store))).get(mudUrl);
  const file = name === undefined ? undefined : await store.mudFiles.get(name);
  if (file === undefined) return { sboms: [] };
  const t = parseMud(file.content).mud?.mud.transparency;
  const sboms = (t?.sboms ?? []).map((s): SbomLink => {
    const servedAs = s.sbomUrl === undefined ? undefined : segmentBeside(mudUrl, s.sbomUrl);
    return {
      versionInfo: s.versionInfo,
      ...(s.sbomUrl === undefined ? {} : { sbomUrl: s.sbomUrl }),
      ...(servedAs === undefined ? {} : { servedAs }),
    };
  });
  return {
    mudFile: file.name,
    sboms,
    ...(t?.sbomLocalWellKnown === undefined ? {} : { sbomLocalWellKnown: t.sbomLocalWellKnown }),
    ...(t?.sbomContactUri === undefined ? {} : { sbomContactUri: t.sbomContactUri }),
  };
}

/**
 * The SBOM this server serves under the path segment `name` beside a product's MUD file, if any.
 * Only products whose MUD file this server publishes have their file read and parsed.
 */
export async function sbomServedAs(store: Store, name: string): Promise<{ info: SbomDocumentInfo; bytes: Uint8Array } | undefined> {
  const byUrl = await publishedByUrl(store);
  if (byUrl.size === 0) return undefined;
  let after: string | undefined;
  do {
    const page = await store.products.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const p of page.items) {
      const mudUrl = p.document['mudUrl'];
      if (typeof mudUrl !== 'string' || !byUrl.has(mudUrl)) continue;
      const link = (await mudSbomLinks(store, mudUrl, byUrl)).sboms.find((s) => s.servedAs === name);
      if (link === undefined) continue;
      const named = await store.sboms.bytes(p.model, link.versionInfo);
      if (named !== undefined) return named;
      const current = await currentRelease(store, p.model);
      return current === undefined ? undefined : store.sboms.bytes(p.model, current.version);
    }
    after = page.next;
  } while (after !== undefined);
  return undefined;
}
