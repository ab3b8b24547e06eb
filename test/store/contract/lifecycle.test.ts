/** Opening, migrating and closing a store; what a killed writer leaves behind. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { atMigration, drain, guid, hex, KEK } from './shared.ts';

const WRITER = new URL('../fixtures/writer.ts', import.meta.url).pathname;

forEachDialect((make) => {
  test('migrations ran at open; running them again changes nothing; reopening keeps the data', async () => {
    const h = await make();
    try {
      const store = await h.open(KEK);
      assert.deepEqual(await store.migrate(), []);
      await store.vouchers.put({ side: 'owner', guid: guid(1), voucher: Uint8Array.of(1, 2, 3), state: 'imported' });
      await store.close();
      if (!h.shared) return;
      const again = await h.open(KEK);
      assert.deepEqual(await again.migrate(), []);
      assert.deepEqual((await again.vouchers.get('owner', guid(1)))?.voucher, Uint8Array.of(1, 2, 3));
      await again.close();
    } finally {
      await h.destroy();
    }
  });

  test('close is idempotent: a second and a concurrent close resolve; a replica on the same database keeps working', async () => {
    const h = await make();
    try {
      const store = await h.open(KEK);
      const other = h.shared ? await h.open(KEK) : undefined;
      await Promise.all([store.close(), store.close()]);
      await store.close();
      if (other !== undefined) {
        await other.vouchers.put({ side: 'owner', guid: guid(2), voucher: Uint8Array.of(2), state: 'imported' });
        assert.equal((await other.vouchers.get('owner', guid(2)))?.state, 'imported');
        await other.close();
        await other.close();
      }
    } finally {
      await h.destroy();
    }
  });

  test('migrations: a database at an older schema is brought up to date at open, data kept', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('needs a database that outlives one connection');
      await atMigration(h.location, '0001-initial', async (db) => {
        await db.insertInto('audit_log').values({ at: 1, actor: 'v1', action: 'a', subject: 's', details: '{}' }).execute();
        await db.updateTable('audit_log').set({ actor: 'still mutable at 0001' }).execute();
      });
      const store = await h.open(KEK);
      try {
        assert.deepEqual(await store.migrate(), []);
        assert.equal((await store.audit.list()).items[0]?.actor, 'still mutable at 0001');
        if (h.raw) await assert.rejects(h.raw("UPDATE audit_log SET actor = 'x'"), /append-only/);
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });

  test('migrations: 0021 links the replacement GUIDs recorded before it to their device records', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('needs a database that outlives one connection');
      const row = (g: number, replacement: number | null) => ({
        guid: hex(guid(g)),
        state: 'onboarded',
        replacement_guid: replacement === null ? null : hex(guid(replacement)),
        created_at: 1,
        updated_at: 2,
        onboarded_at: 3,
      });
      await atMigration(h.location, '0017-campaigns', async (db) => {
        await db
          .insertInto('devices')
          .values([row(1, 101), row(2, 2), row(3, null)])
          .execute();
      });
      const store = await h.open(KEK);
      try {
        const link = await store.devices.getGuidLink(guid(101));
        assert.deepEqual([link?.device, link?.ranWith, link?.createdAt.getTime()], [guid(1), guid(1), 3]);
        assert.equal(await store.devices.getGuidLink(guid(2)), undefined, 'Credential Reuse: no link to itself');
        assert.deepEqual((await store.devices.getByReplacementGuid(guid(101)))?.guid, guid(1));
        assert.deepEqual((await store.devices.getByReplacementGuid(guid(2)))?.guid, guid(2));
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });

  test('processes killed mid-write (SIGKILL), two writing at once: nothing committed is lost, nothing is half-written', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('needs a database another process can open');
      const location = h.location;
      // Migrate first, so the children's start-up is not part of what is killed.
      await (await h.open(KEK)).close();
      const writer = (first: number) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(process.execPath, [WRITER, location, Buffer.from(KEK).toString('hex'), String(first)], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let acknowledged = 0;
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.stdout.on('data', (d: Buffer) => {
            acknowledged = Math.max(acknowledged, Number(d.toString().trim().split('\n').pop()));
            if (acknowledged >= 30) child.kill('SIGKILL');
          });
          child.on('exit', (_code, signal) =>
            signal === 'SIGKILL' ? resolve(acknowledged) : reject(new Error(`writer ended on its own: ${stderr}`)),
          );
        });
      const acknowledged = (await Promise.all([writer(1), writer(100_000)])).reduce((a, b) => a + b);
      const store = await h.open(KEK);
      try {
        const all = <T>(list: (after?: string) => Promise<{ items: T[]; next?: string }>) => drain(list).then((p) => p.flat());
        const vouchers = await all((after) => store.vouchers.list('owner', { limit: 1000, ...(after === undefined ? {} : { after }) }));
        const devices = await all((after) => store.devices.list({ limit: 1000, ...(after === undefined ? {} : { after }) }));
        const audit = await all((after) => store.audit.list({ limit: 1000, ...(after === undefined ? {} : { after }) }));
        assert.ok(vouchers.length >= acknowledged, `${vouchers.length} vouchers, ${acknowledged} acknowledged`);
        assert.equal(devices.length, vouchers.length);
        assert.equal(audit.length, vouchers.length);
        assert.deepEqual(audit.map((a) => a.subject).sort(), vouchers.map((v) => hex(v.guid)).sort());
        assert.ok(vouchers.every((v) => v.voucher.length === 512));
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
