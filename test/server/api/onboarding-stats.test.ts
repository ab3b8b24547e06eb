import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { guidFromText } from '../../../src/fdo/types/guid.ts';
import { type ApiWorld, bearer, manufacture, startApiWorld } from './world.ts';

interface Stats {
  at: string;
  vouchers: { manufacturer: Record<string, number>; owner: Record<string, number> };
  devices: Record<string, number>;
  funnel: { stage: string; count: number }[];
  to0: Record<string, number>;
  rendezvous: { registrations: number; expired: number };
  onboardedPerHour: { hour: string; count: number }[];
}

describe('management API: GET /stats/onboarding', () => {
  let w: ApiWorld;
  const guids: string[] = [];
  before(async () => {
    w = await startApiWorld({ autoOwner: true });
    for (let i = 0; i < 3; i++) guids.push(await manufacture(w.platform));
  });
  after(() => w.close());

  const stats = async (token: string, query = '') => {
    const r = await w.platform.app.inject({ method: 'GET', url: `/api/v1/stats/onboarding${query}`, headers: bearer(token) });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as Stats;
  };

  test('counts vouchers by state, the funnel, TO0 and rendezvous health of devices made and registered here', async () => {
    const s = await stats(w.tokens.owner);
    assert.deepEqual(s.vouchers.manufacturer, { created: 3, extended: 0 });
    assert.deepEqual(s.vouchers.owner, { imported: 0, registered: 3, onboarded: 0, replaced: 0, resold: 0 });
    assert.equal(s.devices['registered'], 3);
    assert.deepEqual(s.funnel, [
      { stage: 'manufactured', count: 3 },
      { stage: 'sold', count: 3 },
      { stage: 'onboarded', count: 0 },
      { stage: 'active', count: 0 },
    ]);
    assert.deepEqual(s.to0, { tracked: 3, due: 0, failing: 0, expiringSoon: 0, expired: 0, soonHours: 24 });
    assert.deepEqual(s.rendezvous, { registrations: 3, expired: 0 });
    assert.equal(s.onboardedPerHour.length, 24);
    assert.ok(s.onboardedPerHour.every((h) => h.count === 0));
  });

  test('a finished TO2 moves the funnel and lands in the current hour of the series', async () => {
    const [first] = guids;
    assert.ok(first);
    await w.platform.store.devices.markOnboarded(guidFromText(first), guidFromText(first));
    const s = await stats(w.tokens.auditor, '?hours=3');
    assert.deepEqual(
      s.funnel.map((f) => f.count),
      [3, 3, 1, 0],
    );
    assert.equal(s.onboardedPerHour.length, 3);
    const last = s.onboardedPerHour.at(-1);
    assert.ok(last);
    assert.equal(last.count, 1);
    assert.ok(
      Date.parse(last.hour) <= Date.parse(s.at) && Date.parse(s.at) < Date.parse(last.hour) + 3_600_000,
      'the last hour is the current one',
    );
    assert.deepEqual(
      s.onboardedPerHour.slice(0, 2).map((h) => h.count),
      [0, 0],
    );
  });

  test('every onboarding role reads it; a window out of range is refused naming the field; no token, no figures', async () => {
    for (const role of ['manufacturer', 'rendezvous', 'admin'] as const) await stats(w.tokens[role]);
    for (const hours of ['0', '169', 'x']) {
      const r = await w.platform.app.inject({
        method: 'GET',
        url: `/api/v1/stats/onboarding?hours=${hours}`,
        headers: bearer(w.tokens.owner),
      });
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.body, /hours/);
    }
    const none = await w.platform.app.inject({ method: 'GET', url: '/api/v1/stats/onboarding' });
    assert.equal(none.statusCode, 401);
  });
});
