import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CampaignInput } from '../../../src/store/campaign-repository.ts';
import { forEachDialect } from './dialects.ts';
import { drain, hasCode, movableClock, withStore } from './shared.ts';

const input = (id: string): CampaignInput => ({
  id,
  name: `campaign ${id}`,
  releaseId: 'rel-1',
  targetQuery: 'tag==canary',
  waves: [{ count: 1 }, { percent: 100 }],
  actionType: 'forced',
  confirm: false,
  errorThreshold: 20,
  successThreshold: 80,
  timeoutSeconds: 600,
  retries: { attempts: 0, backoffSeconds: 60 },
});

forEachDialect((make) => {
  test('campaigns: created as draft, read back, duplicates refused, paged, conditional updates', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const made = await store.campaigns.create(input('c2'));
        assert.equal(made.state, 'draft');
        assert.equal(made.currentWave, 0);
        assert.deepEqual(made.waves, [{ count: 1 }, { percent: 100 }]);
        assert.equal(made.successThreshold, 80);
        assert.equal(made.window, undefined);
        assert.deepEqual(made.retries, { attempts: 0, backoffSeconds: 60 });
        await assert.rejects(store.campaigns.create(input('c2')), hasCode('ERR_STORE_DUPLICATE'));
        const win = { cron: '0 2 * * *', minutes: 60, timeZone: 'UTC' };
        const { targetQuery: _, successThreshold: __, ...rest } = input('c1');
        const manual = await store.campaigns.create({
          ...rest,
          targetGuids: ['aa', 'bb'],
          window: win,
          confirm: true,
          retries: { attempts: 3, backoffSeconds: 30 },
        });
        assert.deepEqual(manual.retries, { attempts: 3, backoffSeconds: 30 });
        assert.deepEqual(manual.targetGuids, ['aa', 'bb']);
        assert.equal(manual.targetQuery, undefined);
        assert.equal(manual.successThreshold, undefined);
        assert.deepEqual(manual.window, win);
        assert.equal(manual.confirm, true);
        await store.campaigns.create(input('c3'));
        const pages = await drain((after) => store.campaigns.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.id)),
          [['c1', 'c2'], ['c3']],
        );
        c.advance(1000);
        const running = await store.campaigns.update('c2', ['draft'], { state: 'running' });
        assert.equal(running?.state, 'running');
        assert.equal(running?.updatedAt.getTime(), c.now());
        assert.equal(await store.campaigns.update('c2', ['draft'], { state: 'running' }), undefined);
        assert.equal(await store.campaigns.update('c2', ['running'], { currentWave: 1 }, 5), undefined);
        const next = await store.campaigns.update('c2', ['running'], { currentWave: 1 }, 0);
        assert.equal(next?.currentWave, 1);
        const paused = await store.campaigns.update('c2', ['running'], { state: 'paused', reason: 'errors' });
        assert.equal(paused?.reason, 'errors');
        const cleared = await store.campaigns.update('c2', ['paused'], { state: 'running', reason: null });
        assert.equal(cleared?.reason, undefined);
        assert.equal((await store.campaigns.update('c2', ['running'], { releaseId: 'rel-2' }))?.releaseId, 'rel-2');
        assert.deepEqual(
          (await store.campaigns.list({ state: 'running' })).items.map((x) => x.id),
          ['c2'],
        );
      },
      () => new Date(c.now()),
    );
  });

  test('campaign actions: scheduled per wave, unique per device, conditional changes, counts, reports', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        await store.campaigns.create(input('c1'));
        await store.campaigns.addActions('c1', [
          { id: 'a1', guid: '01', wave: 0 },
          { id: 'a2', guid: '02', wave: 1 },
          { id: 'a3', guid: '03', wave: 1 },
        ]);
        await assert.rejects(store.campaigns.addActions('c1', [{ id: 'a9', guid: '02', wave: 0 }]), hasCode('ERR_STORE_DUPLICATE'));
        assert.deepEqual(
          (await store.campaigns.actions('c1')).map((a) => [a.id, a.wave, a.state, a.attempts]),
          [
            ['a1', 0, 'scheduled', 0],
            ['a2', 1, 'scheduled', 0],
            ['a3', 1, 'scheduled', 0],
          ],
        );
        assert.deepEqual(
          (await store.campaigns.actions('c1', { wave: 1 })).map((a) => a.id),
          ['a2', 'a3'],
        );
        c.advance(5000);
        const offered = await store.campaigns.updateAction('a1', ['scheduled'], { state: 'offered', offeredAt: new Date(c.now()) });
        assert.equal(offered?.attempts, 1);
        assert.equal(offered?.offeredAt?.getTime(), c.now());
        assert.equal(await store.campaigns.updateAction('a1', ['scheduled'], { state: 'offered' }), undefined);
        assert.deepEqual(
          (await store.campaigns.actionsOfDevice('01', ['offered'])).map((a) => a.id),
          ['a1'],
        );
        assert.deepEqual(await store.campaigns.actionsOfDevice('02', ['offered']), []);
        assert.equal(await store.campaigns.report('a1'), undefined);
        assert.equal(offered?.reportVerified, false);
        assert.equal(await store.campaigns.setReportError('a1', 'the report names another manifest'), true);
        assert.equal(await store.campaigns.setReportError('nope', 'x'), false);
        const refused = await store.campaigns.getAction('a1');
        assert.equal(refused?.state, 'offered', 'a refused report leaves the state');
        assert.equal(refused?.reportError, 'the report names another manifest');
        const report = Uint8Array.of(0xa1, 1, 2);
        const failed = await store.campaigns.updateAction('a1', ['offered'], {
          state: 'failed',
          reason: 'digest mismatch',
          report,
          reportVerified: true,
        });
        assert.equal(failed?.reason, 'digest mismatch');
        assert.equal(failed?.reportVerified, true);
        assert.equal(failed?.reportError, undefined, 'a kept report clears the refusal');
        assert.deepEqual(await store.campaigns.report('a1'), report);
        await store.campaigns.updateAction('a2', ['scheduled'], { state: 'cancelled' });
        assert.deepEqual(await store.campaigns.counts('c1'), [
          { wave: 0, counts: { failed: 1 } },
          { wave: 1, counts: { cancelled: 1, scheduled: 1 } },
        ]);
        assert.equal((await store.campaigns.getAction('a3'))?.guid, '03');
        assert.equal(await store.campaigns.getAction('nope'), undefined);
      },
      () => new Date(c.now()),
    );
  });

  test('campaign actions: rescheduled with a not-before time, conditional on attempts, bulk changes by state and wave, offered before a time', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        await store.campaigns.create(input('c1'));
        await store.campaigns.create(input('c2'));
        await store.campaigns.addActions('c1', [
          { id: 'a1', guid: '01', wave: 0 },
          { id: 'a2', guid: '02', wave: 0 },
          { id: 'a3', guid: '03', wave: 1 },
          { id: 'a4', guid: '04', wave: 2 },
        ]);
        await store.campaigns.addActions('c2', [{ id: 'b1', guid: '01', wave: 0 }]);
        assert.equal((await store.campaigns.getAction('a1'))?.notBefore, undefined);
        const t0 = c.now();
        for (const id of ['a1', 'a2', 'b1'])
          await store.campaigns.updateAction(id, ['scheduled'], { state: 'offered', offeredAt: new Date(t0) });
        c.advance(10_000);
        await store.campaigns.updateAction('a3', ['scheduled'], { state: 'offered', offeredAt: new Date(c.now()) });
        assert.deepEqual(
          (await store.campaigns.offeredBefore('c1', ['offered'], new Date(t0))).map((a) => a.id),
          ['a1', 'a2'],
        );
        assert.deepEqual((await store.campaigns.offeredBefore('c1', ['offered'], new Date(c.now()))).map((a) => a.id).sort(), [
          'a1',
          'a2',
          'a3',
        ]);
        assert.deepEqual(await store.campaigns.offeredBefore('c1', ['downloading'], new Date(c.now())), []);
        await store.campaigns.updateAction('a1', ['offered'], { state: 'failed', reason: 'x' });
        const later = new Date(c.now() + 60_000);
        assert.equal(await store.campaigns.updateAction('a1', ['failed'], { state: 'scheduled', notBefore: later }, 2), undefined);
        const again = await store.campaigns.updateAction('a1', ['failed'], { state: 'scheduled', notBefore: later }, 1);
        assert.equal(again?.state, 'scheduled');
        assert.equal(again?.notBefore?.getTime(), later.getTime());
        assert.equal(again?.attempts, 1);
        assert.equal(await store.campaigns.updateAction('a1', ['failed'], { state: 'scheduled', notBefore: later }, 1), undefined);
        const cleared = await store.campaigns.updateAction('a1', ['scheduled'], { state: 'scheduled', notBefore: null, attempts: 0 });
        assert.equal(cleared?.notBefore, undefined);
        assert.equal(cleared?.attempts, 0);
        await store.campaigns.updateAction('a2', ['offered'], { state: 'timed-out' });
        await store.campaigns.updateAction('a3', ['offered'], { state: 'failed' });
        await store.campaigns.updateAction('b1', ['offered'], { state: 'failed' });
        const n = await store.campaigns.updateActions(
          'c1',
          { states: ['failed', 'timed-out'], maxWave: 0 },
          { state: 'scheduled', attempts: 0, reason: 'again' },
        );
        assert.equal(n, 1);
        assert.deepEqual(
          (await store.campaigns.actions('c1')).map((a) => [a.id, a.state, a.attempts]),
          [
            ['a1', 'scheduled', 0],
            ['a2', 'scheduled', 0],
            ['a3', 'failed', 1],
            ['a4', 'scheduled', 0],
          ],
        );
        assert.equal((await store.campaigns.getAction('b1'))?.state, 'failed', 'another campaign is untouched');
        assert.equal(await store.campaigns.updateActions('c1', { states: ['scheduled'], minAttempts: 1 }, { state: 'scheduled' }), 0);
        assert.equal(
          await store.campaigns.updateActions('c1', { states: ['failed'], offeredBefore: new Date(t0), attempts: 1 }, { state: 'failed' }),
          0,
          'a3 was offered after t0',
        );
        assert.equal(
          await store.campaigns.updateActions(
            'c1',
            { states: ['failed'], offeredBefore: new Date(c.now()), attempts: 1 },
            { state: 'timed-out' },
          ),
          1,
        );
        assert.equal(await store.campaigns.updateActions('c1', { states: ['timed-out'], attempts: 2 }, { state: 'failed' }), 0);
        assert.equal(await store.campaigns.updateActions('c1', { states: ['scheduled'] }, { state: 'cancelled', reason: 'done' }), 3);
        assert.equal(await store.campaigns.updateActions('c1', { states: ['scheduled'] }, { state: 'cancelled', reason: 'done' }), 0);
      },
      () => new Date(c.now()),
    );
  });

  test('campaign actions listed: paged by GUID, filtered by state, wave and GUID, one campaign only', async () => {
    await withStore(make, async (store) => {
      await store.campaigns.create(input('c1'));
      await store.campaigns.create(input('c2'));
      await store.campaigns.addActions('c1', [
        { id: 'a4', guid: '04', wave: 0 },
        { id: 'a2', guid: '02', wave: 1 },
        { id: 'a1', guid: '01', wave: 1 },
        { id: 'a3', guid: '03', wave: 0 },
      ]);
      await store.campaigns.addActions('c2', [{ id: 'b1', guid: '01', wave: 0 }]);
      await store.campaigns.updateAction('a3', ['scheduled'], { state: 'failed', reason: 'no space' });
      await store.campaigns.setReportError('a3', 'the report names another manifest');
      const pages = await drain((after) => store.campaigns.listActions('c1', { limit: 3, ...(after === undefined ? {} : { after }) }));
      assert.deepEqual(
        pages.map((p) => p.map((a) => a.id)),
        [['a1', 'a2', 'a3'], ['a4']],
      );
      const failed = (await store.campaigns.listActions('c1', { state: 'failed' })).items;
      assert.deepEqual(
        failed.map((a) => [a.id, a.reason, a.reportError, a.reportVerified]),
        [['a3', 'no space', 'the report names another manifest', false]],
      );
      assert.deepEqual(
        (await store.campaigns.listActions('c1', { wave: 0 })).items.map((a) => a.id),
        ['a3', 'a4'],
      );
      assert.deepEqual(
        (await store.campaigns.listActions('c1', { wave: 1, state: 'scheduled', guid: '02' })).items.map((a) => a.id),
        ['a2'],
      );
      assert.deepEqual((await store.campaigns.listActions('c1', { wave: 0, guid: '02' })).items, []);
      assert.deepEqual(
        (await store.campaigns.listActions('c2')).items.map((a) => [a.id, a.campaignId]),
        [['b1', 'c2']],
      );
      assert.deepEqual(await store.campaigns.listActions('none'), { items: [] });
    });
  });

  test('installed releases: kept per device, replaced by the newer report', async () => {
    await withStore(make, async (store) => {
      assert.equal(await store.campaigns.installed('01'), undefined);
      await store.campaigns.setInstalled({ guid: '01', sequenceNumber: 3, version: '1.0', releaseId: 'r1' });
      await store.campaigns.setInstalled({ guid: '01', sequenceNumber: 4 });
      const got = await store.campaigns.installed('01');
      assert.equal(got?.sequenceNumber, 4);
      assert.equal(got?.version, undefined);
      assert.equal(got?.components, undefined);
      const components = [{ componentId: ['6669726d77617265'], name: 'firmware', digest: { algorithm: 'sha-256', hex: 'ab'.repeat(32) } }];
      await store.campaigns.setInstalled({ guid: '01', sequenceNumber: 5, releaseId: 'r2', components, reportAction: 'a9' });
      const proved = await store.campaigns.installed('01');
      assert.deepEqual(proved?.components, components);
      assert.equal(proved?.reportAction, 'a9');
    });
  });
});
