import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceIntent, RECENT_FLOWS } from '../../../src/intent/device-intent.ts';
import { type IntentFlowInput, MAX_INTENT_FLOWS_PER_DEVICE } from '../../../src/store/intent-flow-repository.ts';
import { forEachDialect } from './dialects.ts';
import { withStore } from './shared.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';

const flow = (mac: string, peerPort: number, at: number, over: Partial<IntentFlowInput> = {}): IntentFlowInput => ({
  mac,
  direction: 'from-device',
  protocol: 6,
  peer: '198.51.100.7',
  peerPort,
  localPort: 0,
  verdict: 'accept',
  rule: 'cloud-out/https',
  at: new Date(at),
  ...over,
});

forEachDialect((make) => {
  test('intent flows: upserted per shape, counts added, newest first, the latest verdict and rule kept', async () => {
    await withStore(make, async (store) => {
      assert.deepEqual(await store.intentFlows.recent(A, 10), []);
      await store.intentFlows.record([
        flow(A, 443, T0),
        flow(A, 23, T0 + 5, { verdict: 'drop', rule: 'default-deny cloud-out' }),
        flow(B, 443, T0 + 9),
      ]);
      // The same shape twice in one report, and again later: one record.
      await store.intentFlows.record([flow(A, 443, T0 + 20, { count: 3 }), flow(A, 443, T0 + 10)]);
      // A later policy drops what it accepted; an older report does not undo that.
      await store.intentFlows.record([flow(A, 443, T0 + 30, { verdict: 'drop', rule: 'default-deny cloud-out' })]);
      await store.intentFlows.record([flow(A, 443, T0 + 25)]);
      const recent = await store.intentFlows.recent(A, 10);
      assert.deepEqual(
        recent.map((f) => [f.peerPort, f.verdict, f.rule, f.count, f.firstSeen.getTime() - T0, f.lastSeen.getTime() - T0]),
        [
          [443, 'drop', 'default-deny cloud-out', 7, 0, 30],
          [23, 'drop', 'default-deny cloud-out', 1, 5, 5],
        ],
      );
      assert.equal(recent[0]?.peer, '198.51.100.7');
      assert.equal(recent[0]?.direction, 'from-device');
      assert.deepEqual(
        (await store.intentFlows.recent(B, 10)).map((f) => f.mac),
        [B],
      );
      assert.equal((await store.intentFlows.recent(A, 1)).length, 1);
    });
  });

  test('intent flows: each device keeps only its most recently seen flows, the others untouched', async () => {
    await withStore(make, async (store) => {
      await store.intentFlows.record([flow(B, 1, T0)]);
      const many = Array.from({ length: MAX_INTENT_FLOWS_PER_DEVICE + 30 }, (_, i) => flow(A, i + 1, T0 + i));
      await store.intentFlows.record(many);
      const kept = await store.intentFlows.recent(A, MAX_INTENT_FLOWS_PER_DEVICE);
      assert.equal(kept.length, MAX_INTENT_FLOWS_PER_DEVICE);
      assert.equal(kept[0]?.peerPort, MAX_INTENT_FLOWS_PER_DEVICE + 30);
      assert.equal(kept.at(-1)?.peerPort, 31);
      assert.equal((await store.intentFlows.recent(B, 10)).length, 1);
    });
  });

  test('intent flows: input the store would not keep is refused, and nothing of the report is written', async () => {
    await withStore(make, async (store) => {
      await assert.rejects(store.intentFlows.record([flow(A, 443, T0), flow(A, 70000, T0)]), TypeError);
      await assert.rejects(store.intentFlows.record([flow(A, 443, T0, { verdict: 'maybe' as 'accept' })]), /verdict/);
      await assert.rejects(store.intentFlows.record([flow('not-a-mac', 443, T0)]), TypeError);
      await assert.rejects(store.intentFlows.recent(A, 0), TypeError);
      assert.deepEqual(await store.intentFlows.recent(A, 10), []);
    });
  });

  test("intent flows: written in one transaction, read by the device page's intent records, the newest RECENT_FLOWS", async () => {
    await withStore(make, async (store) => {
      const guid = 'c0'.padEnd(32, '0');
      await store.intentDevices.put({ mac: A, guid, urlSource: 'fdo', names: [], state: 'enforced', ruleCount: 2 });
      const flows = Array.from({ length: RECENT_FLOWS + 5 }, (_, i) => flow(A, i + 1, T0 + i * 1000));
      await store.transaction((r) => r.intentFlows.record(flows));
      await assert.rejects(
        store.transaction(async (r) => {
          await r.intentFlows.record([flow(A, 9999, T0 + 999_999)]);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      const [entry] = await deviceIntent(store, [guid]);
      assert.equal(entry?.flows.length, RECENT_FLOWS);
      assert.equal(entry?.flows[0]?.peerPort, RECENT_FLOWS + 5);
      assert.ok(entry?.flows.every((f) => f.peerPort !== 9999));
    });
  });
});
