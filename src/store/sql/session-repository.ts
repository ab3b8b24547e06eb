import type { FdoProtocol, FdoRole } from '../../fdo/protocol/ports.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import { hashSecret } from '../hash-secret.ts';
import type { SessionRepository } from '../session-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, millis } from './rows.ts';
import { decodeSessionState, encodeSessionState } from './session-state.ts';

export function sqlSessionRepository({ db, box, clock }: SqlContext): SessionRepository {
  const seal = (tokenHash: string, state: unknown) => encodeSessionState(box, tokenHash, state);
  return {
    async create(token, { role, protocol, state, expiresAt }) {
      const tokenHash = hashSecret(token);
      const now = clock().getTime();
      const r = await db
        .insertInto('sessions')
        .values({
          token_hash: tokenHash,
          role,
          protocol,
          state: seal(tokenHash, state),
          version: 1,
          expires_at: expiresAt.getTime(),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, 'a session with this token exists');
    },
    async get(token) {
      const tokenHash = hashSecret(token);
      const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
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
      const r = await db
        .updateTable('sessions')
        .set({
          state: seal(tokenHash, state),
          version: expectedVersion + 1,
          expires_at: expiresAt.getTime(),
          updated_at: clock().getTime(),
        })
        .where('token_hash', '=', tokenHash)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return affected(r) === 1;
    },
    async advance(token, expectedVersion) {
      const r = await db
        .updateTable('sessions')
        .set({ version: expectedVersion + 1 })
        .where('token_hash', '=', hashSecret(token))
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return affected(r) === 1;
    },
    async delete(token, expectedVersion) {
      let q = db.deleteFrom('sessions').where('token_hash', '=', hashSecret(token));
      if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
      return affected(await q.executeTakeFirst()) === 1;
    },
    async countOpen(protocol, now) {
      const row = await db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('protocol', '=', protocol)
        .where('expires_at', '>', now.getTime())
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async deleteExpired(now = clock()) {
      return affected(await db.deleteFrom('sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst());
    },
  };
}
