/**
 * The campaign restart proof: `iotopia up` (SQLite) runs as a child process while a fleet of
 * simulated devices (src/agent/fleet-run.ts) keeps polling it and installing a three-wave
 * campaign; the server is killed with SIGKILL twice, at random points while devices install, and
 * started again on the same data. Some downloads are cut mid-body, so devices also resume with
 * Range. Afterwards the store and the devices' own records agree: every device succeeded exactly
 * once, none was offered its action again after the server acknowledged its success, no action
 * is left in flight, and each campaign transition was audited once.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runFleet } from '../../src/agent/fleet.ts';
import { onboardedDevices } from '../../src/agent/fleet-devices.ts';
import { type FleetDeviceRecord, type FleetRunSummary, runFleetDevices } from '../../src/agent/fleet-run.ts';
import { openStore } from '../../src/store/open-store.ts';
import {
  adminToken,
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

const COUNT = Number(process.env.IOTOPIA_CAMPAIGN_CRASH_COUNT ?? 300);
const KILLS = 2;
const WAVES = ['10%', '30%', '60%'];

describe(`SIGKILL of iotopia up ${KILLS} times during a campaign of ${COUNT} simulated devices`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-campaign-crash-'));
  const dataDir = join(dir, 'server');
  let server: ServerProcess;
  let summary: FleetRunSummary;
  let records: FleetDeviceRecord[];
  let set: CampaignRecordSet;
  let checks: Check[];
  const killedAt: number[] = [];

  before(async () => {
    mkdirSync(dataDir, { mode: 0o700 });
    server = new ServerProcess(dataDir, await freePort(), { env: { IOTOPIA_CAMPAIGN_TICK_INTERVAL: '1' } });
    await server.start();
    const token = await adminToken(() => server.stdout);
    const onboarded = await runFleet({ count: COUNT, manufacturer: server.url, concurrency: 8 });
    assert.equal(onboarded.failed, 0, JSON.stringify(onboarded.failures));
    const run = runFleetDevices({
      devices: onboardedDevices(onboarded.devices, join(dir, 'devices')),
      concurrency: 16,
      minPollMs: 300,
      maxPollMs: 1000,
      faults: { dropDownload: 20, seed: 'campaign-restart' },
    });
    try {
      // Targets are the active devices: every device has reached the device API once.
      await waitFor('every device polled', () => run.records().every((r) => r.polls > 0), 60_000);
      const id = await startCampaign(server.url, token, dir, { waves: WAVES, successThreshold: 100, errorThreshold: 0 });
      // Each kill lands at a random point of the installs: after a random share of the devices succeeded.
      for (const share of [0.1 + Math.random() * 0.3, 0.5 + Math.random() * 0.35]) {
        await waitFor(`${Math.round(share * 100)} % installed`, () => run.summary().succeeded >= share * COUNT, 120_000);
        killedAt.push(run.summary().succeeded);
        await server.kill('SIGKILL');
        await sleep(Math.random() * 1000);
        await server.start();
      }
      await waitFor('the campaign finished', async () => (await campaignState(server.url, token, id)) === 'finished', 120_000, 500);
      // Some more polls after the end: an action offered again after its success would show now.
      await sleep(2000);
      summary = await run.stop();
      records = run.records();
      await server.kill('SIGTERM');
      const kek = new Uint8Array(Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'hex'));
      const store = await openStore({ path: join(dataDir, 'iotopia.db') }, { kek });
      try {
        set = await readCampaign(store, id);
      } finally {
        await store.close();
      }
      checks = campaignChecks(set, records, WAVES.length);
    } finally {
      await run.stop();
      server.dispose();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the server was killed twice while devices installed, and came back each time', (t) => {
    t.diagnostic(JSON.stringify({ killedAt, summary }));
    assert.equal(server.starts, KILLS + 1);
    assert.equal(killedAt.length, KILLS);
    for (const n of killedAt) assert.ok(n > 0 && n < COUNT, `killed after ${n} of ${COUNT} installs`);
  });

  test('cut downloads were resumed with Range', () => {
    assert.ok(summary.downloads.cut > 0, 'some downloads were cut');
    assert.ok(summary.downloads.resumed >= summary.downloads.cut, JSON.stringify(summary.downloads));
  });

  testChecks([...CAMPAIGN_CHECKS, 'by the devices: every device installed sequence number 2 and reported no failure'], () => checks);

  test('a lost acknowledgement is rare: the kill has to fall between the commit and the answer', (t) => {
    t.diagnostic(`lost acknowledgements: ${records.reduce((n, r) => n + r.unacknowledged.length, 0)}`);
    assert.ok(records.filter((r) => r.unacknowledged.length > 0).length <= KILLS * 16);
  });

  test('the store holds one action per device', () => {
    assert.equal(set.actions.length, COUNT);
    assert.equal(new Set(set.actions.map((a) => a.guid)).size, COUNT);
  });
});
