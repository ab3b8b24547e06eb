import type { Page, PageRequest } from './page.ts';

/**
 * A manufacturing credential (DI token): a factory station presents its secret on DI.AppStart.
 * Only the SHA-256 of the secret is kept; the secret is shown once.
 */
export interface DiTokenRecord {
  id: string;
  name: string;
  secretHash: string;
  /** How many devices it may make; absent: no limit. */
  maxDevices?: number;
  /** Accepted DI.AppStarts so far. */
  used: number;
  /** Absent: it does not expire. */
  expiresAt?: Date;
  createdAt: Date;
  revokedAt?: Date;
}

export interface DiTokenRepository {
  /** Throws ERR_STORE_DUPLICATE for a taken id or secret hash. */
  create(t: { id: string; name: string; secretHash: string; maxDevices?: number; expiresAt?: Date }): Promise<DiTokenRecord>;
  get(id: string): Promise<DiTokenRecord | undefined>;
  /** Includes revoked, expired and used-up tokens: the caller refuses them and can say why. */
  findBySecretHash(secretHash: string): Promise<DiTokenRecord | undefined>;
  /** Throws ERR_STORE_NOT_FOUND for an unknown id; revoking twice keeps the first time. */
  revoke(id: string): Promise<void>;
  list(page?: PageRequest): Promise<Page<DiTokenRecord>>;
  /**
   * Takes one use of the token with this secret hash, in one conditional write, when it is not
   * revoked, not expired at `now` and not used up; resolves with the token after the use, or
   * undefined when no use was taken. Of concurrent callers on one token at most `maxDevices` win.
   */
  consume(secretHash: string, now: Date): Promise<DiTokenRecord | undefined>;
}
