/**
 * Campaigns end to end against `iotopia up`: devices onboarded with the agent, a release created
 * with `iotopia release create`, a two-wave campaign made and started with `iotopia campaign`, and
 * `iotopia device run --once` on each device: the first wave installs, the engine's tick starts the
 * second, every device installs the release and proves it with a SUIT report signed by its device
 * key, which the server verifies (and pycose verifies too); `device show` shows the firmware.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeCoseKey, keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { decodeSign1 } from '../../src/codec/cose/sign1.ts';
import { importPrivateKey } from '../../src/crypto/key-import.ts';
import { decodeDeviceCredential } from '../../src/fdo/credential/credential-decode.ts';
import { tickCampaigns } from '../../src/lifecycle/campaigns/engine.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { pythonMissing, runPythonJson } from '../helpers/python.ts';

const COSE_PEER = new URL('../interop/python/cose_peer.py', import.meta.url).pathname;

describe('iotopia campaign with iotopia device run against iotopia up', () => {
  let platform: Platform;
  let env: Record<string, string | undefined>;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-campaign-'));
  const DEVICES = ['d1', 'd2', 'd3'];
  const IMAGE = new Uint8Array(randomBytes(20_000));
  const guids = new Map<string, string>();
  const run = (args: string[]) => runCli(args, dir, env);
  const json = async (args: string[]) => {
    const r = await run([...args, '--json']);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    return JSON.parse(r.out);
  };

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    env = { ...process.env, IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: platform.firstAdminToken };
    delete env.IOTOPIA_TLS_CA;
    for (const d of DEVICES) {
      await json(['device', 'init', '--manufacturer', platform.url, '--credential', `${d}/c.cbor`]);
      const onboarded = await json(['device', 'onboard', '--credential', `${d}/c.cbor`]);
      guids.set(d, onboarded.previousGuid);
      await json(['device', 'run', '--credential', `${d}/c.cbor`, '--once']);
    }
    writeFileSync(join(dir, 'fw.bin'), IMAGE);
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a two-wave campaign: the first wave installs, the tick starts the second, every device reports the new version', async () => {
    const release = await json(['release', 'create', '--model', 'agent', '--version', '2.0.0', '--seq', '2', '--component', 'fw=fw.bin']);
    const created = await json([
      'campaign',
      'create',
      '--name',
      'agent 2.0.0',
      '--release',
      release.id,
      '--target',
      'state==active',
      '--wave',
      '1',
      '--wave',
      '100%',
      '--success-threshold',
      '100',
      '--error-threshold',
      '0',
    ]);
    assert.equal(created.state, 'draft');
    const started = await json(['campaign', 'start', created.id]);
    assert.equal(started.state, 'running');
    const once = async () => {
      const results: string[] = [];
      for (const d of DEVICES) {
        const r = await json(['device', 'run', '--credential', `${d}/c.cbor`, '--once']);
        if (r.update !== undefined) results.push(`${d}:${r.update.status}${r.update.reason === undefined ? '' : `:${r.update.reason}`}`);
      }
      return results;
    };
    const first = await once();
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`iotopia_campaign_actions\\{campaign="${created.id}",wave="1",state="succeeded"\\} 1`));
    assert.match(metrics, new RegExp(`iotopia_campaign_actions\\{campaign="${created.id}",wave="2",state="scheduled"\\} 2`));
    assert.match(metrics, /iotopia_campaigns\{state="running"\} 1/);
    assert.equal(first.length, 1, 'one device in the first wave');
    assert.match(first[0] ?? '', /:succeeded$/);
    assert.deepEqual(await once(), [], 'the second wave waits for the tick');
    assert.deepEqual((await tickCampaigns({ store: platform.store })).changes, [`${created.id}: next-wave`]);
    const second = await once();
    assert.deepEqual(
      second.map((s) => s.split(':')[1]),
      ['succeeded', 'succeeded'],
    );
    assert.deepEqual((await tickCampaigns({ store: platform.store })).changes, [`${created.id}: finish`]);
    const shown = await json(['campaign', 'show', created.id]);
    assert.equal(shown.state, 'finished');
    assert.deepEqual(shown.progress, [
      { wave: 0, counts: { succeeded: 1 }, summary: { succeeded: 1, failed: 0, pending: 0, cancelled: 0 } },
      { wave: 1, counts: { succeeded: 2 }, summary: { succeeded: 2, failed: 0, pending: 0, cancelled: 0 } },
    ]);
    for (const d of DEVICES) {
      const state = JSON.parse(readFileSync(join(dir, d, 'suit-state.json'), 'utf8'));
      assert.equal(state.sequenceNumber, 2);
      const files = readdirSync(join(dir, d, 'components'));
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, d, 'components', files[0] as string))), IMAGE);
    }
    await provedBySignedReports(release.id);
    const listed = await json(['campaign', 'list', '--state', 'finished']);
    assert.deepEqual(
      listed.map((c: { id: string }) => c.id),
      [created.id],
    );
    const again = await run(['campaign', 'start', created.id]);
    assert.equal(again.code, 1);
    assert.match(again.err, /ERR_CAMPAIGN_STATE/);
  });

  /** Each device's record shows the firmware its verified report proved; pycose verifies the kept report too. */
  async function provedBySignedReports(releaseId: string) {
    const digest = createHash('sha256').update(IMAGE).digest('hex');
    const cases: { kind: string; cose: string; key: string; aad: string; payload: string }[] = [];
    for (const d of DEVICES) {
      const guid = guids.get(d) as string;
      const shown = await json(['device', 'show', guid]);
      assert.equal(shown.firmware.releaseId, releaseId);
      assert.equal(shown.firmware.version, '2.0.0');
      assert.equal(shown.firmware.sequenceNumber, 2);
      assert.deepEqual(shown.firmware.components, [
        { componentId: [Buffer.from('fw').toString('hex')], name: 'fw', digest: { algorithm: 'SHA256', hex: digest } },
      ]);
      const text = await run(['device', 'show', guid]);
      assert.match(text.out, /firmware\s+2\.0\.0 \(sequence 2, .*verified report/);
      assert.match(text.out, new RegExp(`component 6677 \\(fw\\) SHA256:${digest}`));
      const hexGuid = Buffer.from(guid.replaceAll('-', ''), 'hex').toString('hex');
      const [action] = await platform.store.campaigns.actionsOfDevice(hexGuid, ['succeeded']);
      assert.equal(action?.reportVerified, true);
      const report = (await platform.store.campaigns.report(action?.id ?? '')) ?? assert.fail('no report kept');
      const credential = decodeDeviceCredential(new Uint8Array(readFileSync(join(dir, d, 'c.cbor'))));
      const key = 'pkcs8' in credential.deviceKey ? importPrivateKey(credential.deviceKey.pkcs8) : assert.fail('key in a token');
      cases.push({
        kind: 'sign1',
        cose: Buffer.from(report).toString('hex'),
        key: Buffer.from(encodeCoseKey(keyObjectToCoseKey(createPublicKey(key)))).toString('hex'),
        aad: '',
        payload: Buffer.from(decodeSign1(report).payload ?? new Uint8Array()).toString('hex'),
      });
    }
    if (pythonMissing(['cbor2', 'pycose', 'cryptography']) !== undefined) return;
    const { results } = runPythonJson<{ results: { ok: boolean; payload: string | null; error: string | null }[] }>(COSE_PEER, {
      op: 'check',
      cases,
    });
    assert.equal(results.length, DEVICES.length);
    results.forEach((r, i) => {
      assert.equal(r.error, null, `pycose: ${r.error}`);
      assert.equal(r.ok, true);
      assert.equal(r.payload, cases[i]?.payload);
    });
  }

  /** `campaign actions` shows each failed device with its reason; a refused report's reason is printed escaped. */
  async function failuresListed(campaignId: string) {
    const failed = await json(['campaign', 'actions', campaignId, '--state', 'failed']);
    assert.deepEqual(
      failed.map((a: { guid: string }) => a.guid),
      [...guids.values()].map((g) => g.replaceAll('-', '').toLowerCase()).sort(),
    );
    for (const a of failed) {
      assert.equal(a.wave, 0);
      assert.equal(a.attempts, 1);
      assert.equal(typeof a.reason, 'string');
      assert.equal(a.reportVerified, true, 'the failure came with a signed report');
      assert.equal(a.report, undefined, 'no report bytes in the list');
    }
    assert.deepEqual(await json(['campaign', 'actions', campaignId, '--state', 'succeeded']), []);
    assert.deepEqual(await json(['campaign', 'actions', campaignId, '--wave', '2']), []);
    await platform.store.campaigns.setReportError(failed[0].id, 'bad \u001b]0;owned\u0007 signature\nforged line');
    const table = await run(['campaign', 'actions', campaignId, '--guid', failed[0].guid]);
    assert.equal(table.code, 0, table.err);
    const lines = table.out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^DEVICE\s+WAVE\s+STATE\s+TRIES\s+REPORT\s+UPDATED$/);
    assert.match(lines[1] ?? '', new RegExp(`^${failed[0].guid}\\s+1\\s+failed\\s+1\\s+verified\\s`));
    assert.ok(lines.includes('  report refused: bad \\x1b]0;owned\\x07 signature\\x0aforged line'), table.out);
    assert.equal(lines.length, 4, 'the header, the action, its reason, its refused report');
    assert.ok(!table.out.includes('\u001b'), 'no raw ESC reaches the terminal');
    const res = await fetch(`${platform.url}/api/v1/campaigns/${campaignId}/actions/${failed[0].id}/report`, {
      headers: { authorization: `Bearer ${platform.firstAdminToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/cose');
    const kept = (await platform.store.campaigns.report(failed[0].id)) ?? assert.fail('no report kept');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), kept);
    const badWave = await run(['campaign', 'actions', campaignId, '--wave', '0']);
    assert.equal(badWave.code, 2);
    const unknown = await run(['campaign', 'actions', '00000000-0000-0000-0000-000000000000']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /ERR_CAMPAIGN_NOT_FOUND/);
  }

  test('operator refusals come back with their codes: an unknown release, a draft paused, a campaign matching nobody', async () => {
    const unknown = await run([
      'campaign',
      'create',
      '--name',
      'x',
      '--release',
      '00000000-0000-0000-0000-000000000000',
      '--target',
      'state==active',
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /ERR_CAMPAIGN_RELEASE/);
    const [release] = await json(['release', 'list']);
    const nobody = await json(['campaign', 'create', '--name', 'nobody', '--release', release.id, '--target', 'tag==nobody']);
    const paused = await run(['campaign', 'pause', nobody.id]);
    assert.equal(paused.code, 1);
    assert.match(paused.err, /ERR_CAMPAIGN_STATE/);
    const started = await run(['campaign', 'start', nobody.id]);
    assert.equal(started.code, 1);
    assert.match(started.err, /ERR_CAMPAIGN_NO_TARGETS/);
    const cancelled = await json(['campaign', 'cancel', nobody.id, '--reason', 'wrong target']);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.reason, 'wrong target');
    const usage = await run(['campaign', 'create', '--name', 'x', '--release', release.id]);
    assert.equal(usage.code, 2);
  });

  test('the error threshold pauses a campaign of a broken release; resumed with a fixed release it completes; rollback brings 2.0.0 back', async () => {
    const FIXED = new Uint8Array(randomBytes(15_000));
    writeFileSync(join(dir, 'fw3.bin'), FIXED);
    // The devices have no vendor identifier, so an envelope that checks one fails on every device.
    const broken = await json([
      'release',
      'create',
      ...['--model', 'agent', '--version', '3.0.0', '--seq', '3', '--component', 'fw=fw3.bin', '--vendor-domain', 'example.com'],
    ]);
    const created = await json([
      'campaign',
      'create',
      ...['--name', 'agent 3', '--release', broken.id, '--target', 'state==active', '--error-threshold', '0'],
      ...['--retries', '0', '--retry-backoff', '30'],
    ]);
    assert.deepEqual(created.retries, { attempts: 0, backoffSeconds: 30 });
    await json(['campaign', 'start', created.id]);
    const once = async () => {
      const results: string[] = [];
      for (const d of DEVICES) {
        const r = await json(['device', 'run', '--credential', `${d}/c.cbor`, '--once']);
        if (r.update !== undefined) results.push(r.update.status);
      }
      return results;
    };
    assert.deepEqual(await once(), ['failed', 'failed', 'failed']);
    assert.deepEqual((await tickCampaigns({ store: platform.store })).changes, [`${created.id}: pause`]);
    await failuresListed(created.id);
    const fixed = await json(['release', 'create', '--model', 'agent', '--version', '3.0.1', '--seq', '4', '--component', 'fw=fw3.bin']);
    const lower = await run(['campaign', 'resume', created.id, '--release', broken.id]);
    assert.equal(lower.code, 1);
    assert.match(lower.err, /ERR_CAMPAIGN_RELEASE/);
    const resumed = await json(['campaign', 'resume', created.id, '--release', fixed.id, '--reason', 'vendor check removed']);
    assert.equal(resumed.state, 'running');
    assert.equal(resumed.releaseId, fixed.id);
    assert.deepEqual(await once(), ['succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual((await tickCampaigns({ store: platform.store })).changes, [`${created.id}: finish`]);
    const component = (d: string) => {
      const files = readdirSync(join(dir, d, 'components'));
      return new Uint8Array(readFileSync(join(dir, d, 'components', files[0] as string)));
    };
    assert.deepEqual(component('d1'), FIXED);

    await json(['release', 'retire', broken.id]);
    const back = await json(['campaign', 'rollback', created.id, '--start']);
    assert.equal(back.campaign.state, 'running');
    assert.equal(back.release.version, '2.0.0+rollback.5');
    assert.equal(back.release.sequenceNumber, 5);
    assert.deepEqual(await once(), ['succeeded', 'succeeded', 'succeeded']);
    for (const d of DEVICES) {
      assert.equal(JSON.parse(readFileSync(join(dir, d, 'suit-state.json'), 'utf8')).sequenceNumber, 5);
      assert.deepEqual(component(d), IMAGE, 'the 2.0.0 image is back');
    }
    assert.deepEqual((await tickCampaigns({ store: platform.store })).changes, [`${back.campaign.id}: finish`]);
    const draft = await run(['campaign', 'rollback', created.id, '--wave', '1', '--wave', '100%']);
    assert.equal(draft.code, 0, draft.err);
    assert.match(draft.out, /draft/);
    assert.match(draft.out, /2\.0\.0\+rollback\.6/);
  });
});
