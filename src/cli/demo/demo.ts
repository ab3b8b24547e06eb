/**
 * `iotopia up --demo`: seeds a living fleet through every pillar of the running server, then keeps
 * it moving. Each step goes through the management API with the admin token, the FDO protocols
 * or the device API, as an operator, a maker and their devices would; the rules are the
 * services' own. After seeding the devices keep polling (and installing what they are offered)
 * and a ticker sends a few simulated flows now and then through the traffic watch.
 */
import { join } from 'node:path';
import { onboardedDevices } from '../../agent/fleet-devices.ts';
import { type FleetRun, runFleetDevices } from '../../agent/fleet-run.ts';
import { IotopiaError } from '../../errors.ts';
import type { Platform } from '../../server/platform/platform.ts';
import { type DemoApi, demoApi } from './api.ts';
import { DEMO_MODELS, deviceLink, RELEASE_MODEL, ROGUE_MODEL } from './models.ts';
import type { DemoMudSigner } from './mud-signer.ts';
import { assessProduct, createProducts, importSbom, matchedVulnerabilities } from './seed-compliance.ts';
import { type DemoDevice, seedFleet } from './seed-fleet.ts';
import { publishMudFiles, registerIntentDevices } from './seed-intent.ts';
import { failInstallPercent, failureSeed, pausedCampaign, RELEASE, startRelease, waveGuids } from './seed-lifecycle.ts';
import type { DemoStatus } from './status.ts';
import { type DemoTraffic, demoTraffic } from './traffic.ts';

export const DEMO_MARKETS = ['eu', 'uk'] as const;
/** Violations of the rogue device at seeding: past the default quarantine threshold (10). */
const ROGUE_VIOLATIONS = 12;
/** The ticker's period once seeded, and the devices' poll bounds while seeding and after. */
const TICK_MS = 3000;
const SEEDING_POLL_MS = { min: 1000, max: 3000 };
const RUNNING_POLL_MS = { min: 8000, max: 15_000 };

export interface DemoOptions {
  platform: Platform;
  token: string;
  status: DemoStatus;
  signer: DemoMudSigner;
  /** Where the simulated devices keep their credentials and data. */
  dir: string;
  progress(line: string): void;
  /** The MUD manager programs nftables: the demo's devices are removed from it on stop. */
  enforced?: boolean;
}

export interface RunningDemo {
  /** Settles when the seeding is done (or failed). */
  seeded: Promise<void>;
  stop(): Promise<void>;
}

interface State {
  api: DemoApi;
  devices: DemoDevice[];
  traffic?: DemoTraffic;
  fleet?: FleetRun;
  rogue?: DemoDevice;
  /** What the seeding run of the fleet did, before the calmer one took over. */
  before: { polls: number; succeeded: number };
  /** Ticks run since seeding ended. */
  ticks: number;
  stopped: boolean;
  /** Aborted on stop: the fleet's onboarding and the wait for the campaign end early. */
  abort: AbortController;
}

export function runDemo(o: DemoOptions): RunningDemo {
  const s: State = {
    api: demoApi(o.platform.url, o.token),
    devices: [],
    before: { polls: 0, succeeded: 0 },
    ticks: 0,
    stopped: false,
    abort: new AbortController(),
  };
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> | undefined;
  const seeded = seed(o, s).then(() => {
    if (s.stopped) return;
    timer = setInterval(() => {
      ticking ??= tick(o, s)
        .catch((e: unknown) => o.progress(`demo: a tick failed: ${(e as Error).message}`))
        .finally(() => {
          ticking = undefined;
        });
    }, TICK_MS);
    timer.unref();
  });
  return {
    seeded,
    async stop() {
      s.stopped = true;
      s.abort.abort();
      clearInterval(timer);
      await seeded.catch(() => {});
      await ticking;
      await s.fleet?.stop();
      if (o.enforced === true) await removeRules(o, s);
    },
  };
}

function step(o: DemoOptions, text: string): void {
  o.status.step(text);
  o.progress(`demo: ${text}…`);
}

async function seed(o: DemoOptions, s: State): Promise<void> {
  const now = new Date();
  const { api, devices } = s;
  step(o, 'publishing signed MUD files');
  await publishMudFiles(api, o.signer, DEMO_MODELS, now);
  o.status.set('mudFiles', DEMO_MODELS.length);
  step(o, 'registering products, their SBOMs and OSV records');
  await createProducts(api, DEMO_MODELS, now);
  o.status.set('products', DEMO_MODELS.length);
  step(o, `manufacturing (DI) and onboarding (TO1, TO2) ${DEMO_MODELS.reduce((n, m) => n + m.devices, 0)} devices`);
  devices.push(...(await seedFleet(o.platform.url, DEMO_MODELS, o.dir, o.progress, s.abort.signal)));
  o.status.set('devices', devices.length);
  if (s.stopped) return;
  step(o, 'registering the devices with the MUD manager');
  o.status.set('intentEnforced', await registerIntentDevices(api, devices));
  o.status.set('intentDevices', devices.length);
  step(o, 'simulating traffic: flows judged against the MUD files, violations reported');
  await seedTraffic(o, s);
  if (s.stopped) return;
  step(o, `rolling out ${RELEASE_MODEL} 2.0.0 (signed SUIT) in two waves`);
  await seedRelease(o, s);
  if (s.stopped) return;
  step(o, `assessing ${RELEASE_MODEL} for the ${DEMO_MARKETS.join(' and ')} markets`);
  let matched = 0;
  for (const m of DEMO_MODELS) matched += await matchedVulnerabilities(api, m.model);
  o.status.set('vulnerabilitiesMatched', matched);
  o.status.set('assessments', (await assessProduct(api, RELEASE_MODEL, DEMO_MARKETS)).length);
  await calmFleet(o, s);
  o.status.ready(new Date());
}

