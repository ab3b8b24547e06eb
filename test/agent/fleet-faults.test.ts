import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkFaults, cuttingFetch, type DownloadCuts, hasFault, NO_FAULTS } from '../../src/agent/fleet-faults.ts';
import { updateClient } from '../../src/agent/update-client.ts';
import type { ManagementProvision } from '../../src/fdo/serviceinfo/ports.ts';

const picked = (percent: number, seed: string, n = 1000) =>
  Array.from({ length: n }, (_, i) => i).filter((i) => hasFault({ ...NO_FAULTS, failInstall: percent, seed }, 'failInstall', i));

describe('fleet faults', () => {
  test('a seed picks the same devices every time, about the share asked for, and a higher share keeps the devices picked before', () => {
    const ten = picked(10, 's1');
    assert.deepEqual(picked(10, 's1'), ten);
    assert.notDeepEqual(picked(10, 's2'), ten);
    assert.ok(ten.length > 60 && ten.length < 140, `${ten.length} of 1000 for 10 %`);
    const thirty = picked(30, 's1');
    assert.ok(ten.every((i) => thirty.includes(i)));
    assert.deepEqual(picked(0, 's1'), []);
    assert.equal(picked(100, 's1').length, 1000);
  });

  test('the kinds are picked independently', () => {
    const f = { ...NO_FAULTS, failInstall: 50, offline: 50, seed: 'k' };
    const a = Array.from({ length: 200 }, (_, i) => hasFault(f, 'failInstall', i));
    const b = Array.from({ length: 200 }, (_, i) => hasFault(f, 'offline', i));
    assert.notDeepEqual(a, b);
  });

  test('percentages outside 0 to 100 are refused', () => {
    assert.throws(() => checkFaults({ ...NO_FAULTS, dropDownload: 101 }), TypeError);
    assert.throws(() => checkFaults({ ...NO_FAULTS, offline: -1 }), TypeError);
    assert.throws(() => checkFaults({ ...NO_FAULTS, failInstall: Number.NaN }), TypeError);
  });
});

describe('a download cut mid-body', () => {
  const IMAGE = new Uint8Array(Buffer.alloc(10_000, 3).map((_, i) => i % 251));
  const digest = createHash('sha256').update(IMAGE).digest('hex');
  const provision = {
    endpoint: 'http://device.test/device/v1',
    credential: { type: 'bearer', token: 't' },
    trustAnchors: [],
  } as unknown as ManagementProvision;
  // The device API's artifact route as far as downloads see it: the whole payload, or the rest from a Range.
  const served: string[] = [];
  const server: typeof fetch = async (_input, init) => {
    const range = new Headers(init?.headers).get('range');
    served.push(range ?? 'all');
    const from = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
    const body = IMAGE.subarray(from);
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    if (range !== null) headers['content-range'] = `bytes ${from}-${IMAGE.length - 1}/${IMAGE.length}`;
    return new Response(body, { status: range === null ? 200 : 206, headers });
  };

  test('keeps the bytes that arrived and asks for the rest with Range; the payload matches its digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-cut-'));
    try {
      const counts: DownloadCuts = { cut: 0, resumed: 0 };
      served.length = 0;
      const client = updateClient(
        provision,
        dir,
        cuttingFetch(server, () => true, counts),
      );
      const got = await client.artifact(`/device/v1/artifacts/${digest}`);
      assert.deepEqual(got, IMAGE);
      assert.deepEqual(counts, { cut: 1, resumed: 1 });
      assert.deepEqual(served, ['all', `bytes=${IMAGE.length / 2}-`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without the fault the download is one request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-cut-'));
    try {
      const counts: DownloadCuts = { cut: 0, resumed: 0 };
      served.length = 0;
      const got = await updateClient(
        provision,
        dir,
        cuttingFetch(server, () => false, counts),
      ).artifact(`/device/v1/artifacts/${digest}`);
      assert.deepEqual(got, IMAGE);
      assert.deepEqual(counts, { cut: 0, resumed: 0 });
      assert.deepEqual(served, ['all']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a connection that keeps being cut before any byte fails the download', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-cut-'));
    try {
      const dead: typeof fetch = async () =>
        new Response(
          new ReadableStream({
            pull: (c) => c.error(new Error('reset')),
          }),
          { status: 200, headers: { 'content-length': '10000' } },
        );
      await assert.rejects(updateClient(provision, dir, dead).artifact(`/device/v1/artifacts/${digest}`), {
        code: 'ERR_DEVICE_API_UNREACHABLE',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
