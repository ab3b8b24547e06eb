import { sql } from 'kysely';
import type { DiTokenRecord, DiTokenRepository } from '../di-token-repository.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, millis, optionalDate, paged, pageLimit } from './rows.ts';
import { revokeToken } from './token-table.ts';

interface Row {
  id: string;
  name: string;
  secret_hash: string;
  max_devices: number | string | null;
  used: number | string;
  expires_at: number | string | null;
  created_at: number | string;
  revoked_at: number | string | null;
}

function record(r: Row): DiTokenRecord {
  const expiresAt = optionalDate(r.expires_at);
  const revokedAt = optionalDate(r.revoked_at);
  return {
    id: r.id,
    name: r.name,
    secretHash: r.secret_hash,
    ...(r.max_devices === null ? {} : { maxDevices: millis(r.max_devices) }),
    used: millis(r.used),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    createdAt: date(r.created_at),
    ...(revokedAt === undefined ? {} : { revokedAt }),
  };
}

export function sqlDiTokenRepository({ db, clock }: SqlContext): DiTokenRepository {
  const bySecret = async (secretHash: string) => {
    const row = await db.selectFrom('di_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row === undefined ? undefined : record(row);
  };
  return {
    async create({ id, name, secretHash, maxDevices, expiresAt }) {
      if (maxDevices !== undefined && !(Number.isSafeInteger(maxDevices) && maxDevices > 0))
        throw new TypeError('maxDevices must be a positive integer');
      const now = clock().getTime();
      const r = await db
        .insertInto('di_tokens')
        .values({
          id,
          name,
          secret_hash: secretHash,
          max_devices: maxDevices ?? null,
          used: 0,
          expires_at: expiresAt?.getTime() ?? null,
          created_at: now,
          revoked_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `a DI token with id ${id} or the same secret exists`);
      return {
        id,
        name,
        secretHash,
        ...(maxDevices === undefined ? {} : { maxDevices }),
        used: 0,
        ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt.getTime()) }),
        createdAt: new Date(now),
      };
    },
    async get(id) {
      const row = await db.selectFrom('di_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    findBySecretHash: bySecret,
    async revoke(id) {
      await revokeToken(db, 'di_tokens', id, clock(), 'DI token');
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('di_tokens').selectAll();
      if (after !== undefined) q = q.where('id', '>', after);
      const rows = await q
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.id);
    },
    async consume(secretHash, now) {
      // One statement: the conditions are checked by the write itself, so SQLite's single writer
      // and PostgreSQL's row lock (which re-checks them after a concurrent update) never let the
      // count pass max_devices.
      const r = await db
        .updateTable('di_tokens')
        .set({ used: sql<number>`used + 1` })
        .where('secret_hash', '=', secretHash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.getTime())]))
        .where((eb) => eb.or([eb('max_devices', 'is', null), eb('used', '<', eb.ref('max_devices'))]))
        .executeTakeFirst();
      if (affected(r) === 0) return undefined;
      return bySecret(secretHash);
    },
  };
}
