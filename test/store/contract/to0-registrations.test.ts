import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../../src/store/store.ts';
import type { To0RegistrationRecord } from '../../../src/store/to0-registration-repository.ts';
import type { VoucherState } from '../../../src/store/voucher-repository.ts';
import { forEachDialect } from './dialects.ts';
import { atMigration, drain, guid, hex, KEK, movableClock, withStore } from './shared.ts';

const at = (iso: string) => new Date(iso);

const full: To0RegistrationRecord = {
  guid: guid(1),
  rendezvous: 'https://rv.example:8041',
  waitSeconds: 3600,
  registeredAt: at('2030-01-01T00:00:00Z'),
  registeredUntil: at('2030-01-01T01:00:00Z'),
  refreshAt: at('2030-01-01T00:45:00Z'),
  lastAttemptAt: at('2030-01-01T00:30:00Z'),
  failures: 2,
  lastError: { code: 'ERR_TO0_CONNECT', message: 'connection refused', at: at('2030-01-01T00:30:00Z') },
  retryAt: at('2030-01-01T00:32:00Z'),
};

async function ownerVoucher(store: Store, n: number, state: VoucherState): Promise<void> {
  await store.vouchers.put({ side: 'owner', guid: guid(n), voucher: Uint8Array.of(n), state });
}

