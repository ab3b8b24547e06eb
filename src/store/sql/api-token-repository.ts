import type { ApiRole, ApiTokenRecord, ApiTokenRepository } from '../api-token-repository.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, optionalDate, paged, pageLimit } from './rows.ts';
import { revokeToken } from './token-table.ts';

interface Row {
  id: string;
  name: string;
  roles: string;
  secret_hash: string;
  created_at: number | string;
  revoked_at: number | string | null;
  expires_at: number | string | null;
}

function record(r: Row): ApiTokenRecord {
  const revokedAt = optionalDate(r.revoked_at);
  const expiresAt = optionalDate(r.expires_at);
  return {
    id: r.id,
    name: r.name,
    roles: JSON.parse(r.roles) as ApiRole[],
    secretHash: r.secret_hash,
    createdAt: date(r.created_at),
    ...(revokedAt === undefined ? {} : { revokedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

export function sqlApiTokenRepository({ db, clock }: SqlContext): ApiTokenRepository {
  return {
    async create({ id, name, roles, secretHash, expiresAt }) {
      const now = clock().getTime();
      const r = await db
        .insertInto('api_tokens')
        .values({
          id,
          name,
          roles: JSON.stringify(roles),
          secret_hash: secretHash,
          created_at: now,
          revoked_at: null,
          expires_at: expiresAt?.getTime() ?? null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `an API token with id ${id} or the same secret exists`);
      return {
        id,
        name,
        roles: [...roles],
        secretHash,
        createdAt: new Date(now),
        ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt.getTime()) }),
      };
    },
    async get(id) {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async findBySecretHash(secretHash) {
      const row = await db.selectFrom('api_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async revoke(id) {
      await revokeToken(db, 'api_tokens', id, clock(), 'API token');
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('api_tokens').selectAll();
      if (after !== undefined) q = q.where('id', '>', after);
      const rows = await q
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.id);
    },
  };
}
