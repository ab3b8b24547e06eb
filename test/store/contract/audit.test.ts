import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_AUDIT_SUBJECTS } from '../../../src/store/audit-log.ts';
import { forEachDialect } from './dialects.ts';
import { drain, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('audit log: appends in order with time and actor, pages, filters by subject; no way to change a record, not even in SQL', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store, h) => {
        const first = await store.audit.append({ actor: 'system', action: 'voucher.created', subject: 'aa', details: { n: 1 } });
        assert.equal(first.at.getTime(), c.now());
        for (let n = 2; n <= 5; n++) {
          c.advance(10);
          await store.audit.append({ actor: 'token:t1', action: 'device.onboarded', subject: n % 2 ? 'aa' : 'bb', details: { n } });
        }
        const pages = await drain((after) => store.audit.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.details['n'])),
          [[1, 2], [3, 4], [5]],
        );
        const all = pages.flat();
        assert.ok(all.every((r, i) => i === 0 || r.id > (all[i - 1] as { id: number }).id));
        assert.equal(all[4]?.at.getTime(), c.now());
        assert.equal(all[4]?.actor, 'token:t1');
        assert.deepEqual(
          (await store.audit.list({ subject: 'aa' })).items.map((x) => x.details['n']),
          [1, 3, 5],
        );
        assert.deepEqual(Object.keys(store.audit).sort(), ['append', 'list']);
        const bare = await store.audit.append({ actor: 'a', action: 'b', subject: 'c' });
        assert.deepEqual(bare.details, {});
        if (h.raw) {
          await assert.rejects(h.raw("UPDATE audit_log SET actor = 'mallory'"), /append-only/);
          await assert.rejects(h.raw('DELETE FROM audit_log'), /append-only/);
          assert.equal((await store.audit.list()).items.length, 6);
        }
      },
      c.clock,
    );
  });

  test('audit log: records about any of several subjects, oldest first, paged; the number of subjects is bounded', async () => {
    await withStore(make, async (store) => {
      for (const [n, subject] of ['guid-a', 'mac-1', 'other', 'guid-b', 'mac-1', 'other'].entries())
        await store.audit.append({ actor: 'system', action: 'x', subject, details: { n } });
      const subjects = ['guid-a', 'guid-b', 'mac-1'];
      const pages = await drain((after) => store.audit.list({ subjects, limit: 3, ...(after === undefined ? {} : { after }) }));
      assert.deepEqual(
        pages.map((p) => p.map((x) => x.details['n'])),
        [[0, 1, 3], [4]],
      );
      await assert.rejects(store.audit.list({ subjects: [] }), TypeError);
      await assert.rejects(store.audit.list({ subjects: Array.from({ length: MAX_AUDIT_SUBJECTS + 1 }, (_, i) => `s${i}`) }), TypeError);
    });
  });
});
