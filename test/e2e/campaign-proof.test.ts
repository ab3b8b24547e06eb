/**
 * The campaign proof of the lifecycle: `iotopia up` (SQLite) runs as a child process; 200 simulated
 * devices are manufactured (DI) and onboarded (TO1, TO2) over HTTP, and keep polling the device API
 * the owner provisioned. Release 2.0.0 goes out in three waves with an error threshold of 5 % while
 * 10 % of the devices fail their installs (ERR_FLEET_INJECTED). The threshold pauses the campaign by
 * itself; release 2.0.1 fixes it: the failures are lifted, the campaign resumed with 2.0.1, and it
 * finishes. Every device then shows, on its record, the release a verified SUIT report signed with
 * its own key proved: 2.0.0 for those that installed it before the resume, 2.0.1 for the rest.
 *
 * With a success threshold of 95 % and an error threshold of 5 %, a wave moves on or ends with at
 * most 5 % of it failed, so at most 10 of the 200 devices (1 + 4 + 5 over waves of 20, 80 and 100)
 * can fail without a pause: more failing devices than that make the pause certain, whatever devices
 * the waves draw.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DeviceOutcome, runFleet } from '../../src/agent/fleet.ts';
import { onboardedDevices } from '../../src/agent/fleet-devices.ts';
import { hasFault, INJECTED, NO_FAULTS } from '../../src/agent/fleet-faults.ts';
import { type FleetDeviceRecord, type FleetRunSummary, runFleetDevices } from '../../src/agent/fleet-run.ts';
import type { CampaignAction } from '../../src/store/campaign-repository.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import {
  adminToken,
  CAMPAIGN_CHECKS,
  type CampaignRecordSet,
  campaignChecks,
  campaignState,
  cliJson,
  createRelease,
  FIRST_RELEASE,
  type ReleasePlan,
  readCampaign,
  releaseImage,
  startCampaign,
  testChecks,
  waitFor,
} from './campaign-fleet.ts';
import { type Check, freePort, ServerProcess } from './crash-harness.ts';

const COUNT = 200;
const WAVES = ['10%', '40%', '50%'];
const ERROR_THRESHOLD = 5;
const SUCCESS_THRESHOLD = 95;
const FAULTS = { ...NO_FAULTS, failInstall: 10, seed: 'campaign-proof' };
const FIXED: ReleasePlan = { version: '2.0.1', sequenceNumber: 3, fill: 8 };
const IN_FLIGHT = ['offered', 'confirmed', 'downloading', 'downloaded', 'installing'];

interface Firmware {
  releaseId: string;
  version: string;
  sequenceNumber: number;
  components: { componentId: string[]; name?: string; digest: { algorithm: string; hex: string } }[];
  reportAction: string;
}

interface CampaignView {
  state: string;
  releaseId: string;
  reason?: string;
  progress: { wave: number; counts: Record<string, number> }[];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function api<T>(server: string, token: string, path: string): Promise<T> {
  const r = await fetch(`${server}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function withStore<T>(dataDir: string, read: (store: Store) => Promise<T>): Promise<T> {
  const kek = new Uint8Array(Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'hex'));
  const store = await openStore({ path: join(dataDir, 'iotopia.db') }, { kek });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

describe(`a ${WAVES.length}-wave campaign of ${COUNT} devices onboarded over HTTP, paused by its error threshold and resumed with a fixed release`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-campaign-proof-'));
  const dataDir = join(dir, 'server');
  const ms: Record<string, number> = {};
  let outcomes: DeviceOutcome[];
  let summary: FleetRunSummary;
  let records: FleetDeviceRecord[];
  let set: CampaignRecordSet;
  let checks: Check[];
  let paused: CampaignView;
  let failedAtPause: CampaignAction[];
  let releases: { first: string; fixed: string };
  /** Devices (by index) whose success the server acknowledged before the resume. */
  let beforeResume: Set<number>;
  let firmware: Map<number, Firmware | undefined>;
  const failing = new Set([...Array(COUNT).keys()].filter((i) => hasFault(FAULTS, 'failInstall', i)));

  before(async () => {
    mkdirSync(dataDir, { mode: 0o700 });
    const server = new ServerProcess(dataDir, await freePort(), { env: { IOTOPIA_CAMPAIGN_TICK_INTERVAL: '1' } });
    let t = performance.now();
    const lap = (name: string) => {
      ms[name] = Math.round(performance.now() - t);
      t = performance.now();
    };
    await server.start();
    const token = await adminToken(() => server.stdout);
    const onboarded = await runFleet({ count: COUNT, manufacturer: server.url, concurrency: 8 });
    assert.equal(onboarded.failed, 0, JSON.stringify(onboarded.failures));
    outcomes = onboarded.devices;
    lap('onboard');
    const run = runFleetDevices({
      devices: onboardedDevices(outcomes, join(dir, 'devices')),
      concurrency: 16,
      minPollMs: 300,
      maxPollMs: 1000,
      faults: FAULTS,
    });
    try {
      await waitFor('every device polled', () => run.records().every((r) => r.polls > 0), 60_000);
      const id = await startCampaign(server.url, token, dir, {
        waves: WAVES,
        successThreshold: SUCCESS_THRESHOLD,
        errorThreshold: ERROR_THRESHOLD,
      });
      await waitFor('the campaign paused', async () => (await campaignState(server.url, token, id)) === 'paused', 90_000, 250);
      lap('toPause');
      // Fixing the release: the devices' installs work again; those in flight when it paused finish first.
      run.setFaults({ failInstall: 0 });
      const inFlight = async () => {
        paused = await api<CampaignView>(server.url, token, `/campaigns/${id}`);
        return paused.progress.every((w) => IN_FLIGHT.every((s) => (w.counts[s] ?? 0) === 0));
      };
      await waitFor('no action in flight', inFlight, 30_000, 250);
      failedAtPause = await withStore(dataDir, async (s) => (await s.campaigns.actions(id)).filter((a) => a.state === 'failed'));
      beforeResume = new Set(run.records().flatMap((r) => (r.succeeded.length > 0 ? [r.index] : [])));
      const json = cliJson(server.url, token, dir);
      releases = { first: paused.releaseId, fixed: await createRelease(json, dir, FIXED) };
      await json(['campaign', 'resume', id, '--release', releases.fixed, '--reason', 'release 2.0.1 fixes the failed installs']);
      lap('pausedToResume');
      await waitFor('the campaign finished', async () => (await campaignState(server.url, token, id)) === 'finished', 90_000, 250);
      lap('resumeToFinish');
      // Some more polls after the end: an action offered again after its success would show now.
      await sleep(1500);
      summary = await run.stop();
      records = run.records();
      firmware = new Map();
      for (const d of outcomes) {
        const device = await api<{ firmware?: Firmware }>(server.url, token, `/devices/${d.replacementGuid ?? d.guid}`);
        firmware.set(d.index, device.firmware);
      }
      await server.kill('SIGTERM');
      set = await withStore(dataDir, (s) => readCampaign(s, id));
      checks = campaignChecks(set, records, WAVES.length, true);
    } finally {
      await run.stop();
      server.dispose();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('every device was onboarded over HTTP, and enough of them fail their installs to make the pause certain', (t) => {
    t.diagnostic(
      JSON.stringify({
        devices: COUNT,
        failing: failing.size,
        failedAtPause: failedAtPause.length,
        pausedInWave: Number(set.audit.find((a) => a.action === 'campaign.paused')?.details.wave) + 1,
        before: beforeResume.size,
        after: COUNT - beforeResume.size,
        ms,
        polls: summary.polls,
        failures: summary.failures,
      }),
    );
    assert.equal(outcomes.filter((d) => d.ok && d.provision !== undefined && d.deviceKey !== undefined).length, COUNT);
    assert.ok(failing.size > 10, `${failing.size} failing devices`);
  });

  test('the error threshold paused the campaign by itself, naming the threshold', () => {
    const pauses = set.audit.filter((a) => a.action === 'campaign.paused');
    assert.equal(pauses.length, 1);
    assert.equal(pauses[0]?.actor, 'campaign-engine');
    assert.match(String(pauses[0]?.details.reason), new RegExp(`devices of the wave failed or timed out, over ${ERROR_THRESHOLD} %$`));
    assert.equal(paused.state, 'paused');
    assert.match(paused.reason ?? '', /over 5 %/);
  });

  test(`the failures were recorded with ${INJECTED} reasons, by injected devices only`, () => {
    assert.ok(failedAtPause.length > 0);
    for (const a of failedAtPause) assert.match(a.reason ?? '', new RegExp(INJECTED), a.id);
    const byAction = new Map(records.flatMap((r) => Object.keys(r.failed).map((id) => [id, r.index] as const)));
    for (const a of failedAtPause) assert.ok(failing.has(byAction.get(a.id) ?? -1), `action ${a.id} failed on a device without the fault`);
    assert.equal(summary.failures[INJECTED], failedAtPause.length);
    assert.deepEqual(Object.keys(summary.failures), [INJECTED]);
  });

  test('the resume moved the campaign to 2.0.1 once, by the operator', () => {
    const resumes = set.audit.filter((a) => a.action === 'campaign.running' && a.details.from === 'paused');
    assert.equal(resumes.length, 1);
    assert.deepEqual([resumes[0]?.details.fromRelease, resumes[0]?.details.toRelease], [releases.first, releases.fixed]);
    assert.notEqual(resumes[0]?.actor, 'campaign-engine');
  });

  testChecks(CAMPAIGN_CHECKS, () => checks);

  test('every device shows the release a verified report proved: 2.0.0 before the resume, 2.0.1 after; its own sequence matches', () => {
    const plans = { first: FIRST_RELEASE, fixed: FIXED };
    const actions = new Map(set.actions.map((a) => [a.id, a]));
    const bad: string[] = [];
    for (const r of records) {
      const which = beforeResume.has(r.index) ? 'first' : 'fixed';
      const plan = plans[which];
      const fw = firmware.get(r.index);
      const action = actions.get(r.succeeded[0] ?? '');
      const wrong = [
        r.succeeded.length === 1 ? '' : `acknowledged ${r.succeeded.length} successes`,
        action?.state === 'succeeded' && action.reportVerified === true
          ? ''
          : `action ${action?.state}, report verified ${action?.reportVerified}`,
        fw?.reportAction === action?.id ? '' : `firmware proved by ${fw?.reportAction}`,
        fw?.releaseId === releases[which] && fw.version === plan.version ? '' : `firmware ${fw?.version}, expected ${plan.version}`,
        fw?.sequenceNumber === plan.sequenceNumber && r.installedSequence === plan.sequenceNumber
          ? ''
          : `sequence ${fw?.sequenceNumber} on the record, ${r.installedSequence} on the device, expected ${plan.sequenceNumber}`,
        fw?.components.length === 1 && fw.components[0]?.digest.hex === sha256(releaseImage(plan)) ? '' : 'component digest',
      ].filter((w) => w !== '');
      if (wrong.length > 0) bad.push(`device ${r.index}: ${wrong.join(', ')}`);
    }
    assert.equal(records.length, COUNT);
    assert.deepEqual(bad, []);
  });

  test('both releases reached devices, and every device that failed ended on 2.0.1', () => {
    assert.ok(beforeResume.size > 0 && beforeResume.size < COUNT, `${beforeResume.size} before the resume`);
    const failedDevices = records.filter((r) => Object.keys(r.failed).length > 0);
    assert.equal(failedDevices.length, failedAtPause.length);
    for (const r of failedDevices) assert.equal(firmware.get(r.index)?.version, FIXED.version, `device ${r.index}`);
  });
});
