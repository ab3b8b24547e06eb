/**
 * The replica proof of ADR 0029: two `iotopia up` processes on one PostgreSQL database, both with
 * the owner role and both ticking the campaign engine every second, serve a fleet of simulated
 * devices split between them (as a load balancer would). The test process ticks too, two ticks at
 * once every 200 ms on its own connections, so that ticks really race. The campaign still moves
 * through its waves once: each transition is audited once, every action ends succeeded exactly
 * once by the devices' account, and the campaign finishes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runFleet } from '../../src/agent/fleet.ts';
import { onboardedDevices } from '../../src/agent/fleet-devices.ts';
import { type FleetDeviceRecord, type FleetRunSummary, runFleetDevices } from '../../src/agent/fleet-run.ts';
import { tickCampaigns } from '../../src/lifecycle/campaigns/engine.ts';
import { openStore } from '../../src/store/open-store.ts';
import { PG_SKIP, PG_URL } from '../helpers/platform.ts';
import { postgresHarness, type StoreHarness } from '../store/harness.ts';
import {
  adminToken,
  auditCounts,
  CAMPAIGN_CHECKS,
  type CampaignRecordSet,
  campaignChecks,
  campaignState,
  readCampaign,
  startCampaign,
  testChecks,
  waitFor,
} from './campaign-fleet.ts';
import { type Check, freePort, ServerProcess } from './crash-harness.ts';

const COUNT = 100;
const WAVES = ['20%', '30%', '50%'];

describe('a campaign on two replicas of iotopia up sharing PostgreSQL, both ticking', { skip: PG_SKIP }, () => {
  let dir = '';
  let db: StoreHarness;
  const servers: ServerProcess[] = [];
  let summary: FleetRunSummary;
  let records: FleetDeviceRecord[];
  let set: CampaignRecordSet;
  let checks: Check[];
  let extraTicks = 0;
  let extraChanges: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iotopia-campaign-replicas-'));
    db = await postgresHarness(PG_URL as string);
    const key = randomBytes(32).toString('hex');
    for (const name of ['a', 'b']) {
      mkdirSync(join(dir, name), { mode: 0o700 });
      servers.push(
        new ServerProcess(join(dir, name), await freePort(), {
          args: ['--database', db.location as string, ...(name === 'b' ? ['--roles', 'owner'] : [])],
          env: { IOTOPIA_MASTER_KEY: key, IOTOPIA_CAMPAIGN_TICK_INTERVAL: '1' },
        }),
      );
    }
    const [a, b] = servers as [ServerProcess, ServerProcess];
    await a.start();
    await b.start();
    const token = await adminToken(() => a.stdout);
    const onboarded = await runFleet({ count: COUNT, manufacturer: a.url, concurrency: 8 });
    assert.equal(onboarded.failed, 0, JSON.stringify(onboarded.failures));
    // Every other device reaches the device API through replica b.
    const devices = onboardedDevices(onboarded.devices, join(dir, 'devices')).map((d) =>
      d.index % 2 === 0 ? d : { ...d, provision: { ...d.provision, endpoint: d.provision.endpoint.replace(a.url, b.url) } },
    );
    assert.ok(
      devices.some((d) => d.provision.endpoint.startsWith(b.url)),
      'devices split between the replicas',
    );
    const run = runFleetDevices({ devices, concurrency: 16, minPollMs: 300, maxPollMs: 800 });
    const store = await openStore(db.location as string, { kek: new Uint8Array(Buffer.from(key, 'hex')) });
    let ticking = true;
    const ticker = (async () => {
      while (ticking) {
        const results = await Promise.all([tickCampaigns({ store }), tickCampaigns({ store })]);
        extraTicks += results.length;
        for (const r of results) extraChanges.push(...r.changes);
        await sleep(200);
      }
    })();
    try {
      await waitFor('every device polled', () => run.records().every((r) => r.polls > 0), 60_000);
      const id = await startCampaign(a.url, token, dir, { waves: WAVES, successThreshold: 100, errorThreshold: 0 });
      await waitFor('the campaign finished', async () => (await campaignState(b.url, token, id)) === 'finished', 120_000, 500);
      await sleep(1500);
      summary = await run.stop();
      records = run.records();
      ticking = false;
      await ticker;
      set = await readCampaign(store, id);
      extraChanges = extraChanges.map((c) => c.replace(`${id}: `, ''));
      checks = campaignChecks(set, records, WAVES.length);
    } finally {
      ticking = false;
      await ticker.catch(() => {});
      await run.stop();
      await store.close();
      for (const s of servers) {
        await s.kill('SIGTERM');
        s.dispose();
      }
    }
  });
  after(async () => {
    await db?.destroy();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('both replicas served devices, and ticks raced', (t) => {
    t.diagnostic(JSON.stringify({ summary, extraTicks, changesByTheTestsTicks: extraChanges }));
    assert.equal(summary.installed['2'], COUNT);
    assert.ok(extraTicks > 10);
  });

  testChecks([...CAMPAIGN_CHECKS, 'by the devices: every device installed sequence number 2 and reported no failure'], () => checks);

  test("the changes won by the test's ticks are among the audited ones: a tick that lost the race changed nothing", () => {
    const audited = auditCounts(set.audit);
    const won: Record<string, number> = {};
    for (const c of extraChanges) won[c] = (won[c] ?? 0) + 1;
    for (const [change, n] of Object.entries(won)) {
      const action = change === 'finish' ? 'campaign.finished' : change === 'pause' ? 'campaign.paused' : `campaign.${change}`;
      assert.ok(n <= (audited[action] ?? 0), `${change} ${n} times, audited ${audited[action] ?? 0}`);
    }
  });
});
