/** The session repository's queries, precompiled (prepared-query.ts): a protocol message runs several. */
import { preparedQuery } from './prepared-query.ts';

export const INSERT_SESSION = preparedQuery(
  (
    db,
    p: {
      tokenHash: string;
      role: string;
      protocol: string;
      state: Uint8Array;
      expiresAt: number;
      now: number;
    },
  ) =>
    db
      .insertInto('sessions')
      .values({
        token_hash: p.tokenHash,
        role: p.role,
        protocol: p.protocol,
        state: p.state,
        version: 1,
        expires_at: p.expiresAt,
        created_at: p.now,
        updated_at: p.now,
      })
      .onConflict((oc) => oc.column('token_hash').doNothing()),
);

export const SELECT_SESSION = preparedQuery((db, p: { tokenHash: string }) =>
  db.selectFrom('sessions').selectAll().where('token_hash', '=', p.tokenHash),
);

export const UPDATE_SESSION = preparedQuery(
  (db, p: { tokenHash: string; expectedVersion: number; nextVersion: number; state: Uint8Array; expiresAt: number; now: number }) =>
    db
      .updateTable('sessions')
      .set({ state: p.state, version: p.nextVersion, expires_at: p.expiresAt, updated_at: p.now })
      .where('token_hash', '=', p.tokenHash)
      .where('version', '=', p.expectedVersion),
);

export const ADVANCE_SESSION = preparedQuery((db, p: { tokenHash: string; expectedVersion: number; nextVersion: number }) =>
  db.updateTable('sessions').set({ version: p.nextVersion }).where('token_hash', '=', p.tokenHash).where('version', '=', p.expectedVersion),
);

export const DELETE_SESSION = preparedQuery((db, p: { tokenHash: string }) =>
  db.deleteFrom('sessions').where('token_hash', '=', p.tokenHash),
);

export const DELETE_SESSION_AT = preparedQuery((db, p: { tokenHash: string; expectedVersion: number }) =>
  db.deleteFrom('sessions').where('token_hash', '=', p.tokenHash).where('version', '=', p.expectedVersion),
);

export const COUNT_OPEN_SESSIONS = preparedQuery((db, p: { protocol: string; now: number }) =>
  db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('protocol', '=', p.protocol)
    .where('expires_at', '>', p.now),
);
