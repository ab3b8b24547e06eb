import { ERR_STORE_CONFLICT, ERR_STORE_DUPLICATE, ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import { hashSecret } from '../hash-secret.ts';
import type { SessionRecord, SessionRepository, SessionRole } from '../session-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, millis } from './rows.ts';

const context = (tokenHash: string) => `sessions.state:${tokenHash}`;

export function sqlSessionRepository({ db, box, clock }: SqlContext): SessionRepository {
  const seal = (tokenHash: string, state: unknown) => box.seal(Buffer.from(JSON.stringify(state ?? null), 'utf8'), context(tokenHash));
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
      return { role, protocol, state: JSON.parse(JSON.stringify(state ?? null)), version: 1, expiresAt: new Date(expiresAt.getTime()) };
    },
    async get(token) {
      const tokenHash = hashSecret(token);
      const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (row === undefined || millis(row.expires_at) <= clock().getTime()) return undefined;
      const s: SessionRecord = {
        role: row.role as SessionRole,
        protocol: row.protocol,
        state: JSON.parse(Buffer.from(box.open(row.state, context(tokenHash))).toString('utf8')),
        version: millis(row.version),
        expiresAt: date(row.expires_at),
      };
      return s;
    },
    async update(token, expectedVersion, { state, expiresAt }) {
      const tokenHash = hashSecret(token);
      const now = clock().getTime();
      // One conditional UPDATE is the whole protocol: the row's version decides the race in the
      // database, so replicas need no lock and no shared memory.
      const r = await db
        .updateTable('sessions')
        .set({
          state: seal(tokenHash, state),
          version: expectedVersion + 1,
          updated_at: now,
          ...(expiresAt === undefined ? {} : { expires_at: expiresAt.getTime() }),
        })
        .where('token_hash', '=', tokenHash)
        .where('version', '=', expectedVersion)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (affected(r) === 1) return expectedVersion + 1;
      const exists = await db
        .selectFrom('sessions')
        .select('version')
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (exists === undefined) throw new StoreError(ERR_STORE_NOT_FOUND, 'the session ended or expired');
      throw new StoreError(ERR_STORE_CONFLICT, `the session moved on (version ${millis(exists.version)}, expected ${expectedVersion})`);
    },
    async delete(token) {
      await db.deleteFrom('sessions').where('token_hash', '=', hashSecret(token)).execute();
    },
    async deleteExpired(now = clock()) {
      const r = await db.deleteFrom('sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
      return affected(r);
    },
  };
}
