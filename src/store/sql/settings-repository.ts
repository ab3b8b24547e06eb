import { sql } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import { MAX_SETTING_BYTES, type SettingRecord, type SettingsRepository } from '../settings-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, paged, pageLimit } from './rows.ts';
import { settingValueContext } from './seal-contexts.ts';
import type { SettingsCacheIo, StoredSetting } from './settings-cache.ts';

type Row = StoredSetting;

function serialise(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('a setting value must be JSON data');
  if (Buffer.byteLength(text) > MAX_SETTING_BYTES) throw new RangeError(`a setting value is limited to ${MAX_SETTING_BYTES} bytes as JSON`);
  return text;
}

/** The row's value as data, opened first when sealed. */
function openValue(box: SecretBox, r: Row): unknown {
  if (Number(r.sealed) !== 1) return JSON.parse(r.value);
  const opened = box.open(Buffer.from(r.value, 'base64'), settingValueContext(r.scope, r.key));
  return JSON.parse(Buffer.from(opened).toString('utf8'));
}

export function sqlSettingsRepository({ db, dialect, box, clock, settingsCache: cache }: SqlContext): SettingsRepository {
  const record = (r: Row): SettingRecord => ({
    key: r.key,
    value: openValue(box, r),
    updatedAt: date(r.updated_at),
    ...(Number(r.sealed) === 1 ? { sealed: true as const } : {}),
  });
  const opened = (r: Row | undefined) => (r === undefined ? undefined : openValue(box, r));
  const row = (scope: string, key: string) =>
    db.selectFrom('settings').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  const io: SettingsCacheIo = {
    async generation() {
      const r = await db.selectFrom('change_generations').select('generation').where('name', '=', 'settings').executeTakeFirst();
      return Number(r?.generation ?? 0);
    },
    scope: (scope, limit) => db.selectFrom('settings').selectAll().where('scope', '=', scope).orderBy('key').limit(limit).execute(),
    row,
  };
  const write = (scope: string, key: string, value: string, sealed: number) =>
    cache.write(async () => {
      const now = clock().getTime();
      await db
        .insertInto('settings')
        .values({ scope, key, value, sealed, updated_at: now })
        .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value, sealed, updated_at: now }))
        .execute();
    });
  return {
    async get(scope, key) {
      // A transaction reads the table itself: it must see its own writes, and hold what it read.
      if (db.isTransaction) return opened(await row(scope, key));
      const kept = await cache.get(scope, key, io);
      try {
        return opened(kept);
      } catch {
        // Sealed under a key the store no longer has (re-keyed since): read it again.
        cache.forget();
        return opened(await row(scope, key));
      }
    },
    async put(scope, key, value) {
      await write(scope, key, serialise(value), 0);
    },
    async putSealed(scope, key, value) {
      const sealed = box.seal(Buffer.from(serialise(value), 'utf8'), settingValueContext(scope, key));
      await write(scope, key, Buffer.from(sealed).toString('base64'), 1);
    },
    async delete(scope, key) {
      // The value is overwritten in place with as many zeros as it has bytes before the row goes,
      // so no version of the page after this holds it (secure_delete zeroes the freed cell too).
      const zeros =
        dialect === 'sqlite' ? sql<string>`zeroblob(length(cast(value as blob)))` : sql<string>`repeat('0', octet_length(value))`;
      const erase = async (trx: typeof db) => {
        await trx.updateTable('settings').set({ value: zeros }).where('scope', '=', scope).where('key', '=', key).execute();
        return trx.deleteFrom('settings').where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      };
      // Both in one transaction: a row is never left behind holding zeros instead of its JSON.
      const r = await cache.write(() => (db.isTransaction ? erase(db) : db.transaction().execute(erase)));
      return affected(r) > 0;
    },
    async list(scope, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('settings').selectAll().where('scope', '=', scope);
      if (after !== undefined) q = q.where('key', '>', after);
      const rows = await q
        .orderBy('key')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.key);
    },
  };
}
