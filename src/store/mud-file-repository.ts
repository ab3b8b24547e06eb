import { StoreError } from './errors.ts';
import type { Page, PageRequest } from './page.ts';

/** The largest MUD file the store keeps, bytes. */
export const MAX_MUD_FILE_BYTES = 2 * 1024 * 1024;
/** The largest detached signature (DER CMS) the store keeps, bytes. */
export const MAX_MUD_SIGNATURE_BYTES = 64 * 1024;
/** A published name: one URL path segment, not a signature file's name. */
export const MUD_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A MUD file or its signature is larger than the store keeps. */
export const ERR_STORE_MUD_FILE_TOO_LARGE = 'ERR_STORE_MUD_FILE_TOO_LARGE';
/** A name that is not one path segment of letters, digits, `.`, `_`, `-` (1..128), or ends in `.p7s`. */
export const ERR_STORE_MUD_FILE_NAME = 'ERR_STORE_MUD_FILE_NAME';

/** True for a name the store accepts: MUD_FILE_NAME, and not a signature's `.p7s` name. */
export const isMudFileName = (name: string): boolean => typeof name === 'string' && MUD_FILE_NAME.test(name) && !name.endsWith('.p7s');

/** What a publisher stores: the file and its signature byte for byte, and what serving needs from the file. */
export interface MudFileInput {
  name: string;
  /** The MUD file (JSON), exactly as signed. */
  content: Uint8Array;
  /** The DER CMS detached signature over `content` (RFC 8520 §13). */
  signature: Uint8Array;
  /** cache-validity of the file, hours (RFC 8520 §2.1: 1..168). */
  cacheValidity: number;
  mudUrl: string;
  /** The signing certificate's subject. */
  signer: string;
}

/** A stored MUD file without its bytes: what listings show and what cache headers are made from. */
export interface MudFileInfo {
  name: string;
  /** SHA-256 of the file, base64url without padding. */
  contentDigest: string;
  /** SHA-256 of the signature, base64url without padding. */
  signatureDigest: string;
  contentBytes: number;
  signatureBytes: number;
  cacheValidity: number;
  mudUrl: string;
  signer: string;
  /** When a file was first stored under this name; a replacement keeps it. */
  publishedAt: Date;
  /** When the bytes under this name last changed. */
  updatedAt: Date;
}

export interface MudFileRecord extends MudFileInfo {
  content: Uint8Array;
  signature: Uint8Array;
}

/**
 * Published MUD files and their signatures, by name. The repository keeps bytes, not meaning: the
 * publisher validates the file and verifies the signature before `put`. Limits are checked here
 * too, with StoreErrors ERR_STORE_MUD_FILE_NAME and ERR_STORE_MUD_FILE_TOO_LARGE.
 */
export interface MudFileRepository {
  /** Creates or replaces the file under `name`, digests computed here. */
  put(file: MudFileInput): Promise<MudFileInfo>;
  /** The file with its bytes, or undefined (also for a name the store would refuse). */
  get(name: string): Promise<MudFileRecord | undefined>;
  /** true when something was deleted. */
  delete(name: string): Promise<boolean>;
  /** The files without their bytes, in name order. */
  list(page?: PageRequest): Promise<Page<MudFileInfo>>;
}

/** Throws the store's typed errors (and TypeError for misuse) for input it would not keep. */
export function checkMudFileInput(file: MudFileInput): void {
  if (!isMudFileName(file.name))
    throw new StoreError(ERR_STORE_MUD_FILE_NAME, `${JSON.stringify(String(file.name).slice(0, 140))} is not a MUD file name`);
  if (!(file.content instanceof Uint8Array) || !(file.signature instanceof Uint8Array))
    throw new TypeError('a MUD file and its signature are bytes');
  if (file.content.length > MAX_MUD_FILE_BYTES)
    throw new StoreError(ERR_STORE_MUD_FILE_TOO_LARGE, `the MUD file has ${file.content.length} bytes, more than ${MAX_MUD_FILE_BYTES}`);
  if (file.signature.length > MAX_MUD_SIGNATURE_BYTES)
    throw new StoreError(
      ERR_STORE_MUD_FILE_TOO_LARGE,
      `the signature has ${file.signature.length} bytes, more than ${MAX_MUD_SIGNATURE_BYTES}`,
    );
  if (!Number.isInteger(file.cacheValidity) || file.cacheValidity < 1 || file.cacheValidity > 168)
    throw new TypeError('cache-validity is 1..168 hours');
  if (typeof file.mudUrl !== 'string' || typeof file.signer !== 'string') throw new TypeError('mudUrl and signer are text');
}
