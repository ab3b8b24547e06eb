import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntentDeviceInput } from '../../../src/store/intent-device-repository.ts';
import { forEachDialect } from './dialects.ts';
import { drain, movableClock, withStore } from './shared.ts';

const device = (mac: string, extra: Partial<IntentDeviceInput> = {}): IntentDeviceInput => ({
  mac,
  urlSource: 'api',
  names: [],
  state: 'pending',
  ruleCount: 0,
  ...extra,
});

forEachDialect((make) => {
  test('intent devices: every field round-trips, replace keeps createdAt, found by address, paged, due', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const full: IntentDeviceInput = device('02:00:00:00:00:01', {
          guid: 'a0'.padEnd(32, '0'),
          name: 'bulb',
          ipv4: '192.0.2.10',
          ipv6: '2001:db8::10',
          mudUrl: 'https://mud.example/bulb.json',
          urlSource: 'dhcp',
          mud: { json: '{"ietf-mud:mud":{}}', digest: 'ab'.repeat(32), signer: 'CN=signer', signed: true },
          fetch: {
            etag: '"v1"',
            fetchedAt: new Date(c.now()),
            validUntil: new Date(c.now() + 3_600_000),
            failures: 2,
            nextAttempt: new Date(c.now() + 60_000),
          },
          lastError: { code: 'ERR_INTENT_FETCH_NETWORK', message: 'unreachable', at: new Date(c.now()) },
          names: [{ name: 'cloud.example.com', addresses: ['198.51.100.7', '2001:db8::7'], expiresAt: new Date(c.now() + 300_000) }],
          state: 'enforced',
          ruleCount: 12,
          dueAt: new Date(c.now() + 60_000),
        });
        const stored = await store.intentDevices.put(full);
        assert.equal(stored.createdAt.getTime(), c.now());
        const got = await store.intentDevices.get('02:00:00:00:00:01');
        assert.ok(got !== undefined);
        const { createdAt, updatedAt, ...rest } = got;
        assert.deepEqual(rest, full);
        assert.equal(updatedAt.getTime(), c.now());
        assert.equal(createdAt.getTime(), c.now());

        const first = c.now();
        c.advance(1000);
        const replaced = await store.intentDevices.put(device('02:00:00:00:00:01', { ipv4: '192.0.2.11' }));
        assert.equal(replaced.createdAt.getTime(), first);
        assert.equal(replaced.updatedAt.getTime(), c.now());
        assert.equal(replaced.mud, undefined);
        assert.equal(replaced.fetch, undefined);
        assert.equal(replaced.lastError, undefined);
        assert.equal(replaced.ipv6, undefined);
        const never = await store.intentDevices.put(device('02:00:00:00:00:01', { ipv4: '192.0.2.11', failedAttempts: 3 }));
        assert.equal(never.failedAttempts, 3, 'a device without a fetch record keeps its failed attempts');
        assert.equal((await store.intentDevices.get('02:00:00:00:00:01'))?.failedAttempts, 3);
        assert.equal((await store.intentDevices.put(device('02:00:00:00:00:01', { ipv4: '192.0.2.11' }))).failedAttempts, undefined);

        assert.equal((await store.intentDevices.findByAddress({ ipv4: '192.0.2.11' }))?.mac, '02:00:00:00:00:01');
        await store.intentDevices.put(device('02:00:00:00:00:09', { ipv4: '192.0.2.19', state: 'removed' }));
        assert.equal(await store.intentDevices.findByAddress({ ipv4: '192.0.2.19' }), undefined, 'a removed device holds no address');
        await store.intentDevices.delete('02:00:00:00:00:09');
        assert.deepEqual(await store.intentDevices.findByGuid('a0'.padEnd(32, '0')), []);
        await store.intentDevices.put(device('02:00:00:00:00:05', { guid: 'b1'.repeat(16) }));
        assert.deepEqual(
          (await store.intentDevices.findByGuid('b1'.repeat(16))).map((d) => d.mac),
          ['02:00:00:00:00:05'],
        );
        await store.intentDevices.delete('02:00:00:00:00:05');
        assert.equal(await store.intentDevices.findByAddress({ ipv4: '192.0.2.10' }), undefined);
        assert.equal(await store.intentDevices.findByAddress({}), undefined);
        await store.intentDevices.put(device('02:00:00:00:00:03', { ipv6: '2001:db8::3', dueAt: new Date(c.now() - 5) }));
        assert.equal((await store.intentDevices.findByAddress({ ipv6: '2001:db8::3' }))?.mac, '02:00:00:00:00:03');
        await store.intentDevices.put(device('02:00:00:00:00:02', { dueAt: new Date(c.now() - 10) }));
        await store.intentDevices.put(device('02:00:00:00:00:04', { dueAt: new Date(c.now() + 10) }));

        const pages = await drain((after) => store.intentDevices.list({ limit: 3, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((d) => d.mac.slice(-1))),
          [['1', '2', '3'], ['4']],
        );
        assert.deepEqual(
          (await store.intentDevices.due(new Date(c.now()), 10)).map((d) => d.mac.slice(-1)),
          ['2', '3'],
        );
        assert.deepEqual(
          (await store.intentDevices.due(new Date(c.now()), 1)).map((d) => d.mac.slice(-1)),
          ['2'],
        );

        assert.equal(await store.intentDevices.delete('02:00:00:00:00:04'), true);
        assert.equal(await store.intentDevices.delete('02:00:00:00:00:04'), false);
        assert.equal(await store.intentDevices.get('not a mac'), undefined);
      },
      c.clock,
    );
  });

  test('intent devices: refuses what it would not keep', async () => {
    await withStore(make, async (store) => {
      const bad: Partial<IntentDeviceInput>[] = [
        { mac: '02-00-00-00-00-01' },
        { guid: 'XYZ' },
        { urlSource: 'carrier-pigeon' as 'api' },
        { state: 'maybe' as 'pending' },
        { ruleCount: -1 },
        { mud: { json: 'x'.repeat(2 * 1024 * 1024 + 1), digest: '0', signed: false } },
        { names: Array.from({ length: 257 }, (_, i) => ({ name: `n${i}`, addresses: [], expiresAt: new Date() })) },
      ];
      for (const b of bad) await assert.rejects(store.intentDevices.put({ ...device('02:00:00:00:00:01'), ...b }), TypeError);
      assert.equal((await store.intentDevices.list()).items.length, 0);
    });
  });

  test('intent violations: upsert by flow shape counts, keeps first/last seen, pages per device and overall', async () => {
    const c = movableClock();
    await withStore(make, async (store) => {
      const flow = {
        mac: '02:00:00:00:00:01',
        direction: 'from-device' as const,
        protocol: 6,
        peer: '203.0.113.9',
        peerPort: 443,
        localPort: 0,
      };
      const t0 = new Date(c.now());
      await store.intentViolations.record({ ...flow, acl: 'from-ipv4', at: t0 });
      const later = new Date(c.now() + 5000);
      const earlier = new Date(c.now() - 5000);
      await store.intentViolations.record({ ...flow, acl: 'from-ipv4', at: later, count: 3 });
      const r = await store.intentViolations.record({ ...flow, acl: 'from-ipv4', at: earlier });
      assert.equal(r.count, 5);
      assert.equal(r.firstSeen.getTime(), earlier.getTime());
      assert.equal(r.lastSeen.getTime(), later.getTime());
      await store.intentViolations.record({ ...flow, protocol: 17, acl: 'from-ipv4', at: t0 });
      await store.intentViolations.record({ ...flow, mac: '02:00:00:00:00:02', acl: 'default-deny', at: t0 });
      assert.equal(await store.intentViolations.total('02:00:00:00:00:01'), 6);
      assert.equal(await store.intentViolations.total('02:00:00:00:00:09'), 0);
      const mine = await drain((after) =>
        store.intentViolations.list({ mac: '02:00:00:00:00:01', limit: 1, ...(after === undefined ? {} : { after }) }),
      );
      assert.deepEqual(
        mine.map((p) => p.map((v) => v.protocol)),
        [[17], [6]],
      );
      const all = await drain((after) => store.intentViolations.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
      assert.equal(all.flat().length, 3);
      await assert.rejects(store.intentViolations.record({ ...flow, peerPort: 70000, acl: 'x', at: t0 }), TypeError);
      await assert.rejects(store.intentViolations.record({ ...flow, peer: '', acl: 'x', at: t0 }), TypeError);
      assert.equal(await store.intentViolations.clear('02:00:00:00:00:01'), 2);
      assert.equal(await store.intentViolations.total('02:00:00:00:00:01'), 0);
    });
  });

  test('intent quarantine actions: append-only, oldest first, filtered by device, paged', async () => {
    await withStore(make, async (store) => {
      const a = await store.intentQuarantine.append({
        mac: '02:00:00:00:00:01',
        action: 'quarantine',
        actor: 'system',
        reason: '10 violations',
      });
      await store.intentQuarantine.append({ mac: '02:00:00:00:00:02', action: 'quarantine', actor: 'token:x', reason: 'manual' });
      const b = await store.intentQuarantine.append({ mac: '02:00:00:00:00:01', action: 'release', actor: 'token:y', reason: '' });
      assert.ok(b.id > a.id);
      const pages = await drain((after) =>
        store.intentQuarantine.list({ mac: '02:00:00:00:00:01', limit: 1, ...(after === undefined ? {} : { after }) }),
      );
      assert.deepEqual(
        pages.flat().map((x) => [x.action, x.actor]),
        [
          ['quarantine', 'system'],
          ['release', 'token:y'],
        ],
      );
      assert.equal((await store.intentQuarantine.list()).items.length, 3);
      await assert.rejects(store.intentQuarantine.append({ mac: 'm', action: 'x' as 'release', actor: 'a', reason: '' }), TypeError);
    });
  });

  test('intent leases: one holder at a time, renewal by the holder, taken over after expiry, released', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const l = store.intentLeases;
        assert.equal((await l.acquire('gw1', 'a', 10_000)).holder, 'a');
        assert.equal((await l.acquire('gw1', 'b', 10_000)).holder, 'a');
        assert.equal((await l.acquire('gw2', 'b', 10_000)).holder, 'b');
        c.advance(9_000);
        const renewed = await l.acquire('gw1', 'a', 10_000);
        assert.equal(renewed.expiresAt.getTime(), c.now() + 10_000);
        c.advance(9_000);
        assert.equal((await l.acquire('gw1', 'b', 10_000)).holder, 'a');
        c.advance(1_000);
        assert.equal((await l.acquire('gw1', 'b', 10_000)).holder, 'b');
        assert.equal(await l.release('gw1', 'a'), false);
        assert.equal(await l.release('gw1', 'b'), true);
        assert.equal(await l.get('gw1'), undefined);
        assert.equal((await l.acquire('gw1', 'a', 10_000)).holder, 'a');
        // Many contenders at once: exactly one ends up holding.
        const results = await Promise.all(['p', 'q', 'r', 's'].map((h) => l.acquire('gw3', h, 10_000)));
        const holders = new Set(results.map((x) => x.holder));
        assert.equal(holders.size, 1);
      },
      c.clock,
    );
  });
});
