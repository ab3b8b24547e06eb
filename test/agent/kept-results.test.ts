import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceApiError } from '../../src/agent/device-api-client.ts';
import { applyOrResend, type FinalFeedback, keptResultsClient, readPending } from '../../src/agent/kept-results.ts';
import type { UpdateClient } from '../../src/agent/update-client.ts';
import type { ManagementProvision } from '../../src/fdo/serviceinfo/ports.ts';

const provision = {
  endpoint: 'https://owner.example/device/v1',
  credential: { type: 'bearer', token: 't' },
  trustAnchors: [],
} as unknown as ManagementProvision;

/** An update client whose feedback answers with the given statuses in turn (0: unreachable). */
function fakeClient(statuses: number[], sent: [string, FinalFeedback][]): UpdateClient {
  const gone = (status: number) => new DeviceApiError('ERR_DEVICE_API_UNREACHABLE', `status ${status}`, status);
  return {
    envelope: async () => {
      throw gone(0);
    },
    artifact: async () => new Uint8Array(),
    confirm: async () => true,
    feedback: async (id, body) => {
      const status = statuses.shift() ?? 204;
      if (status === 0 || status >= 500) throw gone(status);
      sent.push([id, body]);
    },
  };
}

test('a success the server did not take is sent again, report and all, by the next run, which installs nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-kept-'));
  try {
    const sent: [string, FinalFeedback][] = [];
    const success: FinalFeedback = { status: 'succeeded', sequenceNumber: 3, report: '0oRDoQEmoFhA' };
    const first = keptResultsClient(fakeClient([503], sent), dir, await readPending(dir));
    await assert.rejects(first.client.feedback('a1', success), { status: 503 });
    // A new run of the agent: it reads what the last one kept.
    const next = keptResultsClient(fakeClient([], sent), dir, await readPending(dir));
    const action = { id: 'a1', type: 'forced', envelopeUrl: '/device/v1/actions/a1/envelope' };
    assert.equal(await applyOrResend(provision, next, action, dir, {}), 'resent', 'no envelope fetched: the fake would throw');
    assert.deepEqual(sent, [['a1', success]]);
    assert.deepEqual(await readPending(dir), {}, 'forgotten once the server took it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an update the server went away from is not reported as failed; the error reaches the caller', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-kept-'));
  try {
    const sent: [string, FinalFeedback][] = [];
    const kept = keptResultsClient(fakeClient([], sent), dir, {});
    const action = { id: 'a2', type: 'forced', envelopeUrl: '/device/v1/actions/a2/envelope' };
    await assert.rejects(applyOrResend(provision, kept, action, dir, {}), { code: 'ERR_DEVICE_API_UNREACHABLE' });
    assert.deepEqual(sent, [], 'no failure was sent for the envelope the server did not give');
    assert.deepEqual(await readPending(dir), {}, 'failures are never kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
