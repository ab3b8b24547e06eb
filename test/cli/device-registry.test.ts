/**
 * The device registry through `iotopia device …` against `iotopia up`: labels and filters, the
 * operator's state changes with their audit records, and refused changes (409, exit 1).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { moveDevice } from '../../src/lifecycle/device-states.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

describe('iotopia device list|show|set-state|tag|group against iotopia up', () => {
  let platform: Platform;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-registry-cli-'));
  /** An onboarded device and one that is only registered. */
  const onboarded = new Uint8Array(randomBytes(16));
  const replacement = new Uint8Array(randomBytes(16));
  const registered = new Uint8Array(randomBytes(16));
  const hex = (g: Uint8Array) => Buffer.from(g).toString('hex');
  const run = (args: string[]) => runCli(args, dir, { ...process.env, ...env });
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await run([...args, '--json']);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out) as T;
  };

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    env = { IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: platform.firstAdminToken ?? assert.fail('no admin token') };
    await platform.store.transaction(async (r) => {
      await moveDevice(r, onboarded, 'owned');
      await moveDevice(r, onboarded, 'onboarded', { replacementGuid: replacement });
      await moveDevice(r, registered, 'owned');
      await moveDevice(r, registered, 'registered');
    });
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('tags and groups are added and removed; list filters by state, tag and group', async () => {
    const tagged = await json<{ tags: string[] }>(['device', 'tag', hex(onboarded), '--add', 'floor-2', '--add', 'lamp']);
    assert.deepEqual(tagged.tags, ['floor-2', 'lamp']);
    const grouped = await json<{ groups: string[] }>(['device', 'group', hex(replacement), '--add', 'canary']);
    assert.deepEqual(grouped.groups, ['canary'], 'found by the GUID TO2 gave it');
    assert.deepEqual((await json<{ tags: string[] }>(['device', 'tag', hex(onboarded), '--remove', 'lamp'])).tags, ['floor-2']);
    const guids = async (args: string[]) =>
      (await json<{ guid: string }[]>(['device', 'list', ...args])).map((d) => d.guid.replace(/-/g, ''));
    assert.deepEqual(await guids(['--tag', 'floor-2']), [hex(onboarded)]);
    assert.deepEqual(await guids(['--group', 'canary', '--state', 'onboarded']), [hex(onboarded)]);
    assert.deepEqual(await guids(['--group', 'canary', '--state', 'registered']), []);
    assert.deepEqual(await guids(['--tag', 'lamp']), []);
    const bad = await run(['device', 'tag', hex(onboarded), '--add', 'no spaces']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /ERR_API_VALIDATION/);
    assert.equal((await run(['device', 'list', '--state', 'lost'])).code, 2);
    const shown = await run(['device', 'show', hex(onboarded)]);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /tags\s+floor-2/);
  });

  test('last seen: show and list print it, list filters on it', async () => {
    const at = new Date('2030-05-01T10:00:00.000Z');
    await platform.store.devices.recordSightings([{ guid: onboarded, at, address: '192.0.2.77' }]);
    const shown = await run(['device', 'show', hex(onboarded)]);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /lastSeenAt\s+2030-05-01T10:00:00.000Z/);
    assert.match(shown.out, /lastSeenAddress\s+192\.0\.2\.77/);
    const guids = async (args: string[]) =>
      (await json<{ guid: string }[]>(['device', 'list', ...args])).map((d) => d.guid.replace(/-/g, ''));
    assert.deepEqual(await guids(['--seen-since', '2030-05-01T10:00:00Z']), [hex(onboarded)]);
    assert.deepEqual(await guids(['--seen-since', '2030-05-01T10:00:01Z']), []);
    assert.ok((await guids(['--seen-before', '2030-05-01T10:00:00Z'])).includes(hex(registered)), 'never seen counts as before');
    assert.ok(!(await guids(['--seen-before', '2030-05-01T10:00:00Z'])).includes(hex(onboarded)));
    const text = await run(['device', 'list', '--seen-since', '2030-05-01T00:00:00Z']);
    assert.match(text.out, /seen 2030-05-01T10:00:00.000Z/);
    const bad = await run(['device', 'list', '--seen-since', 'yesterday']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /ERR_API_VALIDATION/);
  });

  test('suspend and resume an onboarded device, each audited with who and why; a refused change is 409, exit 1', async () => {
    const s = await json<{ state: string }>(['device', 'set-state', hex(onboarded), 'suspended', '--reason', 'firmware recall']);
    assert.equal(s.state, 'suspended');
    const again = await json<{ state: string }>(['device', 'set-state', hex(onboarded), 'suspended', '--reason', 'still']);
    assert.equal(again.state, 'suspended', 'suspending a suspended device keeps it');
    assert.equal(
      (await json<{ state: string }>(['device', 'set-state', hex(onboarded), 'active', '--reason', 'fixed'])).state,
      'onboarded',
    );
    const refused = await run(['device', 'set-state', hex(registered), 'suspended', '--reason', 'x']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /409.*ERR_API_DEVICE_TRANSITION/);
    assert.equal((await run(['device', 'set-state', hex(registered), 'lost', '--reason', 'x'])).code, 2);
    assert.equal((await run(['device', 'set-state', hex(registered), 'suspended'])).code, 2, '--reason is required');
    const audit = await fetch(`${platform.url}/api/v1/audit?subject=${hex(onboarded)}`, {
      headers: { authorization: `Bearer ${env.IOTOPIA_TOKEN}` },
    });
    const items = ((await audit.json()) as { items: { actor: string; action: string; details?: Record<string, unknown> }[] }).items;
    const changes = items.filter((a) => a.action === 'device.suspended' || a.action === 'device.resumed');
    assert.deepEqual(
      changes.map((a) => [a.action, a.details?.from, a.details?.to, a.details?.reason]),
      [
        ['device.suspended', 'onboarded', 'suspended', 'firmware recall'],
        ['device.resumed', 'suspended', 'onboarded', 'fixed'],
      ],
    );
    assert.match(changes[0]?.actor ?? '', /^token:/);
  });

  test('decommissioning keeps the record and ends its life here: it cannot be resumed', async () => {
    const d = await json<{ state: string; tags: string[] }>([
      'device',
      'set-state',
      hex(onboarded),
      'decommissioned',
      '--reason',
      'end of life',
    ]);
    assert.equal(d.state, 'decommissioned');
    assert.deepEqual(d.tags, ['floor-2']);
    const resume = await run(['device', 'set-state', hex(onboarded), 'active', '--reason', 'oops']);
    assert.equal(resume.code, 1);
    assert.match(resume.err, /ERR_API_DEVICE_TRANSITION/);
    const unknown = await run(['device', 'set-state', hex(new Uint8Array(16)), 'suspended', '--reason', 'x']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /404.*ERR_API_NOT_FOUND/);
  });
});