async function seedTraffic(o: DemoOptions, s: State): Promise<void> {
  const manager = o.platform.intent?.manager;
  if (manager === undefined) throw new IotopiaError('ERR_DEMO_SEED', 'the intent role is not running');
  const traffic = demoTraffic(manager);
  s.traffic = traffic;
  s.rogue = s.devices.find((d) => d.model === ROGUE_MODEL);
  s.devices.forEach((d, i) => {
    traffic.send(d, 'cloud', i);
    // Every fifth device tries a peer its MUD file does not allow, once or twice.
    if (i % 5 === 2) for (let k = 0; k <= i % 2; k++) traffic.send(d, 'forbidden', i + k);
  });
  if (s.rogue !== undefined) for (let k = 0; k < ROGUE_VIOLATIONS; k++) traffic.send(s.rogue, 'forbidden', 0);
  await traffic.flush();
  await countIntent(o, s);
}

async function countIntent(o: DemoOptions, s: State): Promise<void> {
  const t = s.traffic?.stats();
  if (t !== undefined) {
    o.status.set('flowsJudged', t.judged);
    o.status.set('violationsReported', t.reported);
  }
  const page = await s.api<{ items: { state: string }[] }>('GET', '/intent/devices?limit=1000');
  o.status.set('quarantined', page.items.filter((d) => d.state === 'quarantined').length);
}

async function seedRelease(o: DemoOptions, s: State): Promise<void> {
  const targets = s.devices.filter((d) => d.model === RELEASE_MODEL);
  // The devices poll once the faults are chosen for the campaign's waves.
  const id = await startRelease(s.api, RELEASE_MODEL, targets);
  s.fleet = startFleet(o, s, SEEDING_POLL_MS, failureSeed(targets, await waveGuids(s.api, id, 1)));
  // A release ships with its SBOM: the product's current release then has open vulnerabilities to show.
  const model = DEMO_MODELS.find((m) => m.model === RELEASE_MODEL);
  if (model !== undefined) await importSbom(s.api, model, RELEASE.version, new Date());
  o.status.set('releases', 1);
  o.status.set('campaigns', 1);
  const c = await pausedCampaign(s.api, id, 40_000, s.abort.signal);
  o.progress(`  campaign ${id} paused by the campaign engine: ${c.reason ?? 'failures past the error threshold'}`);
}

/** Runs the onboarded devices' device API clients; failures of installs per the fault seed. */
function startFleet(o: DemoOptions, s: State, poll: { min: number; max: number }, seed: string): FleetRun {
  return runFleetDevices({
    devices: onboardedDevices(
      s.devices.map((d) => d.outcome),
      join(o.dir, 'data'),
    ),
    concurrency: 4,
    faults: { failInstall: failInstallPercent, seed },
    minPollMs: poll.min,
    maxPollMs: poll.max,
  });
}

/** Takes the demo's devices out of the MUD manager, so that their rules leave nftables. */
async function removeRules(o: DemoOptions, s: State): Promise<void> {
  o.progress(`demo: removing the rules of ${s.devices.length} devices from nftables…`);
  for (const d of s.devices) {
    await s.api('DELETE', `/intent/devices/${deviceLink(d.index).mac}`).catch((e: unknown) => {
      o.progress(`demo: ${deviceLink(d.index).mac}: ${(e as Error).message}`);
    });
  }
}

/** Seeded: the devices go on polling, less often. */
async function calmFleet(o: DemoOptions, s: State): Promise<void> {
  const faults = s.fleet?.faults();
  const done = await s.fleet?.stop();
  if (s.stopped || faults === undefined || done === undefined) return;
  s.before = { polls: done.polls, succeeded: done.succeeded };
  s.fleet = startFleet(o, s, RUNNING_POLL_MS, faults.seed);
}

/** One tick of the running demo: a few devices talk to their clouds, now and then one where it may not. */
async function tick(o: DemoOptions, s: State): Promise<void> {
  const traffic = s.traffic;
  if (traffic === undefined || s.devices.length === 0) return;
  s.ticks++;
  for (let k = 0; k < 3; k++) traffic.send(s.devices[Math.floor(Math.random() * s.devices.length)] as DemoDevice, 'cloud');
  if (s.rogue !== undefined && s.ticks % 2 === 0) traffic.send(s.rogue, 'forbidden');
  await traffic.flush();
  await countIntent(o, s);
  const f = s.fleet?.summary();
  if (f !== undefined) {
    o.status.set('devicePolls', s.before.polls + f.polls);
    o.status.set('updatesInstalled', s.before.succeeded + f.succeeded);
  }
}
