import type { RendezvousRegistration, RendezvousRepository } from '../rendezvous-repository.ts';
import type { SqlContext } from './context.ts';
import { preparedQuery } from './prepared-query.ts';
import { affected, bytes, date, decodeCursor, guidBytes, guidHex, paged, pageLimit } from './rows.ts';

interface Row {
  guid: string;
  to1d: Uint8Array;
  voucher: Uint8Array;
  expires_at: number | string;
}

const record = (r: Row): RendezvousRegistration => ({
  guid: guidBytes(r.guid),
  to1d: bytes(r.to1d),
  voucher: bytes(r.voucher),
  expiresAt: date(r.expires_at),
});

/** TO1 and TO0 read a registration by GUID: precompiled (prepared-query.ts). */
export const SELECT_REGISTRATION = preparedQuery((db, p: { guid: string }) =>
  db.selectFrom('rendezvous').selectAll().where('guid', '=', p.guid),
);

export function sqlRendezvousRepository({ db, clock, prepared }: SqlContext): RendezvousRepository {
  return {
    async put({ guid, to1d, voucher, expiresAt }) {
      const now = clock().getTime();
      const expires_at = expiresAt.getTime();
      await db
        .insertInto('rendezvous')
        .values({ guid: guidHex(guid), to1d, voucher, expires_at, updated_at: now })
        .onConflict((oc) => oc.column('guid').doUpdateSet({ to1d, voucher, expires_at, updated_at: now }))
        .execute();
    },
    async putIf({ guid, to1d, voucher, expiresAt }, replaces, now) {
      const updated_at = clock().getTime();
      const expires_at = expiresAt.getTime();
      const result = await db
        .insertInto('rendezvous')
        .values({ guid: guidHex(guid), to1d, voucher, expires_at, updated_at })
        .onConflict((oc) => {
          const update = oc.column('guid').doUpdateSet({ to1d, voucher, expires_at, updated_at });
          return replaces === undefined
            ? update.where('rendezvous.expires_at', '<=', now.getTime())
            : update.where('rendezvous.to1d', '=', replaces.to1d);
        })
        .executeTakeFirst();
      return affected(result) === 1;
    },
    async get(guid) {
      const row = (await prepared.run(db, SELECT_REGISTRATION, { guid: guidHex(guid) })).rows[0];
      return row === undefined ? undefined : record(row);
    },
    async list(page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('rendezvous').selectAll();
      if (after !== undefined) q = q.where('guid', '>', after);
      const rows = await q
        .orderBy('guid')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.guid);
    },
    async deleteExpired(now = clock()) {
      return affected(await db.deleteFrom('rendezvous').where('expires_at', '<=', now.getTime()).executeTakeFirst());
    },
  };
}
