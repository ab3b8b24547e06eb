import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { percentile, runFleet, serverWentAway } from '../../src/agent/fleet.ts';
import { FdoTransportError } from '../../src/fdo/client/errors.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';

const run = runCli;

describe('fleet simulate against iotopia up', () => {
  let platform: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-fleet-'));
  before(async () => {
    platform = await startPlatform(testConfig({ dataDir: join(dir, 'server') }));
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('ten devices, four at a time: all onboarded with distinct GUIDs, and the server agrees', async () => {
    const seen: number[] = [];
    const summary = await runFleet({
      count: 10,
      concurrency: 4,
      manufacturer: platform.url,
      dir: join(dir, 'creds'),
      onProgress: (p) => seen.push(p.done),
    });
    assert.equal(summary.succeeded, 10, JSON.stringify(summary.failures));
    assert.equal(summary.failed, 0);
    assert.deepEqual(summary.failures, {});
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(summary.rate > 0 && summary.p50Ms > 0 && summary.p99Ms >= summary.p50Ms);
    const guids = new Set(summary.devices.map((d) => d.guid));
    const replacements = new Set(summary.devices.map((d) => d.replacementGuid));
    assert.equal(guids.size, 10);
    assert.equal(replacements.size, 10);
    const files = readdirSync(join(dir, 'creds'));
    // A credential and the device API provision its owner gave it, for each device.
    assert.equal(files.filter((f) => /^device-\d+\.cbor$/.test(f)).length, 10);
    assert.equal(files.filter((f) => /^device-\d+\.provision\.json$/.test(f)).length, 10);
    // And its data directory, holding the model and serial it presented in DI.
    const dataDirs = files.filter((f) => /^device-\d+$/.test(f));
    assert.equal(dataDirs.length, 10);
    assert.equal(files.length, 30);
    for (const f of files) assert.equal(statSync(join(dir, 'creds', f)).mode & 0o777, dataDirs.includes(f) ? 0o700 : 0o600);
    for (const d of summary.devices) {
      const identity = JSON.parse(readFileSync(join(dir, 'creds', `device-${d.index}`, 'identity.json'), 'utf8')) as Record<string, string>;
      assert.equal(identity.model, 'IoTopia fleet simulator');
      assert.match(identity.serial ?? '', new RegExp(`^FLEET-${d.index}-[0-9A-F]{8}$`));
      assert.deepEqual(d.identity, identity);
    }
    for (const d of summary.devices) {
      const record = await platform.store.devices.get(new Uint8Array(Buffer.from(d.guid ?? '', 'hex')));
      assert.equal(record?.state, 'onboarded');
      assert.equal(Buffer.from(record?.replacementGuid ?? []).toString('hex'), d.replacementGuid);
    }
  });

  test('failures are counted by reason: an unreachable server after its retries, a non-FDO path at once', async () => {
    const unreachable = await runFleet({ count: 3, concurrency: 3, manufacturer: 'http://127.0.0.1:9', retries: 2, backoffMs: 1 });
    assert.equal(unreachable.failed, 3);
    assert.deepEqual(unreachable.failures, { ERR_AGENT_HTTP_UNREACHABLE: 3 });
    for (const d of unreachable.devices) assert.equal(d.retries, 2);
    assert.equal(unreachable.retries, 6);

    const notFdo = await runFleet({ count: 2, manufacturer: `${platform.url}/not-fdo`, backoffMs: 1 });
    assert.deepEqual(notFdo.failures, { ERR_AGENT_HTTP_STATUS: 2 });
    assert.equal(notFdo.retries, 0, 'a 404 is an answer, not a server that went away');
    assert.equal(notFdo.devices[0]?.phase, 'DI');
  });

  test('an aborted fleet starts no more devices and stops retrying', async () => {
    const stop = new AbortController();
    const started = performance.now();
    const fleet = runFleet({
      count: 20,
      concurrency: 2,
      manufacturer: 'http://127.0.0.1:9',
      retries: 100,
      backoffMs: 20,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 50);
    const summary = await fleet;
    assert.ok(summary.devices.length < 20, `${summary.devices.length} devices ran`);
    assert.ok(performance.now() - started < 5000);
  });

  test('only a server that went away is retried', () => {
    assert.equal(serverWentAway(new FdoTransportError('ERR_AGENT_HTTP_UNREACHABLE', 'refused')), true);
    assert.equal(serverWentAway(new FdoTransportError('ERR_AGENT_HTTP_STATUS', 'HTTP 503 without an FDO error message')), true);
    assert.equal(serverWentAway(new FdoTransportError('ERR_AGENT_HTTP_STATUS', 'HTTP 404 without an FDO error message')), false);
    assert.equal(serverWentAway(new Error('boom')), false);
    assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
    assert.equal(percentile([], 0.99), 0);
  });

  test('the CLI prints only the JSON summary on stdout; a failed device makes exit 1; usage errors exit 2', async () => {
    const ok = await run(['fleet', 'simulate', '--count', '3', '--concurrency', '2', '--manufacturer', platform.url, '--json'], dir);
    assert.equal(ok.code, 0, ok.err);
    const summary = JSON.parse(ok.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(summary).sort(), [
      'count',
      'durationMs',
      'failed',
      'failures',
      'p50Ms',
      'p99Ms',
      'rate',
      'retries',
      'succeeded',
    ]);
    assert.equal(summary.succeeded, 3);
    assert.match(ok.err, /fleet: 3\/3 done/);

    const bad = await run(
      ['fleet', 'simulate', '--count', '2', '--manufacturer', 'http://127.0.0.1:9', '--retries', '0', '--json', '--devices'],
      dir,
    );
    assert.equal(bad.code, 1);
    const failed = JSON.parse(bad.out) as { failed: number; failures: Record<string, number>; devices: { reason: string }[] };
    assert.equal(failed.failed, 2);
    assert.deepEqual(failed.failures, { ERR_AGENT_HTTP_UNREACHABLE: 2 });
    assert.equal(failed.devices[0]?.reason, 'ERR_AGENT_HTTP_UNREACHABLE');

    assert.equal((await run(['fleet', 'simulate', '--count', '0', '--manufacturer', platform.url], dir)).code, 2);
    assert.equal((await run(['fleet', 'simulate', '--count', '2', '--manufacturer', 'ftp://x', '--key', 'ec256'], dir)).code, 2);
    assert.equal((await run(['fleet', 'simulate', '--count', '2', '--manufacturer', platform.url, '--key', 'rsa9'], dir)).code, 2);
  });
});