forEachDialect((make) => {
  test('TO0 registrations: every field round-trips, put replaces the whole record, delete, rollback, malformed records refused', async () => {
    await withStore(make, async (store) => {
      assert.equal(await store.to0Registrations.get(guid(1)), undefined);
      await store.to0Registrations.put(full);
      assert.deepEqual(await store.to0Registrations.get(guid(1)), full);
      const failedOnly = { guid: guid(1), lastAttemptAt: at('2030-01-02T00:00:00Z'), failures: 0 };
      await store.to0Registrations.put(failedOnly);
      assert.deepEqual(await store.to0Registrations.get(guid(1)), failedOnly, 'fields left out are gone');
      assert.equal(await store.to0Registrations.delete(guid(1)), true);
      assert.equal(await store.to0Registrations.delete(guid(1)), false);
      assert.equal(await store.to0Registrations.get(guid(1)), undefined);

      await assert.rejects(
        store.transaction(async (r) => {
          await r.to0Registrations.put(full);
          assert.ok(await r.to0Registrations.get(guid(1)), 'the transaction sees its own write');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.to0Registrations.get(guid(1)), undefined);

      for (const bad of [
        { ...full, guid: Uint8Array.of(1) },
        { ...full, failures: -1 },
        { ...full, failures: 1.5 },
        { ...full, waitSeconds: 2.5 },
        { ...full, lastAttemptAt: new Date(Number.NaN) },
        { ...full, retryAt: 'tomorrow' as unknown as Date },
      ]) {
        await assert.rejects(store.to0Registrations.put(bad), TypeError);
      }
      assert.equal(await store.to0Registrations.get(guid(1)), undefined);
    });
  });

  test('TO0 registrations: listDue gives refreshes come and every failing registration, of vouchers still to keep registered, paged in GUID order', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const now = new Date(c.now());
        const later = (ms: number) => new Date(c.now() + ms);
        const base = { lastAttemptAt: now, failures: 0 };
        const rows: [number, VoucherState, Partial<To0RegistrationRecord>][] = [
          [1, 'registered', { refreshAt: later(-1) }], // refresh come
          [2, 'registered', { refreshAt: later(1000) }], // refresh ahead
          [3, 'registered', { refreshAt: now, failures: 1, retryAt: later(5000) }], // refresh come, backing off: listed
          [4, 'imported', { failures: 2, retryAt: later(5000) }], // failed, backing off: listed, the caller waits
          [5, 'imported', { failures: 1, retryAt: now }], // failed, retry come
          [6, 'imported', { failures: 1 }], // failed, no retry time
          [7, 'onboarded', { refreshAt: later(-1), failures: 1 }], // the device found its owner
          [8, 'resold', { refreshAt: later(-1) }],
          [9, 'registered', {}], // nothing to do
        ];
        for (const [n, state, fields] of rows) {
          await ownerVoucher(store, n, state);
          await store.to0Registrations.put({ guid: guid(n), ...base, ...fields });
        }
        // A registration without an owner voucher (a manufacturer-side one only) is not listed either.
        await store.vouchers.put({ side: 'manufacturer', guid: guid(10), voucher: Uint8Array.of(10), state: 'created' });
        await store.to0Registrations.put({ guid: guid(10), ...base, refreshAt: later(-1) });

        const due = async (t: Date) =>
          (await drain((after) => store.to0Registrations.listDue(t, { limit: 2, ...(after === undefined ? {} : { after }) })))
            .flat()
            .map((r) => r.guid[15]);
        assert.deepEqual(await due(now), [1, 3, 4, 5, 6]);
        const pages = await drain((after) => store.to0Registrations.listDue(now, { limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((r) => hex(r.guid).slice(-2))),
          [['01', '03'], ['04', '05'], ['06']],
        );
        assert.deepEqual((await store.to0Registrations.listDue(now)).items[1], {
          guid: guid(3),
          ...base,
          refreshAt: now,
          failures: 1,
          retryAt: later(5000),
        });
        assert.deepEqual(await due(later(5000)), [1, 2, 3, 4, 5, 6]);
        await store.vouchers.setState('owner', guid(9), 'imported');
        assert.deepEqual(await due(later(5000)), [1, 2, 3, 4, 5, 6], 'no failure, no refresh time: never due');
        await assert.rejects(store.to0Registrations.listDue(now, { limit: 0 }), TypeError);
      },
      c.clock,
    );
  });

  test('TO0 registrations: migration 0006 moves the owner.to0 statuses out of settings, with registered_until from the voucher', async (t) => {
    const h = await make();
    try {
      if (h.location === undefined) return t.skip('needs a database that outlives one connection');
      const until = Date.parse('2030-01-02T00:00:00Z');
      const registeredAt = '2030-01-01T00:00:00.000Z';
      await atMigration(h.location, '0005-mud-files', async (db) => {
        const voucher = (n: number, state: string, registeredUntil: number | null, updatedAt = 5) => ({
          side: 'owner',
          guid: hex(guid(n)),
          voucher: Uint8Array.of(n),
          state,
          created_at: 1,
          updated_at: updatedAt,
          registered_until: registeredUntil,
        });
        await db
          .insertInto('vouchers')
          .values([
            voucher(1, 'registered', until),
            voucher(2, 'imported', null),
            voucher(3, 'registered', until, until - 40_000),
            voucher(4, 'registered', until, until - 40_000),
          ])
          .execute();
        const setting = (scope: string, key: string, value: unknown) => ({ scope, key, value: JSON.stringify(value), updated_at: 7 });
        await db
          .insertInto('settings')
          .values([
            setting('owner.to0', hex(guid(1)), {
              rendezvous: 'https://rv.example',
              waitSeconds: 86400,
              registeredAt,
              lastAttemptAt: registeredAt,
              failures: 0,
            }),
            setting('owner.to0', hex(guid(2)).toUpperCase(), {
              lastAttemptAt: '2030-01-01T00:10:00.000Z',
              failures: 3,
              lastError: { code: 'ERR_X', message: 'refused', at: '2030-01-01T00:10:00.000Z' },
              retryAt: '2030-01-01T00:18:00.000Z',
            }),
            setting('owner.to0', hex(guid(4)), { failures: 'many' }),
            setting('owner.to0', 'not-a-guid', { lastAttemptAt: registeredAt, failures: 0 }),
            setting('owner', 'to2-address', { keep: true }),
          ])
          .execute();
      });
      const store = await h.open(KEK);
      try {
        assert.deepEqual(await store.to0Registrations.get(guid(1)), {
          guid: guid(1),
          rendezvous: 'https://rv.example',
          waitSeconds: 86400,
          registeredAt: new Date(registeredAt),
          registeredUntil: new Date(until),
          refreshAt: new Date(until - 86400_000 / 4),
          lastAttemptAt: new Date(registeredAt),
          failures: 0,
        });
        assert.deepEqual(await store.to0Registrations.get(guid(2)), {
          guid: guid(2),
          lastAttemptAt: new Date('2030-01-01T00:10:00.000Z'),
          failures: 3,
          lastError: { code: 'ERR_X', message: 'refused', at: new Date('2030-01-01T00:10:00.000Z') },
          retryAt: new Date('2030-01-01T00:18:00.000Z'),
        });
        // Registered before statuses were kept: the lifetime counts from the voucher's last update.
        assert.deepEqual(await store.to0Registrations.get(guid(3)), {
          guid: guid(3),
          registeredUntil: new Date(until),
          refreshAt: new Date(until - 10_000),
          lastAttemptAt: new Date(until - 40_000),
          failures: 0,
        });
        assert.equal((await store.to0Registrations.get(guid(4)))?.failures, 0, 'a malformed status is not moved; the voucher still is');
        assert.deepEqual(
          (await store.settings.list('owner.to0')).items.map((i) => i.key),
          [hex(guid(4)), 'not-a-guid'],
          'what does not have the status shape stays where it was',
        );
        assert.deepEqual(await store.settings.get('owner', 'to2-address'), { keep: true });
        assert.deepEqual(
          (await store.to0Registrations.listDue(new Date('2030-01-01T00:20:00Z'))).items.map((r) => r.guid[15]),
          [2],
        );
        assert.deepEqual(await store.migrate(), []);
      } finally {
        await store.close();
      }
    } finally {
      await h.destroy();
    }
  });
});
