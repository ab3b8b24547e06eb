import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planWaves } from '../../../src/lifecycle/campaigns/waves.ts';

const targets = Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(32, '0'));

describe('campaign waves', () => {
  test('by count and percentage; the last wave takes the rest; every target once', () => {
    const waves = planWaves('c1', targets, [{ count: 5 }, { percent: 20 }, { percent: 75 }]);
    assert.deepEqual(
      waves.map((w) => w.length),
      [5, 20, 75],
    );
    assert.deepEqual(waves.flat().sort(), [...targets].sort());
  });
  test('stable for a campaign, another order for another campaign, not the GUID order', () => {
    const a = planWaves('c1', targets, [{ count: 10 }, { count: 1 }]);
    assert.deepEqual(planWaves('c1', [...targets].reverse(), [{ count: 10 }, { count: 1 }]), a);
    assert.notDeepEqual(planWaves('c2', targets, [{ count: 10 }, { count: 1 }])[0], a[0]);
    assert.notDeepEqual(a[0], targets.slice(0, 10));
  });
  test('fewer targets than waves: no empty wave; a percentage is at least one device', () => {
    assert.deepEqual(
      planWaves('c', targets.slice(0, 2), [{ percent: 1 }, { percent: 1 }, { percent: 98 }]).map((w) => w.length),
      [1, 1],
    );
    assert.deepEqual(planWaves('c', [], [{ count: 1 }]), []);
  });
  test('bad sizes are ERR_CAMPAIGN_WAVES', () => {
    for (const sizes of [
      [],
      [{ count: 0 }],
      [{ count: 1.5 }],
      [{ percent: 0 }],
      [{ percent: 60 }, { percent: 50 }],
      Array(65).fill({ count: 1 }),
    ])
      assert.throws(() => planWaves('c', targets, sizes), { code: 'ERR_CAMPAIGN_WAVES' }, JSON.stringify(sizes).slice(0, 40));
  });
});
