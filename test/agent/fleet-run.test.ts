/**
 * The running fleet against `iotopia up` in this process: devices onboarded by `fleet simulate
 * --dir` are run again from that directory, take a campaign with injected install failures, cut
 * downloads and offline devices, and the faults are lifted while the fleet runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadFleetDevices } from '../../src/agent/fleet-devices.ts';
import { hasFault, NO_FAULTS } from '../../src/agent/fleet-faults.ts';
import { runFleetDevices } from '../../src/agent/fleet-run.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { hashSecret } from '../../src/store/hash-secret.ts';
import { campaignState, startCampaign, waitFor } from '../e2e/campaign-fleet.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';

const COUNT = 12;
const FAULTS = { ...NO_FAULTS, failInstall: 30, dropDownload: 50, offline: 20, seed: 'fleet-run' };
const pickedBy = (kind: 'failInstall' | 'dropDownload' | 'offline') =>
  Array.from({ length: COUNT }, (_, i) => i).filter((i) => hasFault(FAULTS, kind, i));

describe('fleet simulate --run against iotopia up', () => {
  let platform: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-fleet-run-'));
  const fleetDir = join(dir, 'fleet');
  let env: NodeJS.ProcessEnv;
  before(async () => {
    platform = await startPlatform(testConfig({ dataDir: join(dir, 'server'), campaignTickInterval: '1' }));
    env = { ...process.env };
    delete env.IOTOPIA_TLS_CA;
    const r = await runCli(
      ['fleet', 'simulate', '--count', String(COUNT), '--manufacturer', platform.url, '--dir', fleetDir, '--json', '--devices'],
      dir,
      env,
    );
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /token/i, 'device API credentials are not printed');
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the fleet directory holds every onboarded device with its provision', async () => {
    const { devices, unreadable } = await loadFleetDevices(fleetDir);
    assert.deepEqual(
      devices.map((d) => d.index),
      Array.from({ length: COUNT }, (_, i) => i),
    );
    assert.deepEqual(unreadable, []);
    assert.ok(devices.every((d) => d.provision.endpoint.startsWith(platform.url) && d.provision.credential.type === 'bearer'));
  });

  test('--run from --dir alone: the devices poll for the duration and say what they installed', async () => {
    const r = await runCli(['fleet', 'simulate', '--run', '--dir', fleetDir, '--duration', '1.5', '--poll-max', '0.3', '--json'], dir, env);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    assert.equal(s.devices, COUNT);
    assert.ok(s.polls >= COUNT, `${s.polls} polls`);
    assert.deepEqual(s.installed, { none: COUNT });
    const usage = await runCli(['fleet', 'simulate', '--run', '--dir', fleetDir, '--offline', '120'], dir, env);
    assert.equal(usage.code, 2);
    assert.equal((await runCli(['fleet', 'simulate', '--run'], dir, env)).code, 2);
  });

  test('injected faults: failures reported with ERR_FLEET_INJECTED, cut downloads resumed, offline devices silent; lifted, the campaign finishes', async () => {
    const { devices } = await loadFleetDevices(fleetDir);
    const run = runFleetDevices({ devices, concurrency: 4, minPollMs: 100, maxPollMs: 300, faults: FAULTS });
    try {
      const offline = pickedBy('offline');
      const online = devices.filter((d) => !offline.includes(d.index));
      await waitFor('the online devices polled', () => run.records().filter((r) => r.polls > 0).length === online.length, 20_000);
      // Every device is a target (all were active after the run before), the offline ones too.
      const token = platform.firstAdminToken as string;
      const id = await startCampaign(platform.url, token, dir, { waves: ['100%'], successThreshold: 0, errorThreshold: 100 });
      const over = (r: { succeeded: string[]; failed: Record<string, string> }) => r.succeeded.length + Object.keys(r.failed).length > 0;
      await waitFor('the online devices are done', () => run.records().filter(over).length === online.length, 30_000);
      const failing = pickedBy('failInstall').filter((i) => !offline.includes(i));
      assert.ok(failing.length > 0 && failing.length < online.length, 'the seed picks some online devices to fail');
      for (const r of run.records()) {
        if (offline.includes(r.index)) {
          assert.equal(r.polls, 0, `offline device ${r.index} polled`);
          continue;
        }
        const failed = Object.values(r.failed);
        if (failing.includes(r.index)) assert.match(failed[0] ?? '', /ERR_FLEET_INJECTED/, `device ${r.index}`);
        else assert.equal(r.installedSequence, 2, `device ${r.index}: ${JSON.stringify(r.failed)}`);
      }
      const s = run.summary();
      assert.equal(s.failures.ERR_FLEET_INJECTED, failing.length);
      assert.equal(s.installed['2'], online.length - failing.length);
      const cutters = pickedBy('dropDownload').filter((i) => !failing.includes(i) && !offline.includes(i));
      assert.equal(s.downloads.cut, cutters.length);
      assert.equal(s.downloads.resumed, cutters.length);
      assert.notEqual(await campaignState(platform.url, token, id), 'finished', 'the offline devices hold the campaign open');
      // The fix: devices come back and installs stop failing; the campaign finishes with them.
      run.setFaults({ offline: 0, failInstall: 0 });
      await waitFor('the campaign finished', async () => (await campaignState(platform.url, token, id)) === 'finished', 30_000, 200);
      const after = run.summary();
      assert.equal(after.offline, 0);
      assert.equal(after.installed['2'], COUNT - failing.length);
      assert.equal(after.failures.ERR_FLEET_INJECTED, failing.length, 'a failed action is not offered again');
      // Each device reported what DI recorded and, once installed, its component with the release version.
      await waitFor(
        'the installed devices reported',
        async () => {
          for (const d of devices) {
            const c = d.provision.credential;
            const guid = c.type === 'bearer' ? (await platform.store.deviceCredentials.findByHash(hashSecret(c.token)))?.guid : undefined;
            const config = guid === undefined ? undefined : (await platform.store.deviceConfig.get(guid))?.config;
            if (config?.model !== 'IoTopia fleet simulator' || config.serial !== d.identity?.serial) return false;
            const installed = !failing.includes(d.index);
            const firmware = JSON.stringify(config.firmware ?? []);
            if (installed !== /"version":"[^"]+ \(sequence 2\)"/.test(firmware)) return false;
          }
          return true;
        },
        10_000,
        100,
      );
      // Sent on start and after an install when changed (the earlier run sent the first), not per poll.
      for (const r of run.records()) {
        assert.ok(r.configSent <= 2, `device ${r.index}: ${r.configSent} reports in ${r.polls} polls`);
        assert.equal(r.configErrors, 0);
      }
    } finally {
      await run.stop();
    }
  });

  test('--count with --run and no --dir: new devices onboard, then keep polling (data in a temporary directory)', async () => {
    const r = await runCli(
      ['fleet', 'simulate', '--count', '2', '--manufacturer', platform.url, '--run', '--duration', '1', '--poll-max', '0.3', '--json'],
      dir,
      env,
    );
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    assert.equal(s.devices, 2);
    assert.ok(s.polls >= 2, `${s.polls} polls`);
    assert.match(r.err, /2 of 2 devices onboarded/);
  });
});
