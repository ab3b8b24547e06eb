import type { DeviceCredentialRecord, DeviceCredentialRepository } from '../device-credential-repository.ts';
import { ERR_STORE_DUPLICATE, ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { affected, date, guidBytes, guidHex, optionalDate } from './rows.ts';

interface Row {
  token_hash: string;
  guid: string;
  created_at: number | string;
  activated_at: number | string | null;
  expires_at: number | string | null;
  revoked_at: number | string | null;
  rotation_requested_at: number | string | null;
}

const LIST_LIMIT = 100;

function record(r: Row): DeviceCredentialRecord {
  const activatedAt = optionalDate(r.activated_at);
  const expiresAt = optionalDate(r.expires_at);
  const revokedAt = optionalDate(r.revoked_at);
  const rotationRequestedAt = optionalDate(r.rotation_requested_at);
  return {
    tokenHash: r.token_hash,
    guid: guidBytes(r.guid),
    createdAt: date(r.created_at),
    ...(activatedAt === undefined ? {} : { activatedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(revokedAt === undefined ? {} : { revokedAt }),
    ...(rotationRequestedAt === undefined ? {} : { rotationRequestedAt }),
  };
}

export function sqlDeviceCredentialRepository({ db, clock }: SqlContext): DeviceCredentialRepository {
  return {
    async create({ guid, tokenHash, active, expiresAt }) {
      const now = clock().getTime();
      const row = {
        token_hash: tokenHash,
        guid: guidHex(guid),
        created_at: now,
        activated_at: active ? now : null,
        expires_at: expiresAt?.getTime() ?? null,
        revoked_at: null,
        rotation_requested_at: null,
      };
      const r = await db
        .insertInto('device_credentials')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, 'a device credential with the same token exists');
      return record(row);
    },
    async findByHash(tokenHash) {
      const row = await db.selectFrom('device_credentials').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async listForDevice(guid) {
      const rows = await db
        .selectFrom('device_credentials')
        .selectAll()
        .where('guid', '=', guidHex(guid))
        .orderBy('created_at', 'desc')
        .orderBy('token_hash')
        .limit(LIST_LIMIT)
        .execute();
      return rows.map(record);
    },
    async activate(guid, tokenHash, overlapMs) {
      if (!Number.isSafeInteger(overlapMs) || overlapMs < 0) throw new TypeError('an overlap is a number of milliseconds, 0 or more');
      const now = clock().getTime();
      const hex = guidHex(guid);
      const until = now + overlapMs;
      const r = await db
        .updateTable('device_credentials')
        .set({ activated_at: now, expires_at: null })
        .where('token_hash', '=', tokenHash)
        .where('guid', '=', hex)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_NOT_FOUND, `no usable device credential of ${hex} with that token`);
      await db
        .updateTable('device_credentials')
        .where('guid', '=', hex)
        .where('token_hash', '<>', tokenHash)
        .where('revoked_at', 'is', null)
        .set({ expires_at: until })
        .where('activated_at', 'is not', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
        .execute();
    },
    async requestRotation(guid) {
      const r = await db
        .updateTable('device_credentials')
        .set({ rotation_requested_at: clock().getTime() })
        .where('guid', '=', guidHex(guid))
        .where('activated_at', 'is not', null)
        .where('expires_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return affected(r);
    },
    async revokeAll(guid) {
      const r = await db
        .updateTable('device_credentials')
        .set({ revoked_at: clock().getTime() })
        .where('guid', '=', guidHex(guid))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return affected(r);
    },
  };
}
