import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CampaignContext } from '../../../src/lifecycle/campaigns/context.ts';
import { pollAction } from '../../../src/lifecycle/campaigns/device-actions.ts';
import { IDLE_CACHE_MS, idleDevices } from '../../../src/lifecycle/campaigns/idle-devices.ts';
import { campaignService } from '../../../src/lifecycle/campaigns/service.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { tempDirs } from '../../helpers/temp.ts';

const guidOf = (n: number) => n.toString(16).padStart(32, '0');
const ACTOR = 'token:owner';
const dirs = tempDirs('iotopia-idle-');

describe('polls of idle devices', () => {
  const now = { ms: Date.parse('2030-01-01T00:00:00Z') };
  const clock = () => new Date(now.ms);
  const kek = new Uint8Array(randomBytes(32));
  // Two replicas: two stores on one database file, each with its own memory of idle devices.
  let here: Store;
  let there: Store;
  let ctx: CampaignContext;

  beforeEach(async () => {
    const path = join(dirs(), 'db.sqlite');
    here = await openStore(path, { kek, clock });
    there = await openStore(path, { kek, clock });
    ctx = { store: here, clock, idle: idleDevices(here, { clock }) };
    for (const i of [1, 2]) await here.devices.upsert({ guid: new Uint8Array(Buffer.from(guidOf(i), 'hex')), state: 'active' });
    await here.releases.create({
      id: 'r5',
      model: 'm',
      version: '1.5',
      sequenceNumber: 5,
      components: [{ id: 'firmware', digest: 'ab'.repeat(32), size: 4 }],
      envelope: Uint8Array.of(1, 2, 5),
      state: 'published',
      origin: 'signed',
    });
  });
  afterEach(async () => {
    await here.close();
    await there.close();
  });

  const knownIdle = async (guid: string) => {
    const mark = await ctx.idle?.mark();
    return mark !== undefined && ctx.idle?.known(guid, mark) === true;
  };

  const startCampaign = async (store: Store, guid: string) => {
    const svc = campaignService({ store, clock });
    const c = await svc.create({ name: 'r', releaseId: 'r5', targetGuids: [guid], waves: [{ percent: 100 }], errorThreshold: 50 }, ACTOR);
    await svc.start(c.id, ACTOR);
  };

  test('an action made in this process is offered on the very next poll', async () => {
    assert.equal(await pollAction(ctx, guidOf(1)), undefined);
    assert.equal(await knownIdle(guidOf(1)), true, 'the idle answer is kept');
    await startCampaign(here, guidOf(1));
    assert.equal(await knownIdle(guidOf(1)), false);
    assert.equal((await pollAction(ctx, guidOf(1)))?.release.id, 'r5');
  });

  test('an action made by another replica is offered once the bound has passed, not later', async () => {
    assert.equal(await pollAction(ctx, guidOf(2)), undefined);
    await startCampaign(there, guidOf(2));
    now.ms += IDLE_CACHE_MS - 1;
    assert.equal(await pollAction(ctx, guidOf(2)), undefined, 'within the bound the kept answer stands');
    now.ms += 1;
    assert.equal((await pollAction(ctx, guidOf(2)))?.release.id, 'r5');
  });

  test('an idle answer stands while no action is written anywhere, however long', async () => {
    assert.equal(await pollAction(ctx, guidOf(1)), undefined);
    now.ms += 3_600_000;
    // Writes that are no campaign action (a sighting, a device record) leave it standing.
    await there.devices.recordSightings([{ guid: new Uint8Array(Buffer.from(guidOf(1), 'hex')), at: clock() }]);
    await there.devices.upsert({ guid: new Uint8Array(Buffer.from(guidOf(2), 'hex')), state: 'active' });
    assert.equal(await knownIdle(guidOf(1)), true);
    await startCampaign(there, guidOf(2));
    now.ms += IDLE_CACHE_MS;
    assert.equal(await knownIdle(guidOf(1)), false, 'an action written by another replica ends every idle answer');
  });

  test('a device with open actions is never remembered as idle', async () => {
    await startCampaign(here, guidOf(1));
    assert.equal((await pollAction(ctx, guidOf(1)))?.release.id, 'r5');
    assert.equal(await knownIdle(guidOf(1)), false);
    assert.equal((await pollAction(ctx, guidOf(1)))?.release.id, 'r5', 'a repeated poll offers it again');
  });
});
