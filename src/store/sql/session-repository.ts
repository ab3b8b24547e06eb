import type { FdoProtocol, FdoRole } from '../../fdo/protocol/ports.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import { hashSecret } from '../hash-secret.ts';
import type { SessionRepository } from '../session-repository.ts';
import type { SqlContext } from './context.ts';
import { changedRows } from './prepared-queries.ts';
import { affected, date, millis } from './rows.ts';
import {
  ADVANCE_SESSION,
  COUNT_OPEN_SESSIONS,
  DELETE_SESSION,
  DELETE_SESSION_AT,
  INSERT_SESSION,
  SELECT_SESSION,
  UPDATE_SESSION,
} from './session-queries.ts';
import { decodeSessionState, encodeSessionState } from './session-state.ts';

export function sqlSessionRepository({ db, box, clock, prepared }: SqlContext): SessionRepository {
  const seal = (tokenHash: string, state: unknown) => encodeSessionState(box, tokenHash, state);
  return {
    async create(token, { role, protocol, state, expiresAt }) {
      const tokenHash = hashSecret(token);
      const now = clock().getTime();
      const r = await prepared.run(db, INSERT_SESSION, {
        tokenHash,
        role,
        protocol,
        state: seal(tokenHash, state),
        expiresAt: expiresAt.getTime(),
        now,
      });
      if (changedRows(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, 'a session with this token exists');
    },
    async get(token) {
      const tokenHash = hashSecret(token);
      const row = (await prepared.run(db, SELECT_SESSION, { tokenHash })).rows[0];
      if (row === undefined) return undefined;
      return {
        role: row.role as FdoRole,
        protocol: row.protocol as FdoProtocol,
        state: decodeSessionState(box, tokenHash, row.state),
        version: millis(row.version),
        expiresAt: date(row.expires_at),
      };
    },
    async update(token, expectedVersion, state, expiresAt) {
      const tokenHash = hashSecret(token);
      // One conditional UPDATE is the whole protocol: the row's version decides the race inside the
      // database, so replicas need no lock and no shared memory.
      const r = await prepared.run(db, UPDATE_SESSION, {
        tokenHash,
        expectedVersion,
        nextVersion: expectedVersion + 1,
        state: seal(tokenHash, state),
        expiresAt: expiresAt.getTime(),
        now: clock().getTime(),
      });
      return changedRows(r) === 1;
    },
    async advance(token, expectedVersion) {
      const r = await prepared.run(db, ADVANCE_SESSION, {
        tokenHash: hashSecret(token),
        expectedVersion,
        nextVersion: expectedVersion + 1,
      });
      return changedRows(r) === 1;
    },
    async delete(token, expectedVersion) {
      const tokenHash = hashSecret(token);
      const r =
        expectedVersion === undefined
          ? await prepared.run(db, DELETE_SESSION, { tokenHash })
          : await prepared.run(db, DELETE_SESSION_AT, { tokenHash, expectedVersion });
      return changedRows(r) === 1;
    },
    async countOpen(protocol, now) {
      const row = (await prepared.run(db, COUNT_OPEN_SESSIONS, { protocol, now: now.getTime() })).rows[0];
      return Number(row?.n ?? 0);
    },
    async deleteExpired(now = clock()) {
      return affected(await db.deleteFrom('sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst());
    },
  };
}
