import { createHash } from 'node:crypto';
import { ERR_STORE_DUPLICATE, ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import type { KeyRecord, KeyRepository } from '../key-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, bytes, date } from './rows.ts';
import { keyPrivateKeyContext } from './seal-contexts.ts';

const fingerprint = (spki: Uint8Array) => createHash('sha256').update(spki).digest('hex');

interface Row {
  name: string;
  type: string;
  public_key: Uint8Array;
  private_key: Uint8Array | null;
  certificate: Uint8Array | null;
  created_at: number | string;
}

export function sqlKeyRepository({ db, box, clock }: SqlContext): KeyRepository {
  const record = (r: Row): KeyRecord => ({
    name: r.name,
    type: r.type,
    publicKey: bytes(r.public_key),
    ...(r.private_key === null ? {} : { privateKey: box.open(r.private_key, keyPrivateKeyContext(r.name)) }),
    ...(r.certificate === null ? {} : { certificate: bytes(r.certificate) }),
    createdAt: date(r.created_at),
  });
  return {
    async create({ name, type, publicKey, privateKey }) {
      const now = clock().getTime();
      const r = await db
        .insertInto('keys')
        .values({
          name,
          type,
          public_key: publicKey,
          fingerprint: fingerprint(publicKey),
          private_key: privateKey === undefined ? null : box.seal(privateKey, keyPrivateKeyContext(name)),
          created_at: now,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `a key named ${name} exists`);
      return {
        name,
        type,
        publicKey: bytes(publicKey),
        ...(privateKey === undefined ? {} : { privateKey: bytes(privateKey) }),
        createdAt: new Date(now),
      };
    },
    async get(name) {
      const row = await db.selectFrom('keys').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async findByPublicKey(spki) {
      const row = await db.selectFrom('keys').selectAll().where('fingerprint', '=', fingerprint(spki)).orderBy('name').executeTakeFirst();
      return row === undefined ? undefined : record(row);
    },
    async setCertificate(name, der) {
      const r = await db.updateTable('keys').set({ certificate: der }).where('name', '=', name).executeTakeFirst();
      if (affected(r) === 0) throw new StoreError(ERR_STORE_NOT_FOUND, `no key named ${name}`);
    },
    async list() {
      const rows = await db.selectFrom('keys').select(['name', 'type', 'public_key', 'created_at']).orderBy('name').execute();
      return rows.map((r) => ({ name: r.name, type: r.type, publicKey: bytes(r.public_key), createdAt: date(r.created_at) }));
    },
  };
}
