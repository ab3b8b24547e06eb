/**
 * Protocol sessions between messages. The bearer token is never stored, only its SHA-256, and the
 * state is sealed (TO2 states hold session keys). Updates name the version they read: of two
 * replicas advancing one session, one wins and the other gets ERR_STORE_CONFLICT.
 */
export type SessionRole = 'manufacturer' | 'rendezvous' | 'owner';

export interface SessionRecord {
  role: SessionRole;
  /** The FDO sub-protocol: 'di', 'to0', 'to1', 'to2'. */
  protocol: string;
  /** JSON-safe protocol state. */
  state: unknown;
  version: number;
  expiresAt: Date;
}

export interface SessionRepository {
  /** Throws ERR_STORE_DUPLICATE when the token is taken. The first version is 1. */
  create(token: string, s: { role: SessionRole; protocol: string; state: unknown; expiresAt: Date }): Promise<SessionRecord>;
  /** Undefined when unknown or expired. */
  get(token: string): Promise<SessionRecord | undefined>;
  /**
   * Replaces the state if the stored version is still `expectedVersion`; returns the new version.
   * ERR_STORE_CONFLICT when another writer got there first, ERR_STORE_NOT_FOUND when the session is
   * gone (ended or expired).
   */
  update(token: string, expectedVersion: number, s: { state: unknown; expiresAt?: Date }): Promise<number>;
  delete(token: string): Promise<void>;
  /** Removes sessions expired at `now`; returns how many. */
  deleteExpired(now?: Date): Promise<number>;
}
