import { createHash } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import { isMudFileName, MAX_MUD_FILE_BYTES, MAX_MUD_SIGNATURE_BYTES } from '../mud-file-repository.ts';
import type { Database, Dialect } from '../schema.ts';

/** Where published MUD files lived before this table: JSON records in settings scope `mud`. */
const OLD_SCOPE = 'mud';

const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');

interface OldRecord {
  content: string;
  signature: string;
  cacheValidity: number;
  mudUrl: string;
  signer: string;
  publishedAt: string;
}

/** A settings value as the publisher wrote it, or undefined for anything else (that stays where it is). */
function oldRecord(value: string): OldRecord | undefined {
  let v: Partial<OldRecord>;
  try {
    v = JSON.parse(value) as Partial<OldRecord>;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const ok =
    typeof v.content === 'string' &&
    typeof v.signature === 'string' &&
    Number.isInteger(v.cacheValidity) &&
    typeof v.mudUrl === 'string' &&
    typeof v.signer === 'string' &&
    typeof v.publishedAt === 'string' &&
    !Number.isNaN(Date.parse(v.publishedAt));
  return ok ? (v as OldRecord) : undefined;
}

/**
 * Published MUD files and their signatures as bytes, with their digests and what serving needs.
 * Files published before this table (settings scope `mud`, base64 in JSON) move here in the same
 * transaction; a record that does not have the publisher's shape stays in settings untouched.
 */
export function mudFiles(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(untyped: Kysely<unknown>) {
      await untyped.schema
        .createTable('mud_files')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('content', bytes, (c) => c.notNull())
        .addColumn('signature', bytes, (c) => c.notNull())
        .addColumn('content_digest', 'text', (c) => c.notNull())
        .addColumn('signature_digest', 'text', (c) => c.notNull())
        .addColumn('content_bytes', 'integer', (c) => c.notNull())
        .addColumn('signature_bytes', 'integer', (c) => c.notNull())
        .addColumn('cache_validity', 'integer', (c) => c.notNull())
        .addColumn('mud_url', 'text', (c) => c.notNull())
        .addColumn('signer', 'text', (c) => c.notNull())
        .addColumn('published_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await moveFromSettings(untyped as unknown as Kysely<Database>);
    },
  };
}

/** Moves the publisher's records out of settings scope `mud`; returns how many moved. */
async function moveFromSettings(db: Kysely<Database>): Promise<number> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('scope', '=', OLD_SCOPE).execute();
  let moved = 0;
  for (const row of rows) {
    const old = oldRecord(row.value);
    if (old === undefined || !isMudFileName(row.key)) continue;
    const content = new Uint8Array(Buffer.from(old.content, 'base64'));
    const signature = new Uint8Array(Buffer.from(old.signature, 'base64'));
    if (content.length > MAX_MUD_FILE_BYTES || signature.length > MAX_MUD_SIGNATURE_BYTES) continue;
    const at = Date.parse(old.publishedAt);
    await db
      .insertInto('mud_files')
      .values({
        name: row.key,
        content,
        signature,
        content_digest: digest(content),
        signature_digest: digest(signature),
        content_bytes: content.length,
        signature_bytes: signature.length,
        cache_validity: old.cacheValidity,
        mud_url: old.mudUrl,
        signer: old.signer,
        published_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await db.deleteFrom('settings').where('scope', '=', OLD_SCOPE).where('key', '=', row.key).execute();
    moved++;
  }
  return moved;
}
