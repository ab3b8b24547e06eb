import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { Dialect } from '../schema.ts';

/** Where the certificates of the server's own keys were kept before this migration. */
const OLD_SCOPE = 'platform.keys';
const SUFFIX = '.certificate';

/**
 * The certificate of a key (the manufacturer keys' self-signed ones) moves from the untyped
 * settings table (scope `platform.keys`, key `<name>.certificate`, `{ "der": base64 }`) into a
 * column of the key's own row. Rows that are not of that shape, or name no stored key, stay where
 * they are; the server makes a new certificate for a key without one at its next start.
 */
export function keyCertificates(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('keys')
        .addColumn('certificate', dialect === 'postgres' ? 'bytea' : 'blob')
        .execute();
      const rows = await sql<{ key: string; value: string }>`SELECT key, value FROM settings WHERE scope = ${OLD_SCOPE}`.execute(db);
      for (const row of rows.rows) {
        if (!row.key.endsWith(SUFFIX)) continue;
        const der = derOf(row.value);
        if (der === undefined) continue;
        const name = row.key.slice(0, -SUFFIX.length);
        const moved = await sql`UPDATE keys SET certificate = ${der} WHERE name = ${name}`.execute(db);
        if (Number(moved.numAffectedRows ?? 0) === 0) continue;
        await sql`DELETE FROM settings WHERE scope = ${OLD_SCOPE} AND key = ${row.key}`.execute(db);
      }
    },
  };
}

function derOf(json: string): Uint8Array | undefined {
  try {
    const der = (JSON.parse(json) as { der?: unknown } | null)?.der;
    if (typeof der !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(der)) return undefined;
    return new Uint8Array(Buffer.from(der, 'base64'));
  } catch {
    return undefined;
  }
}
