import { MAX_SETTING_BYTES, type SettingRecord, type SettingsRepository } from '../settings-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, paged, pageLimit } from './rows.ts';

interface Row {
  key: string;
  value: string;
  updated_at: number | string;
}

const record = (r: Row): SettingRecord => ({ key: r.key, value: JSON.parse(r.value), updatedAt: date(r.updated_at) });

function serialise(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('a setting value must be JSON data');
  if (Buffer.byteLength(text) > MAX_SETTING_BYTES) throw new RangeError(`a setting value is limited to ${MAX_SETTING_BYTES} bytes as JSON`);
  return text;
}

export function sqlSettingsRepository({ db, clock }: SqlContext): SettingsRepository {
  return {
    async get(scope, key) {
      const row = await db.selectFrom('settings').select('value').where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : JSON.parse(row.value);
    },
    async put(scope, key, value) {
      const text = serialise(value);
      const now = clock().getTime();
      await db
        .insertInto('settings')
        .values({ scope, key, value: text, updated_at: now })
        .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value: text, updated_at: now }))
        .execute();
    },
    async delete(scope, key) {
      const r = await db.deleteFrom('settings').where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      return affected(r) > 0;
    },
    async list(scope, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.after);
      let q = db.selectFrom('settings').select(['key', 'value', 'updated_at']).where('scope', '=', scope);
      if (after !== undefined) q = q.where('key', '>', after);
      const rows = await q
        .orderBy('key')
        .limit(limit + 1)
        .execute();
      return paged(rows, limit, record, (r) => r.key);
    },
  };
}
