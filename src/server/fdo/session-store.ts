/**
 * Where the FDO transport keeps protocol sessions between messages. Replicas share nothing but
 * this store, so every message loads the session by its bearer token and writes it back under an
 * optimistic version check: two requests racing on one session cannot both advance it.
 */

/** The server role that serves a protocol. */
export type FdoRole = 'manufacturer' | 'rendezvous' | 'owner';

/** The FDO sub-protocol a session runs. */
export type FdoProtocol = 'di' | 'to0' | 'to1' | 'to2';

export interface FdoSession {
  role: FdoRole;
  protocol: FdoProtocol;
  /**
   * The role handler's state: plain JSON-safe data; null while a message of the session is being
   * handled (the transport's claim, so that a racing copy of the message is refused).
   */
  state: unknown;
  /** Starts at 1; every successful `update` adds 1. */
  version: number;
  expiresAt: Date;
}

export interface NewFdoSession {
  role: FdoRole;
  protocol: FdoProtocol;
  state: unknown;
  expiresAt: Date;
}

export interface SessionStore {
  /** Stores a new session under `token` with version 1. Tokens are random; a clash may reject. */
  create(token: string, session: NewFdoSession): Promise<void>;
  /** The session, expired or not (the transport decides), or undefined when there is none. */
  get(token: string): Promise<FdoSession | undefined>;
  /**
   * Replaces state and expiry only if the stored version is still `expectedVersion`, and bumps it.
   * Resolves false when the version moved on or the session is gone.
   */
  update(token: string, expectedVersion: number, state: unknown, expiresAt: Date): Promise<boolean>;
  /**
   * Removes the session; with `expectedVersion`, only if the stored version is still that one.
   * Resolves true when a session was removed.
   */
  delete(token: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Removes every session that expired at or before `now` (devices that went away mid-protocol);
   * the server calls it from time to time. Resolves with how many were removed.
   */
  deleteExpired(now: Date): Promise<number>;
}
