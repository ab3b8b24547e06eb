/**
 * Protocol sessions between messages, the shape the FDO HTTP transport's SessionStore expects (so
 * `store.sessions` is one). The bearer token is never stored, only its SHA-256, and the state is
 * sealed (TO2 states hold session keys). Updates name the version they read: of two replicas
 * advancing one session, exactly one succeeds.
 */
export type SessionRole = 'manufacturer' | 'rendezvous' | 'owner';

/** The FDO sub-protocol a session runs. */
export type SessionProtocol = 'di' | 'to0' | 'to1' | 'to2';

export interface SessionRecord {
  role: SessionRole;
  protocol: SessionProtocol;
  /** JSON-safe protocol state (null while a replica has claimed the session). */
  state: unknown;
  /** 1 at creation; every successful update adds 1. */
  version: number;
  expiresAt: Date;
}

export interface SessionRepository {
  /** Rejects with ERR_STORE_DUPLICATE when the token is taken. */
  create(token: string, s: { role: SessionRole; protocol: SessionProtocol; state: unknown; expiresAt: Date }): Promise<void>;
  /** The session, expired or not (expiry is the transport's decision), or undefined. */
  get(token: string): Promise<SessionRecord | undefined>;
  /**
   * Replaces state and expiry if the stored version is still `expectedVersion`, and bumps it.
   * Resolves false when another writer got there first or the session is gone.
   */
  update(token: string, expectedVersion: number, state: unknown, expiresAt: Date): Promise<boolean>;
  /** With `expectedVersion`, only while the version still matches. Resolves true when a session was removed. */
  delete(token: string, expectedVersion?: number): Promise<boolean>;
  /** Removes sessions expired at `now` (default: the store's clock); resolves how many. */
  deleteExpired(now?: Date): Promise<number>;
}
