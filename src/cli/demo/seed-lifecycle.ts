/**
 * The demo's update: a firmware image uploaded as a payload, a release the server builds and signs
 * as a SUIT envelope with its update authority (as `iotopia release create`), and a campaign of it
 * over the release model's devices in two waves with an error threshold (as `iotopia campaign
 * create` and `start`). The devices install it from their device API polls; the few whose installs
 * fail, all in the first wave, make the campaign engine pause it by itself.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasFault } from '../../agent/fleet-faults.ts';
import { IotopiaError } from '../../errors.ts';
import type { DemoApi } from './api.ts';
import type { DemoDevice } from './seed-fleet.ts';

export const RELEASE = { version: '2.0.0', sequenceNumber: 2 };
/** Percent of the release model's devices whose installs fail. */
const FAIL_PERCENT = 25;

/**
 * The fault seed: the first one that makes two to four of the devices fail, all of them in the
 * campaign's first wave and never the whole wave, whatever GUIDs the run gave. The engine then
 * pauses the campaign in its first wave, and once resumed it stays there (the failures keep the
 * wave under its success threshold) until an operator pauses, resumes with a fixed release or
 * cancels it: a paused and resumed demo campaign does not finish behind the operator's back.
 */
export function failureSeed(devices: readonly DemoDevice[], firstWave: ReadonlySet<string>): string {
  const inWave = (d: DemoDevice) => firstWave.has(d.guid.replaceAll('-', '').toLowerCase());
  const waveSize = devices.filter(inWave).length;
  for (let i = 0; i < 100_000; i++) {
    const seed = `iotopia-demo-${i}`;
    const failing = devices.filter((d) =>
      hasFault({ failInstall: FAIL_PERCENT, dropDownload: 0, offline: 0, seed }, 'failInstall', d.index),
    );
    const many = failing.length >= Math.min(2, waveSize - 1) && failing.length <= 4 && failing.length < waveSize;
    if (many && failing.length > 0 && failing.every(inWave)) return seed;
  }
  throw new IotopiaError('ERR_DEMO_SEED', `no fault seed fails two to four of the ${waveSize} devices of the first wave`);
}

/** The GUIDs (hex) of the devices in a wave of the campaign. */
export async function waveGuids(api: DemoApi, campaignId: string, wave: number): Promise<Set<string>> {
  const page = await api<{ items: { guid: string }[] }>('GET', `/campaigns/${campaignId}/actions?wave=${wave}&limit=1000`);
  return new Set(page.items.map((a) => a.guid.toLowerCase()));
}

export const failInstallPercent = FAIL_PERCENT;

interface CampaignView {
  id: string;
  state: string;
  reason?: string;
}

/** Makes the release and starts its campaign over `devices`; resolves the campaign id. */
export async function startRelease(api: DemoApi, model: string, devices: readonly DemoDevice[]): Promise<string> {
  const image = new Uint8Array(Buffer.alloc(8192, `${model} ${RELEASE.version} `));
  const sha256 = createHash('sha256').update(image).digest('hex');
  const payload = await api<{ digest: string; size: number }>('POST', `/payloads?sha256=${sha256}`, image);
  const release = await api<{ id: string }>('POST', '/releases', {
    model,
    version: RELEASE.version,
    sequenceNumber: RELEASE.sequenceNumber,
    components: [{ id: 'fw', digest: payload.digest, size: payload.size }],
  });
  const campaign = await api<CampaignView>('POST', '/campaigns', {
    name: `${model} ${RELEASE.version}`,
    releaseId: release.id,
    targetGuids: devices.map((d) => d.guid),
    waves: [{ percent: 50 }, { percent: 50 }],
    errorThreshold: 10,
    successThreshold: 80,
  });
  await api('POST', `/campaigns/${campaign.id}/start`, {});
  return campaign.id;
}

/** Waits until the campaign engine paused the campaign by itself; throws after `ms`. */
export async function pausedCampaign(api: DemoApi, id: string, ms: number, signal: AbortSignal): Promise<CampaignView> {
  const deadline = Date.now() + ms;
  while (!signal.aborted) {
    const c = await api<CampaignView>('GET', `/campaigns/${id}`);
    if (c.state === 'paused') return c;
    if (c.state !== 'running' || Date.now() > deadline)
      throw new IotopiaError('ERR_DEMO_SEED', `the campaign ${id} did not pause on its failures (state ${c.state})`);
    await sleep(500, undefined, { signal }).catch(() => {});
  }
  throw new IotopiaError('ERR_DEMO_SEED', 'stopped while the campaign ran');
}
