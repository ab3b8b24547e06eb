import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maintenanceWindow } from '../../../src/lifecycle/campaigns/window.ts';

describe('maintenance windows', () => {
  test('open from each cron run for its minutes, in its time zone', () => {
    // 02:00 in Berlin is 01:00 UTC in winter.
    const open = maintenanceWindow({ cron: '0 2 * * *', minutes: 90, timeZone: 'Europe/Berlin' });
    assert.equal(open(new Date('2026-12-07T00:59:59Z')), false);
    assert.equal(open(new Date('2026-12-07T01:00:00Z')), true, 'open at the run itself');
    assert.equal(open(new Date('2026-12-07T02:29:59Z')), true);
    assert.equal(open(new Date('2026-12-07T02:30:00Z')), false, 'closed after 90 minutes');
    // Summer time: 02:00 in Berlin is 00:00 UTC.
    assert.equal(open(new Date('2026-07-01T00:30:00Z')), true);
    assert.equal(open(new Date('2026-07-01T01:45:00Z')), false);
  });
  test('weekdays only, UTC by default', () => {
    const open = maintenanceWindow({ cron: '0 22 * * 1-5', minutes: 120 });
    assert.equal(open(new Date('2026-12-07T23:00:00Z')), true, 'Monday 23:00');
    assert.equal(open(new Date('2026-12-05T23:00:00Z')), false, 'Saturday');
    assert.equal(open(new Date('2026-12-07T23:59:59Z')), true);
    assert.equal(open(new Date('2026-12-08T00:00:00Z')), false, 'two hours after Monday 22:00');
    const overnight = maintenanceWindow({ cron: '0 23 * * 1', minutes: 180 });
    assert.equal(overnight(new Date('2026-12-08T01:30:00Z')), true, 'past midnight, the window opened Monday');
  });
  test('faults are ERR_CAMPAIGN_WINDOW', () => {
    for (const w of [
      { cron: '0 2 * * *', minutes: 0 },
      { cron: '0 2 * * *', minutes: 10081 },
      { cron: '0 2 * * *', minutes: 10, timeZone: 'Mars/Olympus' },
      { cron: 'not cron', minutes: 10 },
      { cron: '61 2 * * *', minutes: 10 },
    ])
      assert.throws(() => maintenanceWindow(w), { code: 'ERR_CAMPAIGN_WINDOW' }, JSON.stringify(w));
  });
});
