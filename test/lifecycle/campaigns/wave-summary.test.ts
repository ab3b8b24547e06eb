import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeWaves, waveSummary } from '../../../src/lifecycle/campaigns/wave-summary.ts';

test('a wave sums up as succeeded, failed (timed out too), pending (scheduled and in flight) and cancelled', () => {
  const counts = {
    scheduled: 2,
    offered: 1,
    downloading: 1,
    downloaded: 1,
    installing: 1,
    succeeded: 3,
    failed: 2,
    'timed-out': 1,
    cancelled: 4,
  };
  assert.deepEqual(waveSummary(counts, 'forced'), { succeeded: 3, failed: 3, pending: 6, cancelled: 4 });
  assert.deepEqual(waveSummary(counts, 'soft'), { succeeded: 3, failed: 3, pending: 6, cancelled: 4 });
});

test('in a download-only campaign downloaded is a success', () => {
  assert.deepEqual(waveSummary({ downloaded: 2, downloading: 1, failed: 1 }, 'download-only'), {
    succeeded: 2,
    failed: 1,
    pending: 1,
    cancelled: 0,
  });
});

test('an empty wave sums up to nothing', () => {
  assert.deepEqual(waveSummary({}, 'forced'), { succeeded: 0, failed: 0, pending: 0, cancelled: 0 });
});

test('every wave keeps its index and counts', () => {
  const out = summarizeWaves([{ wave: 1, counts: { succeeded: 1, scheduled: 1 } }], 'forced');
  assert.deepEqual(out, [
    { wave: 1, counts: { succeeded: 1, scheduled: 1 }, summary: { succeeded: 1, failed: 0, pending: 1, cancelled: 0 } },
  ]);
});
