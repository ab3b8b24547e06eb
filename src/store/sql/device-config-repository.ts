import type { DeviceConfigRecord, DeviceConfigRepository } from '../device-config-repository.ts';
import type { SqlContext } from './context.ts';
import { date, guidHex } from './rows.ts';

export function sqlDeviceConfigRepository({ db, clock }: SqlContext): DeviceConfigRepository {
  return {
    async get(guid) {
      const row = await db.selectFrom('device_config').selectAll().where('guid', '=', guidHex(guid)).executeTakeFirst();
      if (row === undefined) return undefined;
      return { guid: new Uint8Array(guid), config: JSON.parse(row.config) as Record<string, unknown>, updatedAt: date(row.updated_at) };
    },
    async put(guid, config): Promise<DeviceConfigRecord> {
      const now = clock().getTime();
      const text = JSON.stringify(config);
      await db
        .insertInto('device_config')
        .values({ guid: guidHex(guid), config: text, updated_at: now })
        .onConflict((oc) => oc.column('guid').doUpdateSet({ config: text, updated_at: now }))
        .execute();
      return { guid: new Uint8Array(guid), config: JSON.parse(text) as Record<string, unknown>, updatedAt: new Date(now) };
    },
  };
}
