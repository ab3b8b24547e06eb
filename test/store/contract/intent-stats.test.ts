import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntentDeviceInput } from '../../../src/store/intent-device-repository.ts';
import { parseViolationKey, violationKey } from '../../../src/store/intent-violation-repository.ts';
import { forEachDialect } from './dialects.ts';
import { withStore } from './shared.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');

const device = (mac: string, state: IntentDeviceInput['state']): IntentDeviceInput => ({
  mac,
  urlSource: 'api',
  names: [],
  state,
  ruleCount: 0,
});

const flow = (mac: string, peer: string, at: number) => ({
  mac,
  direction: 'from-device' as const,
  protocol: 6,
  peer,
  peerPort: 23,
  localPort: 0,
  acl: 'from',
  at: new Date(at),
});

forEachDialect((make) => {
  test('intent stats: devices per enforcement state, every state present; devices listed by state', async () => {
    await withStore(make, async (store) => {
      const empty = await store.intentStats.devicesByState();
      assert.equal(empty.enforced, 0);
      assert.equal(Object.keys(empty).length, 7);
      await store.intentDevices.put(device('02:00:00:00:00:01', 'enforced'));
      await store.intentDevices.put(device('02:00:00:00:00:02', 'enforced'));
      await store.intentDevices.put(device('02:00:00:00:00:03', 'quarantined'));
      await store.intentDevices.put(device('02:00:00:00:00:04', 'default-deny'));
      const counts = await store.intentStats.devicesByState();
      assert.deepEqual(counts, { pending: 0, enforced: 2, 'default-deny': 1, allowed: 0, quarantined: 1, failed: 0, removed: 0 });
      const first = await store.intentDevices.list({ state: 'enforced', limit: 1 });
      assert.deepEqual(
        first.items.map((d) => d.mac),
        ['02:00:00:00:00:01'],
      );
      assert.ok(first.next !== undefined);
      const second = await store.intentDevices.list({ state: 'enforced', limit: 1, after: first.next });
      assert.deepEqual(
        second.items.map((d) => d.mac),
        ['02:00:00:00:00:02'],
      );
      assert.deepEqual(
        (await store.intentDevices.list({ state: 'quarantined' })).items.map((d) => d.mac),
        ['02:00:00:00:00:03'],
      );
    });
  });

  test('intent stats: violating flows by the hour they were first and last seen, inside the window only', async () => {
    await withStore(make, async (store) => {
      const mac = '02:00:00:00:00:01';
      await store.intentViolations.record(flow(mac, '198.51.100.1', T0 + 10));
      await store.intentViolations.record(flow(mac, '198.51.100.1', T0 + 2 * HOUR + 5));
      await store.intentViolations.record(flow(mac, '198.51.100.2', T0 + HOUR - 1));
      await store.intentViolations.record(flow(mac, '198.51.100.3', T0 + 2 * HOUR));
      await store.intentViolations.record(flow(mac, '198.51.100.4', T0 - 1));
      await store.intentViolations.record(flow(mac, '198.51.100.5', T0 + 3 * HOUR));
      const hours = await store.intentStats.violationsByHour(new Date(T0), 3);
      assert.deepEqual(
        hours.map((h) => [h.hour.toISOString(), h.firstSeen, h.lastSeen]),
        [
          ['2030-01-01T00:00:00.000Z', 2, 1],
          ['2030-01-01T01:00:00.000Z', 0, 0],
          ['2030-01-01T02:00:00.000Z', 1, 2],
        ],
      );
      assert.equal(
        (await store.intentStats.violationsByHour(new Date(T0 + 10 * HOUR), 2)).every((h) => h.firstSeen === 0),
        true,
      );
      await assert.rejects(store.intentStats.violationsByHour(new Date(T0 + 1), 2), TypeError);
      await assert.rejects(store.intentStats.violationsByHour(new Date(T0), 0), TypeError);
      await assert.rejects(store.intentStats.violationsByHour(new Date(T0), 10_000), TypeError);
    });
  });

  test('intent violations: one found by its key, none for another key', async () => {
    await withStore(make, async (store) => {
      const v = flow('02:00:00:00:00:01', '2001:db8::7', T0);
      await store.intentViolations.record({ ...v, count: 4 });
      const key = parseViolationKey(violationKey(v));
      assert.ok(key !== undefined);
      const got = await store.intentViolations.get(key);
      assert.equal(got?.count, 4);
      assert.equal(got?.peer, '2001:db8::7');
      assert.equal(got?.firstSeen.getTime(), T0);
      assert.equal(await store.intentViolations.get({ ...key, peerPort: 24 }), undefined);
    });
  });
});

test('violation keys: parsed back, and text that is not one is refused', () => {
  const k = { mac: '02:00:00:00:00:01', direction: 'to-device', protocol: 17, peer: '2001:db8::1', peerPort: 53, localPort: 5353 } as const;
  assert.deepEqual(parseViolationKey(violationKey(k)), k);
  for (const bad of ['', 'a|b', '02:00:00:00:00:01|sideways|6|x|1|2', '02:00:00:00:00:01|to-device|6|x|1|99999', 'zz|to-device|6|x|1|2'])
    assert.equal(parseViolationKey(bad), undefined, bad);
});
