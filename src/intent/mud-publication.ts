/**
 * What the MUD role publishes (RFC 8520 §13): a MUD file only when it validates strictly and
 * carries a signature that verifies over its exact bytes. The file is stored as published,
 * byte for byte, with its signature, digests and cache lifetime, in the store's mud_files table
 * (ADR 0011).
 */
import { IotopiaError } from '../errors.ts';
import { verifyMudSignature } from '../mud/signature/cms-verify.ts';
import { MudSignatureError } from '../mud/signature/errors.ts';
import { parseMud } from '../mud/validate/parse-mud.ts';
import {
  isMudFileName,
  MAX_MUD_FILE_BYTES,
  MAX_MUD_SIGNATURE_BYTES,
  MUD_FILE_NAME,
  type MudFileInfo,
  type MudFileInput,
  type MudFileRecord,
} from '../store/mud-file-repository.ts';
import type { Store } from '../store/store.ts';

/** The largest MUD file the role publishes: what the store keeps. */
export const MAX_PUBLISHED_MUD_BYTES = MAX_MUD_FILE_BYTES;
/** The largest signature file it accepts. */
export const MAX_PUBLISHED_SIGNATURE_BYTES = MAX_MUD_SIGNATURE_BYTES;
/** File names served under /mud/: one path segment, not a signature name. */
export { MUD_FILE_NAME };

export type MudPublishErrorCode =
  | 'ERR_MUD_PUBLISH_NAME'
  | 'ERR_MUD_PUBLISH_TOO_LARGE'
  | 'ERR_MUD_PUBLISH_INVALID'
  | 'ERR_MUD_PUBLISH_UNSIGNED'
  | 'ERR_MUD_PUBLISH_SIGNATURE';

/** A MUD file the role refuses to publish; `details` lists validation errors or the failed check. */
export class MudPublishError extends IotopiaError {
  declare readonly code: MudPublishErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: MudPublishErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message);
    this.details = details;
  }
}

/** What the API shows of a published file: everything but the bytes, with the entity tags it is served with. */
export interface PublishedMudFileInfo {
  name: string;
  mudUrl: string;
  contentEtag: string;
  signatureEtag: string;
  /** cache-validity of the file, hours (RFC 8520 §2.1; 48 when absent). */
  cacheValidity: number;
  signer: string;
  publishedAt: string;
  updatedAt: string;
  bytes: number;
  signatureBytes: number;
}

/** A strong entity tag (RFC 9110 §8.8.3) from a stored SHA-256 digest (base64url): a quoted prefix. */
export const entityTag = (digest: string): string => `"${digest.slice(0, 32)}"`;

export function infoOf(f: MudFileInfo): PublishedMudFileInfo {
  return {
    name: f.name,
    mudUrl: f.mudUrl,
    contentEtag: entityTag(f.contentDigest),
    signatureEtag: entityTag(f.signatureDigest),
    cacheValidity: f.cacheValidity,
    signer: f.signer,
    publishedAt: f.publishedAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
    bytes: f.contentBytes,
    signatureBytes: f.signatureBytes,
  };
}

/**
 * Checks a MUD file and its signature for publication under `name` and returns the record to
 * store. Refuses (MudPublishError) a bad name, oversized input, a file that does not validate
 * strictly, a missing signature, or one that does not verify over the file (digest and
 * signature; the manufacturer's certificate path is for MUD managers to judge).
 */
