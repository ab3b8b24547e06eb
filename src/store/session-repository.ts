/**
 * Protocol sessions between messages: the FDO protocol's SessionStore port (fdo/protocol/ports.ts)
 * on the database, so `store.sessions` is the transport's store. The bearer token is never stored,
 * only its SHA-256, and TO2 states are sealed (they hold key exchange secrets and session keys). Updates name the version
 * they read: of two replicas advancing one session, exactly one succeeds. `create` rejects with
 * ERR_STORE_DUPLICATE when the token is taken.
 */
import type { FdoProtocol, SessionStore } from '../fdo/protocol/ports.ts';

export interface SessionRepository extends SessionStore {
  /**
   * How many sessions of `protocol` are still live at `now` (expiry after `now`); expired ones
   * that were not swept yet do not count. Indexed on (protocol, expires_at): the transport asks on
   * every start message, to cap the open sessions per role.
   */
  countOpen(protocol: FdoProtocol, now: Date): Promise<number>;
  /**
   * Bumps the version alone, only if it is still `expectedVersion`; resolves false when it moved on.
   * The store's transactions call it for the session message they belong to (session-fence.ts).
   */
  advance(token: string, expectedVersion: number): Promise<boolean>;
  /** Removes sessions expired at `now` (default: the store's clock); resolves how many. */
  deleteExpired(now?: Date): Promise<number>;
}
