/**
 * What the MUD role publishes (RFC 8520 §13): a MUD file only when it validates strictly and
 * carries a signature that verifies over its exact bytes. The file is stored as published,
 * byte for byte, with its signature, entity tags and cache lifetime, in the settings store.
 */
import { createHash } from 'node:crypto';
import { IotopiaError } from '../../errors.ts';
import { verifyMudSignature } from '../../mud/signature/cms-verify.ts';
import { MudSignatureError } from '../../mud/signature/errors.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import type { Store } from '../../store/store.ts';

/** The settings scope the published MUD files live in. */
export const MUD_SCOPE = 'mud';
/** The largest MUD file the role publishes (the stored record, base64, must fit one setting). */
export const MAX_PUBLISHED_MUD_BYTES = 150 * 1024;
/** The largest signature file it accepts. */
export const MAX_PUBLISHED_SIGNATURE_BYTES = 32 * 1024;
/** File names served under /mud/: one path segment, not a signature name. */
export const MUD_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

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

/** A published MUD file as stored: bytes in base64, and what serving needs without parsing again. */
export interface PublishedMudFile {
  name: string;
  content: string;
  signature: string;
  contentEtag: string;
  signatureEtag: string;
  /** cache-validity of the file, hours (RFC 8520 §2.1; 48 when absent). */
  cacheValidity: number;
  mudUrl: string;
  signer: string;
  publishedAt: string;
}

/** The metadata the API shows: everything but the bytes. */
export type PublishedMudFileInfo = Omit<PublishedMudFile, 'content' | 'signature'> & { bytes: number; signatureBytes: number };

export function infoOf(p: PublishedMudFile): PublishedMudFileInfo {
  const { content, signature, ...rest } = p;
  return { ...rest, bytes: Buffer.from(content, 'base64').length, signatureBytes: Buffer.from(signature, 'base64').length };
}

/** A strong entity tag for bytes (RFC 9110 §8.8.3): a quoted SHA-256 prefix. */
export function entityTag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
}

/**
 * Checks a MUD file and its signature for publication under `name` and returns the record to
 * store. Refuses (MudPublishError) a bad name, oversized input, a file that does not validate
 * strictly, a missing signature, or one that does not verify over the file (digest and
 * signature; the manufacturer's certificate path is for MUD managers to judge).
 */
export function preparePublication(name: string, content: Uint8Array, signature: Uint8Array | undefined, now: Date): PublishedMudFile {
  if (!MUD_FILE_NAME.test(name) || name.endsWith('.p7s'))
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
  return {
    name,
    content: Buffer.from(content).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
    contentEtag: entityTag(content),
    signatureEtag: entityTag(signature),
    cacheValidity: mud.cacheValidity,
    mudUrl: mud.mudUrl,
    signer,
    publishedAt: now.toISOString(),
  };
}

function lastSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split('/');
    return decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    return '';
  }
}

/** Reads a stored record; anything malformed (a hand-edited database) reads as absent. */
export async function readPublished(store: Pick<Store, 'settings'>, name: string): Promise<PublishedMudFile | undefined> {
  if (!MUD_FILE_NAME.test(name)) return undefined;
  const value = (await store.settings.get(MUD_SCOPE, name)) as Partial<PublishedMudFile> | undefined;
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  if (typeof value.content !== 'string' || typeof value.signature !== 'string' || typeof value.contentEtag !== 'string') return undefined;
  return value as PublishedMudFile;
}

/**
 * The published file a request path names, and which part: the file itself, or its signature at
 * the default location (`x.json` → `x.p7s`, and `x.json.p7s` or `x.p7s` for a name without .json).
 */
export async function resolvePublished(
  store: Pick<Store, 'settings'>,
  requested: string,
): Promise<{ file: PublishedMudFile; part: 'file' | 'signature' } | undefined> {
  const direct = await readPublished(store, requested);
  if (direct !== undefined) return { file: direct, part: 'file' };
  if (!requested.endsWith('.p7s')) return undefined;
  const base = requested.slice(0, -'.p7s'.length);
  for (const candidate of [`${base}.json`, base]) {
    const file = await readPublished(store, candidate);
    if (file !== undefined) return { file, part: 'signature' };
  }
  return undefined;
}
