import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fleetDeviceClient } from '../../src/agent/fleet-device-client.ts';
import { NO_FAULTS } from '../../src/agent/fleet-faults.ts';
import { type FinalFeedback, type PendingResults, readPending } from '../../src/agent/kept-results.ts';
import type { ManagementProvision } from '../../src/fdo/serviceinfo/ports.ts';

const provision = {
  endpoint: 'http://device.test/device/v1',
  credential: { type: 'bearer', token: 't' },
  trustAnchors: [],
} as unknown as ManagementProvision;

/** A device API that answers feedback with the statuses given, in order (0: the connection is refused). */
function server(statuses: number[], seen: string[]): typeof fetch {
  return async (_input, init) => {
    seen.push(String(init?.body ?? ''));
    const status = statuses.shift() ?? 204;
    if (status === 0) throw new TypeError('fetch failed');
    return new Response(status === 204 ? null : '{}', { status });
  };
}

function client(dataDir: string, statuses: number[], seen: string[], acked: [string, FinalFeedback][], pending: PendingResults = {}) {
  return fleetDeviceClient({
    index: 0,
    provision,
    dataDir,
    faults: () => NO_FAULTS,
    fetch: server(statuses, seen),
    downloads: { cut: 0, resumed: 0 },
    pending,
    acknowledged: (id, body) => acked.push([id, body]),
  });
}

test('a success the server did not acknowledge is kept on disk with its signed report and sent again; once acknowledged it is forgotten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-fleet-client-'));
  try {
    const seen: string[] = [];
    const acked: [string, FinalFeedback][] = [];
    const pending: PendingResults = {};
    const c = client(dir, [503, 204], seen, acked, pending);
    const success: FinalFeedback = { status: 'succeeded', sequenceNumber: 2, report: '0oRDoQEmoFhA' };
    await assert.rejects(c.client.feedback('a1', success), { status: 503 });
    assert.deepEqual(acked, []);
    assert.deepEqual(await readPending(dir), { a1: success }, 'read back from disk, report included');
    assert.deepEqual(pending, { a1: success });
    await c.client.feedback('a1', (await readPending(dir)).a1 as FinalFeedback);
    assert.deepEqual(acked, [['a1', success]]);
    assert.deepEqual(await readPending(dir), {});
    assert.equal(existsSync(join(dir, 'pending-results.json')), false);
    assert.equal(seen.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failure during which the server went away is not reported; after reset a real failure is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-fleet-client-'));
  try {
    const seen: string[] = [];
    const acked: [string, FinalFeedback][] = [];
    const c = client(dir, [0], seen, acked);
    await assert.rejects(c.client.feedback('a1', { status: 'downloading' }), { code: 'ERR_DEVICE_API_UNREACHABLE' });
    await assert.rejects(c.client.feedback('a1', { status: 'failed', reason: 'ERR_DEVICE_API_UNREACHABLE: gone' }), {
      code: 'ERR_DEVICE_API_UNREACHABLE',
    });
    assert.equal(seen.length, 1, 'the failure was not sent');
    c.reset();
    await c.client.feedback('a1', { status: 'failed', reason: 'ERR_SUIT_X: bad' });
    assert.deepEqual(acked, [['a1', { status: 'failed', reason: 'ERR_SUIT_X: bad' }]]);
    assert.deepEqual(await readPending(dir), {}, 'failures are never kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pending-results file that is not one is read as empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-fleet-client-'));
  try {
    for (const text of [
      'not json',
      '[]',
      '{"a":{"status":"failed"}}',
      '{"a":{"status":"succeeded","sequenceNumber":"2"}}',
      `{"a":"${'x'.repeat(70_000)}"}`,
    ]) {
      writeFileSync(join(dir, 'pending-results.json'), text);
      assert.deepEqual(await readPending(dir), {}, text.slice(0, 40));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