export function preparePublication(name: string, content: Uint8Array, signature: Uint8Array | undefined, now: Date): MudFileInput {
  if (!isMudFileName(name))
    throw new MudPublishError('ERR_MUD_PUBLISH_NAME', `"${name.slice(0, 140)}" is not a MUD file name (letters, digits, . _ -; not .p7s)`);
  if (content.length > MAX_PUBLISHED_MUD_BYTES)
    throw new MudPublishError(
      'ERR_MUD_PUBLISH_TOO_LARGE',
      `the MUD file has ${content.length} bytes, more than ${MAX_PUBLISHED_MUD_BYTES}`,
    );
  if (signature !== undefined && signature.length > MAX_PUBLISHED_SIGNATURE_BYTES)
    throw new MudPublishError(
      'ERR_MUD_PUBLISH_TOO_LARGE',
      `the signature has ${signature.length} bytes, more than ${MAX_PUBLISHED_SIGNATURE_BYTES}`,
    );

  let parsed: ReturnType<typeof parseMud>;
  try {
    parsed = parseMud(content);
  } catch (e) {
    if (e instanceof IotopiaError)
      throw new MudPublishError('ERR_MUD_PUBLISH_INVALID', `not a MUD file: ${e.message}`, {
        errors: [{ code: e.code, path: '', reason: e.message }],
      });
    throw e;
  }
  if (parsed.mud === undefined) {
    throw new MudPublishError(
      'ERR_MUD_PUBLISH_INVALID',
      `the MUD file does not validate: ${parsed.errors.length} error(s), first ${parsed.errors[0]?.path}: ${parsed.errors[0]?.reason}`,
      {
        errors: parsed.errors.slice(0, 100),
      },
    );
  }
  const mud = parsed.mud.mud;
  const urlName = lastSegment(mud.mudUrl);
  if (urlName !== name)
    throw new MudPublishError(
      'ERR_MUD_PUBLISH_NAME',
      `the file's mud-url ends in "${urlName}", so it is published as that name, not "${name}"`,
    );
  if (signature === undefined || signature.length === 0)
    throw new MudPublishError('ERR_MUD_PUBLISH_UNSIGNED', 'a MUD file is published only with its signature (RFC 8520 §13)');
  let signer: string;
  try {
    signer = verifyMudSignature(content, signature, { checkChain: false, time: now }).signer;
  } catch (e) {
    if (e instanceof MudSignatureError)
      throw new MudPublishError('ERR_MUD_PUBLISH_SIGNATURE', `the signature does not verify: ${e.message}`, {
        check: e.check,
        signatureCode: e.code,
      });
    throw e;
  }
  return { name, content, signature, cacheValidity: mud.cacheValidity, mudUrl: mud.mudUrl, signer };
}

function lastSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split('/');
    return decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    return '';
  }
}

/**
 * The published file a request path names, and which part: the file itself, or its signature at
 * the default location (`x.json` → `x.p7s`, and `x.json.p7s` or `x.p7s` for a name without .json).
 */
export async function resolvePublished(
  store: Pick<Store, 'mudFiles'>,
  requested: string,
): Promise<{ file: MudFileRecord; part: 'file' | 'signature' } | undefined> {
  const direct = await store.mudFiles.get(requested);
  if (direct !== undefined) return { file: direct, part: 'file' };
  if (!requested.endsWith('.p7s')) return undefined;
  const base = requested.slice(0, -'.p7s'.length);
  for (const candidate of [`${base}.json`, base]) {
    const file = await store.mudFiles.get(candidate);
    if (file !== undefined) return { file, part: 'signature' };
  }
  return undefined;
}

/** Publishes (or replaces) the file `name` with its audit record, in one transaction. Throws MudPublishError for a file the MUD role would refuse. */
export async function publishMudFile(
  store: Store,
  file: { name: string; content: Uint8Array; signature: Uint8Array | undefined },
  now: Date,
  actor: string,
): Promise<PublishedMudFileInfo> {
  const input = preparePublication(file.name, file.content, file.signature, now);
  return store.transaction(async (r) => {
    const info = infoOf(await r.mudFiles.put(input));
    await r.audit.append({
      actor,
      action: 'mud-file.published',
      subject: `mud-file:${file.name}`,
      details: { etag: info.contentEtag, signer: info.signer, mudUrl: info.mudUrl },
    });
    return info;
  });
}

/** Stops publishing `name`; true when it was published. */
export function unpublishMudFile(store: Store, name: string, actor: string): Promise<boolean> {
  return store.transaction(async (r) => {
    const gone = isMudFileName(name) && (await r.mudFiles.delete(name));
    if (gone) await r.audit.append({ actor, action: 'mud-file.deleted', subject: `mud-file:${name}`, details: {} });
    return gone;
  });
}
