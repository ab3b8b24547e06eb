import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { AssessmentRecord } from '../../../src/store/assessment-repository.ts';
import { forEachDialect } from './dialects.ts';
import { drain, hasCode, withStore } from './shared.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const counts = { met: 1, notMet: 2, partiallyMet: 3, notApplicable: 4, manualEvidenceNeeded: 5 };

const assessment = (id: string, model: string, atOffset: number, market?: string): AssessmentRecord => ({
  id,
  model,
  ...(market === undefined ? {} : { market }),
  catalogs: ['en303645-v3', 'psti-2023'],
  at: new Date(T0 + atOffset),
  counts,
  result: JSON.stringify({ id, results: [{ provision: '5.1-1' }] }),
});

forEachDialect((make) => {
  test('assessments: kept whole, refused twice, listed by model newest first and paged', async () => {
    await withStore(make, async (store) => {
      const a = assessment('a1', 'bulb', 0, 'uk');
      await store.assessments.create(a);
      await assert.rejects(store.assessments.create(a), hasCode('ERR_STORE_DUPLICATE'));
      assert.deepEqual(await store.assessments.get('a1'), a);
      assert.equal(await store.assessments.get('nope'), undefined);
      await store.assessments.create(assessment('a2', 'bulb', 1000));
      await store.assessments.create(assessment('a0', 'bulb', 1000));
      await store.assessments.create(assessment('a3', 'bulb', 2000));
      await store.assessments.create(assessment('x1', 'plug', 5000));
      const pages = await drain((after) => store.assessments.list('bulb', { limit: 2, ...(after === undefined ? {} : { after }) }));
      assert.deepEqual(
        pages.map((p) => p.map((x) => x.id)),
        [
          ['a3', 'a2'],
          ['a0', 'a1'],
        ],
      );
      const first = pages[1]?.[1];
      assert.deepEqual(first, { id: 'a1', model: 'bulb', market: 'uk', catalogs: a.catalogs, at: a.at, counts });
      assert.equal('market' in (pages[0]?.[0] ?? {}), false);
      await assert.rejects(store.assessments.list('bulb', { after: 'not a cursor!' }), hasCode('ERR_STORE_CURSOR'));
    });
  });

  test('manual evidence: statement and attachments (size and SHA-256 computed) together, oldest first, paged', async () => {
    await withStore(make, async (store) => {
      const file = new TextEncoder().encode('pen-test report');
      const e = {
        id: 'm1',
        model: 'bulb',
        catalog: 'en303645-v3',
        provision: '5.4-1',
        statement: 'keys are in the secure element',
        outcome: 'met',
        attachments: [
          { name: 'report.txt', mediaType: 'text/plain', bytes: file },
          { name: 'empty.bin', mediaType: 'application/octet-stream', bytes: new Uint8Array(0) },
        ],
        by: 'token:abc',
        at: new Date(T0),
      };
      const made = await store.evidenceRecords.addManual(e);
      assert.deepEqual(made.attachments, [
        { name: 'report.txt', mediaType: 'text/plain', size: file.length, sha256: createHash('sha256').update(file).digest('hex') },
        {
          name: 'empty.bin',
          mediaType: 'application/octet-stream',
          size: 0,
          sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        },
      ]);
      await assert.rejects(store.evidenceRecords.addManual(e), hasCode('ERR_STORE_DUPLICATE'));
      assert.deepEqual(await store.evidenceRecords.getManual('m1'), made);
      const got = await store.evidenceRecords.attachment('m1', 0);
      assert.deepEqual(got?.bytes, file);
      assert.equal(got?.size, file.length);
      assert.equal(await store.evidenceRecords.attachment('m1', 2), undefined);
      await store.evidenceRecords.addManual({ ...e, id: 'm2', attachments: [], at: new Date(T0 + 10) });
      await store.evidenceRecords.addManual({ ...e, id: 'm0', attachments: [], at: new Date(T0 + 10) });
      await store.evidenceRecords.addManual({ ...e, id: 'p1', model: 'plug', attachments: [] });
      const pages = await drain((after) =>
        store.evidenceRecords.listManual('bulb', { limit: 2, ...(after === undefined ? {} : { after }) }),
      );
      assert.deepEqual(
        pages.map((p) => p.map((x) => [x.id, x.attachments.length])),
        [
          [
            ['m1', 2],
            ['m0', 0],
          ],
          [['m2', 0]],
        ],
      );
    });
  });

  test('manual evidence: a failed attachment write leaves no statement behind', async () => {
    await withStore(make, async (store) => {
      const bad = { name: 'x', mediaType: 'text/plain', bytes: null as unknown as Uint8Array };
      await assert.rejects(
        store.evidenceRecords.addManual({
          id: 'm9',
          model: 'bulb',
          catalog: 'c',
          provision: 'p',
          statement: 's',
          outcome: 'met',
          attachments: [bad],
          by: 'admin',
          at: new Date(T0),
        }),
      );
      assert.equal(await store.evidenceRecords.getManual('m9'), undefined);
    });
  });

  test('probe results: latest per model, newest first', async () => {
    await withStore(make, async (store) => {
      const p = (id: string, model: string, at: number) => ({
        id,
        model,
        result: JSON.stringify({ open: [at] }),
        by: 'admin',
        at: new Date(T0 + at),
      });
      assert.equal(await store.evidenceRecords.latestProbe('bulb'), undefined);
      await store.evidenceRecords.addProbe(p('r1', 'bulb', 0));
      await store.evidenceRecords.addProbe(p('r2', 'bulb', 50));
      await store.evidenceRecords.addProbe(p('r3', 'plug', 99));
      await assert.rejects(store.evidenceRecords.addProbe(p('r1', 'bulb', 1)), hasCode('ERR_STORE_DUPLICATE'));
      assert.deepEqual(await store.evidenceRecords.latestProbe('bulb'), p('r2', 'bulb', 50));
      const pages = await drain((after) =>
        store.evidenceRecords.listProbes('bulb', { limit: 1, ...(after === undefined ? {} : { after }) }),
      );
      assert.deepEqual(
        pages.map((x) => x.map((y) => y.id)),
        [['r2'], ['r1']],
      );
    });
  });
});
