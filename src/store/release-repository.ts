import type { Page, PageRequest } from './page.ts';

/** A release's state: `draft` is not offered to devices, `published` is, `retired` no longer is. */
export type ReleaseState = 'draft' | 'published' | 'retired';
export const RELEASE_STATES: readonly ReleaseState[] = ['draft', 'published', 'retired'];

/** How the envelope came: built and signed by this server's update authority, or uploaded signed. */
export type ReleaseOrigin = 'signed' | 'imported';

/** One component of a release: its SUIT component id (text) and the payload installed into it. */
export interface ReleaseComponent {
  id: string;
  /** SHA-256 of the payload, lowercase hex. */
  digest: string;
  size: number;
}

export interface ReleaseInput {
  id: string;
  model: string;
  version: string;
  /** The SUIT manifest sequence number (anti-rollback). */
  sequenceNumber: number;
  components: ReleaseComponent[];
  envelope: Uint8Array;
  sbomRef?: string;
  /** The vendor's domain name, when the envelope checks vendor and class identifiers. */
  vendorDomain?: string;
  state: ReleaseState;
  origin: ReleaseOrigin;
}

/** A release as lists show it: without the envelope bytes. */
export interface ReleaseInfo extends Omit<ReleaseInput, 'envelope'> {
  /** SHA-256 of the envelope, lowercase hex. */
  envelopeDigest: string;
  envelopeSize: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReleaseRecord extends ReleaseInfo {
  envelope: Uint8Array;
}

export interface ReleaseListRequest extends PageRequest {
  model?: string;
  state?: ReleaseState;
}

export interface ReleaseRepository {
  /** Throws ERR_STORE_DUPLICATE when the id, the model + version or the model + sequence number is taken. */
  create(r: ReleaseInput): Promise<ReleaseInfo>;
  get(id: string): Promise<ReleaseRecord | undefined>;
  getByVersion(model: string, version: string): Promise<ReleaseInfo | undefined>;
  /** By id. */
  list(request?: ReleaseListRequest): Promise<Page<ReleaseInfo>>;
  /** The highest sequence number of any release of the model, retired ones included. */
  latestSequence(model: string): Promise<number | undefined>;
  /** Ids of releases, in any state, with a component whose payload has this digest (at most `limit`). */
  namingPayload(digest: string, limit: number): Promise<string[]>;
  /** The release after the change, or undefined when there is none with this id. */
  setState(id: string, state: ReleaseState): Promise<ReleaseInfo | undefined>;
}
