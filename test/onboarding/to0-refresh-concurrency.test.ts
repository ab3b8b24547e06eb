import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { createTo0Refresh } from '../../src/onboarding/to0-refresh.ts';
import { recordTo0Success } from '../../src/onboarding/to0-status.ts';
import { openStore } from '../../src/store/open-store.ts';

test('a refresh pass runs at most `concurrency` registrations at once and lists them in page order', async () => {
  const store = await openStore({ path: ':memory:' }, { kek: new Uint8Array(randomBytes(32)) });
  try {
    const now = new Date('2026-12-01T00:00:00Z');
    const guids: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      const guid = new Uint8Array(16);
      guid[15] = i;
      guids.push(guid);
      await store.vouchers.put({ side: 'owner', guid, voucher: Uint8Array.of(i), state: 'imported' });
      // Registered for an hour, two hours ago: every one ran out and is due.
      const at = new Date(now.getTime() - 7_200_000);
      await recordTo0Success(store, guid, { at, waitSeconds: 3600, rendezvous: 'http://rv.test', actor: 'test' });
    }
    let inFlight = 0;
    let most = 0;
    const refresh = createTo0Refresh({
      store,
      clock: () => now,
      concurrency: 3,
      async register(voucher) {
        inFlight++;
        most = Math.max(most, inFlight);
        // Later vouchers answer sooner, so completion order differs from page order.
        await new Promise((r) => setTimeout(r, 40 - 2 * (voucher[0] ?? 0)));
        inFlight--;
        if (voucher[0] === 7) throw new Error('the rendezvous refused it');
        return { waitSeconds: 3600, rendezvous: 'http://rv.test' };
      },
    });
    const run = await refresh.runOnce();
    assert.equal(most, 3);
    assert.equal(run.checked, 20);
    assert.deepEqual(run.renewed, guids.filter((_, i) => i !== 7).map(guidToHex));
    assert.deepEqual(run.failed, [guidToHex(guids[7] as Uint8Array)]);
    assert.throws(
      () =>
        createTo0Refresh({
          store,
          clock: () => now,
          concurrency: 0,
          register: async () => ({ waitSeconds: 1, rendezvous: 'http://rv.test' }),
        }),
      TypeError,
    );
  } finally {
    await store.close();
  }
});
