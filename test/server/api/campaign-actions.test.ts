import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ApiWorld, bearer, startApiWorld } from './world.ts';

interface ActionItem {
  id: string;
  guid: string;
  wave: number;
  state: string;
  attempts: number;
  reason?: string;
  reportVerified: boolean;
  reportError?: string;
  offeredAt?: string;
  notBefore?: string;
  updatedAt: string;
}

const GUIDS = ['01', '02', '03', '04', '05'].map((b) => b.repeat(16));

describe('campaign actions in the management API', () => {
  let w: ApiWorld;
  const campaignId = randomUUID();
  const ids = GUIDS.map(() => randomUUID());
  const REPORT = Uint8Array.of(0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26);

  before(async () => {
    w = await startApiWorld();
    const campaigns = w.platform.store.campaigns;
    await campaigns.create({
      id: campaignId,
      name: 'actions',
      releaseId: randomUUID(),
      targetGuids: GUIDS,
      waves: [{ count: 2 }, { percent: 100 }],
      actionType: 'forced',
      confirm: false,
      errorThreshold: 50,
      timeoutSeconds: 600,
      retries: { attempts: 1, backoffSeconds: 60 },
    });
    await campaigns.addActions(
      campaignId,
      GUIDS.map((guid, i) => ({ id: ids[i] as string, guid, wave: i < 2 ? 0 : 1 })),
    );
    const offeredAt = new Date('2026-01-02T03:04:05Z');
    await campaigns.updateAction(ids[0] as string, ['scheduled'], { state: 'offered', offeredAt });
    await campaigns.updateAction(ids[0] as string, ['offered'], { state: 'succeeded', report: REPORT, reportVerified: true });
    await campaigns.updateAction(ids[1] as string, ['scheduled'], { state: 'offered', offeredAt });
    await campaigns.setReportError(ids[1] as string, 'the report names another manifest');
    await campaigns.updateAction(ids[1] as string, ['offered'], {
      state: 'scheduled',
      reason: 'no space \u001b[31mleft',
      notBefore: new Date('2026-01-02T04:00:00Z'),
    });
  });
  after(() => w?.close());

  const get = (url: string, token = w.tokens.owner) =>
    w.platform.app.inject({ method: 'GET', url: `/api/v1/campaigns/${url}`, headers: bearer(token) });

  test('every action with its details, by GUID, paged', async () => {
    const seen: ActionItem[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await get(`${campaignId}/actions?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json() as { items: ActionItem[]; next?: string };
      assert.ok(page.items.length <= 2);
      seen.push(...page.items);
      cursor = page.next;
      pages++;
    } while (cursor !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen.map((a) => [a.guid, a.id, a.wave, a.state]),
      GUIDS.map((g, i) => [g, ids[i], i < 2 ? 0 : 1, i === 0 ? 'succeeded' : 'scheduled']),
    );
    const [done, retried, plain] = seen;
    assert.equal(done?.reportVerified, true);
    assert.equal(done?.attempts, 1);
    assert.equal(done?.offeredAt, '2026-01-02T03:04:05.000Z');
    assert.equal(done?.reportError, undefined);
    assert.equal(retried?.reportVerified, false);
    assert.equal(retried?.reportError, 'the report names another manifest');
    assert.equal(retried?.reason, 'no space \u001b[31mleft');
    assert.equal(retried?.notBefore, '2026-01-02T04:00:00.000Z');
    assert.deepEqual(Object.keys(plain ?? {}).sort(), ['attempts', 'guid', 'id', 'reportVerified', 'state', 'updatedAt', 'wave']);
    assert.ok(!JSON.stringify(seen).includes('report"'), 'no report bytes');
  });

  test('state, wave and guid filter', async () => {
    const items = async (query: string) => ((await get(`${campaignId}/actions?${query}`)).json() as { items: ActionItem[] }).items;
    assert.deepEqual(
      (await items('state=succeeded')).map((a) => a.guid),
      [GUIDS[0]],
    );
    assert.deepEqual(
      (await items('wave=1')).map((a) => a.guid),
      GUIDS.slice(2),
    );
    assert.deepEqual(
      (await items('wave=0&state=scheduled')).map((a) => a.guid),
      [GUIDS[1]],
    );
    assert.deepEqual(
      (await items(`guid=${GUIDS[3]}`)).map((a) => a.id),
      [ids[3]],
    );
    const dashed = `${GUIDS[4]?.slice(0, 8).toUpperCase()}-${GUIDS[4]?.slice(8)}`;
    assert.deepEqual(
      (await items(`guid=${dashed}`)).map((a) => a.id),
      [ids[4]],
    );
    assert.deepEqual(await items('state=failed'), []);
  });

  test('refusals: an unknown campaign, a bad filter or cursor, a role other than owner', async () => {
    const unknown = await get(`${randomUUID()}/actions`);
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { code: string }).code, 'ERR_CAMPAIGN_NOT_FOUND');
    for (const q of ['state=nope', 'wave=-1', 'guid=xyz', 'limit=0']) {
      const r = await get(`${campaignId}/actions?${q}`);
      assert.equal(r.statusCode, 400, q);
    }
    assert.equal((await get(`${campaignId}/actions?cursor=***`)).statusCode, 400);
    const auditor = await get(`${campaignId}/actions`, w.tokens.auditor);
    assert.equal(auditor.statusCode, 403);
    assert.equal((auditor.json() as { code: string }).code, 'ERR_API_FORBIDDEN');
    assert.equal((await get(`${campaignId}/actions`, w.tokens.manufacturer)).statusCode, 403);
  });

  test('the kept SUIT report of an action, as COSE; 404 without one or for another campaign', async () => {
    const r = await get(`${campaignId}/actions/${ids[0]}/report`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/cose');
    assert.deepEqual(new Uint8Array(r.rawPayload), REPORT);
    const none = await get(`${campaignId}/actions/${ids[1]}/report`);
    assert.equal(none.statusCode, 404);
    assert.equal((none.json() as { code: string }).code, 'ERR_CAMPAIGN_ACTION_NOT_FOUND');
    assert.equal((await get(`${randomUUID()}/actions/${ids[0]}/report`)).statusCode, 404);
    const other = randomUUID();
    const first = (await w.platform.store.campaigns.get(campaignId)) ?? assert.fail('the campaign vanished');
    await w.platform.store.campaigns.create({ ...first, id: other });
    const elsewhere = await get(`${other}/actions/${ids[0]}/report`);
    assert.equal(elsewhere.statusCode, 404, 'an action is only found through its own campaign');
    assert.equal((elsewhere.json() as { code: string }).code, 'ERR_CAMPAIGN_ACTION_NOT_FOUND');
    assert.deepEqual((await get(`${other}/actions`)).json(), { items: [] });
    assert.equal((await get(`${campaignId}/actions/${randomUUID()}/report`)).statusCode, 404);
    assert.equal((await get(`${campaignId}/actions/${ids[0]}/report`, w.tokens.auditor)).statusCode, 403);
  });
});
