import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { LAST_SEEN_INTERVAL_MS, lastSeen } from '../../src/lifecycle/last-seen.ts';
import { openStore } from '../../src/store/open-store.ts';

const A = new Uint8Array(16).fill(0x0a);
const B = new Uint8Array(16).fill(0x0b);

test('last seen: written in batches on flush, at most once per interval per device, with the address', async () => {
  const now = { ms: Date.parse('2030-01-01T00:00:00Z') };
  const clock = () => new Date(now.ms);
  const store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)), clock });
  const seen = lastSeen({ store, clock, flushMs: 3_600_000 });
  try {
    for (const g of [A, B]) await store.devices.upsert({ guid: g, state: 'active' });
    const first = now.ms;
    seen.seen(A, '192.0.2.1');
    seen.seen(B, undefined);
    assert.equal((await store.devices.get(A))?.lastSeenAt, undefined, 'nothing is written before the flush');
    now.ms += 1000;
    seen.seen(A, '192.0.2.2');
    await seen.flush();
    const a = await store.devices.get(A);
    assert.equal(a?.lastSeenAt?.getTime(), first, 'a second sighting within the interval is not kept');
    assert.equal(a?.lastSeenAddress, '192.0.2.1');
    assert.equal((await store.devices.get(B))?.lastSeenAt?.getTime(), first);
    now.ms = first + LAST_SEEN_INTERVAL_MS - 1;
    seen.seen(A, '192.0.2.3');
    await seen.flush();
    assert.equal((await store.devices.get(A))?.lastSeenAt?.getTime(), first);
    now.ms = first + LAST_SEEN_INTERVAL_MS;
    seen.seen(A, '192.0.2.4');
    await seen.close();
    const later = await store.devices.get(A);
    assert.equal(later?.lastSeenAt?.getTime(), now.ms, 'once the interval has passed the next sighting is kept; close writes it');
    assert.equal(later?.lastSeenAddress, '192.0.2.4');
  } finally {
    await seen.close();
    await store.close();
  }
});
