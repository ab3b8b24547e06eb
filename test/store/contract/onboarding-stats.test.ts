import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../../src/store/store.ts';
import type { VoucherSide, VoucherState } from '../../../src/store/voucher-repository.ts';
import { forEachDialect } from './dialects.ts';
import { guid, movableClock, withStore } from './shared.ts';

const HOUR = 3_600_000;

async function voucher(store: Store, side: VoucherSide, n: number, state: VoucherState): Promise<void> {
  await store.vouchers.put({ side, guid: guid(n), voucher: Uint8Array.of(n), state });
}

forEachDialect((make) => {
  test('onboarding stats: vouchers by side and state, devices by state, milestones; an empty store counts zero', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        assert.deepEqual(await store.onboardingStats.voucherStates(), []);
        assert.deepEqual(await store.onboardingStats.deviceStates(), []);
        assert.deepEqual(await store.onboardingStats.deviceMilestones(), { onboarded: 0, activated: 0 });
        for (const n of [1, 2, 3]) await voucher(store, 'manufacturer', n, n === 1 ? 'created' : 'extended');
        for (const n of [2, 3]) await voucher(store, 'owner', n, n === 2 ? 'registered' : 'onboarded');
        assert.deepEqual(await store.onboardingStats.voucherStates(), [
          { side: 'manufacturer', state: 'created', count: 1 },
          { side: 'manufacturer', state: 'extended', count: 2 },
          { side: 'owner', state: 'onboarded', count: 1 },
          { side: 'owner', state: 'registered', count: 1 },
        ]);

        for (const n of [1, 2, 3, 4]) await store.devices.upsert({ guid: guid(n), state: 'manufactured' });
        await store.devices.upsert({ guid: guid(2), state: 'registered' });
        for (const n of [3, 4]) await store.devices.markOnboarded(guid(n), guid(n));
        await store.devices.upsert({ guid: guid(4), state: 'active' });
        await store.devices.upsert({ guid: guid(4), state: 'suspended' });
        assert.deepEqual(await store.onboardingStats.deviceStates(), [
          { state: 'manufactured', count: 1 },
          { state: 'onboarded', count: 1 },
          { state: 'registered', count: 1 },
          { state: 'suspended', count: 1 },
        ]);
        // A suspended device was active once: the milestone stays.
        assert.deepEqual(await store.onboardingStats.deviceMilestones(), { onboarded: 2, activated: 1 });
      },
      c.clock,
    );
  });

  test('onboarding stats: TO0 health counts only vouchers still to keep registered', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const now = new Date(c.now());
        const soon = new Date(c.now() + 24 * HOUR);
        assert.deepEqual(await store.onboardingStats.to0Health(now, soon), { tracked: 0, due: 0, failing: 0, expiringSoon: 0, expired: 0 });
        const reg = (n: number, o: { until?: number; refresh?: number; failures?: number }) =>
          store.to0Registrations.put({
            guid: guid(n),
            lastAttemptAt: now,
            failures: o.failures ?? 0,
            ...(o.until === undefined ? {} : { registeredAt: now, registeredUntil: new Date(c.now() + o.until), waitSeconds: 3600 }),
            ...(o.refresh === undefined ? {} : { refreshAt: new Date(c.now() + o.refresh) }),
            ...(o.failures === undefined
              ? {}
              : { lastError: { code: 'ERR_TO0_CONNECT', message: 'refused', at: now }, retryAt: new Date(c.now() + 60_000) }),
          });
        await voucher(store, 'owner', 1, 'registered');
        await reg(1, { until: 48 * HOUR, refresh: 36 * HOUR });
        await voucher(store, 'owner', 2, 'registered');
        await reg(2, { until: 2 * HOUR, refresh: -HOUR });
        await voucher(store, 'owner', 3, 'imported');
        await reg(3, { failures: 3 });
        await voucher(store, 'owner', 4, 'registered');
        await reg(4, { until: -HOUR, refresh: -2 * HOUR, failures: 1 });
        // Onboarded and resold vouchers need no registration: their records are not counted.
        await voucher(store, 'owner', 5, 'onboarded');
        await reg(5, { until: HOUR, refresh: -HOUR, failures: 2 });
        await voucher(store, 'owner', 6, 'resold');
        await reg(6, { until: -HOUR, failures: 1 });
        assert.deepEqual(await store.onboardingStats.to0Health(now, soon), { tracked: 4, due: 2, failing: 2, expiringSoon: 1, expired: 1 });
      },
      c.clock,
    );
  });

  test('onboarding stats: rendezvous registrations and the expired ones', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        assert.deepEqual(await store.onboardingStats.rendezvousCounts(new Date(c.now())), { registrations: 0, expired: 0 });
        for (const [n, ms] of [
          [1, -1000],
          [2, 0],
          [3, 1000],
        ] as const)
          await store.rendezvous.put({
            guid: guid(n),
            to1d: Uint8Array.of(n),
            voucher: Uint8Array.of(n),
            expiresAt: new Date(c.now() + ms),
          });
        assert.deepEqual(await store.onboardingStats.rendezvousCounts(new Date(c.now())), { registrations: 3, expired: 2 });
      },
      c.clock,
    );
  });

  test('onboarding stats: devices per hour of their last TO2, within [since, until)', async () => {
    const c = movableClock(Date.parse('2030-01-01T10:00:00Z'));
    await withStore(
      make,
      async (store) => {
        const onboardAt = async (n: number, at: number) => {
          c.advance(at - c.now());
          await store.devices.upsert({ guid: guid(n), state: 'manufactured' });
          await store.devices.markOnboarded(guid(n), guid(n));
        };
        await onboardAt(1, Date.parse('2030-01-01T10:05:00Z'));
        await onboardAt(2, Date.parse('2030-01-01T10:59:59.999Z'));
        await onboardAt(3, Date.parse('2030-01-01T12:00:00Z'));
        await onboardAt(4, Date.parse('2030-01-01T13:30:00Z'));
        await store.devices.upsert({ guid: guid(5), state: 'manufactured' });
        const since = new Date('2030-01-01T10:00:00Z');
        const until = new Date('2030-01-01T13:00:00Z');
        assert.deepEqual(await store.onboardingStats.onboardedPerHour(since, until), [
          { hour: new Date('2030-01-01T10:00:00Z'), count: 2 },
          { hour: new Date('2030-01-01T12:00:00Z'), count: 1 },
        ]);
        assert.deepEqual(
          await store.onboardingStats.onboardedPerHour(new Date('2030-01-01T11:00:00Z'), new Date('2030-01-01T12:00:00Z')),
          [],
        );
      },
      c.clock,
    );
  });
});
