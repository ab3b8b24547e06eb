/**
 * The device API end to end against `iotopia up`: a device made with `iotopia device init` and
 * onboarded with `iotopia device onboard` gets its provision (endpoint, bearer credential, trust
 * anchor); `iotopia device run --once` polls with it and the device record becomes active. One
 * device's credential never reads another's data; decommissioning and revoking end a credential.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli as runInProcess } from '../../src/cli/run-cli.ts';
import { decodeCoseKey } from '../../src/codec/cose/key.ts';
import { guidFromText } from '../../src/fdo/types/guid.ts';
import { updateTrustAnchors } from '../../src/lifecycle/releases/update-authority.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { hashSecret } from '../../src/store/hash-secret.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';

interface Provision {
  endpoint: string;
  credential: { type: string; token: string };
  trustAnchors: string[];
}

describe('iotopia device run against iotopia up: onboarding provisions the device API', () => {
  let platform: Platform;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-device-run-'));
  const run = (args: string[]) => runCli(args, dir);
  const provisionOf = (name: string) => JSON.parse(readFileSync(join(dir, name, 'provision.json'), 'utf8')) as Provision;
  /** Manufactures and onboards a device in `name/`; resolves with the GUID TO2 gave it. */
  async function onboard(name: string): Promise<Uint8Array> {
    const init = await run(['device', 'init', '--manufacturer', platform.url, '--credential', `${name}/c.cbor`, '--json']);
    assert.equal(init.code, 0, init.err);
    const ob = await run(['device', 'onboard', '--credential', `${name}/c.cbor`, '--json']);
    assert.equal(ob.code, 0, ob.err);
    const r = JSON.parse(ob.out) as { guid: string; previousGuid: string; managementEndpoint: string | null };
    assert.equal(r.managementEndpoint, `${platform.url}/device/v1`);
    return guidFromText(r.previousGuid);
  }
  const deviceApi = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${platform.url}/device/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const setState = (guid: Uint8Array, state: string) =>
    fetch(`${platform.url}/api/v1/devices/${Buffer.from(guid).toString('hex')}/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state, reason: 'test' }),
    });

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    admin = platform.firstAdminToken ?? assert.fail('no admin token');
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('onboard stores the provision; device run --once polls with it and the device becomes active', async () => {
    const guid = await onboard('a');
    const p = provisionOf('a');
    assert.equal(statSync(join(dir, 'a', 'provision.json')).mode & 0o777, 0o600);
    assert.equal(p.credential.type, 'bearer');
    assert.match(p.credential.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(p.trustAnchors.length, 1);
    assert.ok(decodeCoseKey(new Uint8Array(Buffer.from(p.trustAnchors[0] ?? '', 'hex'))), 'a COSE_Key');
    // The anchor is the update-authority key, which signs the releases' envelopes.
    assert.equal(p.trustAnchors[0], Buffer.from((await updateTrustAnchors(platform.store.keys))[0] ?? []).toString('hex'));
    // The server keeps only the token's hash, bound to this device, live since TO2 committed.
    const stored = await platform.store.deviceCredentials.findByHash(hashSecret(p.credential.token));
    assert.deepEqual(stored?.guid, guid);
    assert.ok(stored?.activatedAt);
    assert.equal((await platform.store.devices.get(guid))?.state, 'onboarded');

    const polled = await run(['device', 'run', '--credential', 'a/c.cbor', '--once', '--json']);
    assert.equal(polled.code, 0, polled.err);
    assert.deepEqual(JSON.parse(polled.out), { endpoint: `${platform.url}/device/v1`, action: null, pollSeconds: 300 });
    const record = await platform.store.devices.get(guid);
    assert.equal(record?.state, 'active');
    assert.ok(record?.activatedAt);
    const text = await run(['device', 'run', '--credential', 'a/c.cbor', '--once']);
    assert.match(text.out, /no action; next poll in 300 s/);
    // The run reported the model `device init` gives by default and the serial it made up.
    const config = (await (await deviceApi('/config', p.credential.token)).json()) as { config: { model?: string; serial?: string } };
    assert.equal(config.config.model, 'IoTopia device agent');
    assert.match(config.config.serial ?? '', /^IOTOPIA-[0-9A-F]{12}$/);
  });

  test('device run without --once polls until it is stopped (SIGTERM) and exits 0', async () => {
    const stop = new AbortController();
    stop.abort();
    const r = await runInProcess(['device', 'run', '--credential', 'a/c.cbor', '--json'], {
      cwd: dir,
      env: process.env,
      signal: stop.signal,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { endpoint: `${platform.url}/device/v1`, polls: 1, stopped: 'SIGTERM' });
    assert.match(r.stderr, /no action; next poll in 300 s/);
  });

  test("a device's credential reads only its own config", async () => {
    const a = provisionOf('a');
    const guidB = await onboard('b');
    const b = provisionOf('b');
    assert.notEqual(a.credential.token, b.credential.token);
    const put = await deviceApi('/config', a.credential.token, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'agent-a', serial: 'SN-A' }),
    });
    assert.equal(put.status, 200);
    const seenByB = (await (await deviceApi('/config', b.credential.token)).json()) as { guid: string; config: Record<string, unknown> };
    assert.equal(seenByB.guid, Buffer.from(guidB).toString('hex'));
    assert.deepEqual(seenByB.config, {});
    const seenByA = (await (await deviceApi('/config', a.credential.token)).json()) as { guid: string; config: Record<string, unknown> };
    assert.deepEqual(seenByA.config, { model: 'agent-a', serial: 'SN-A' });
    // The registry record shows what the device reports about itself; B reported nothing.
    const record = async (guid: string) =>
      (await (await fetch(`${platform.url}/api/v1/devices/${guid}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as Record<
        string,
        unknown
      >;
    const recordA = await record(seenByA.guid);
    assert.equal(recordA.model, 'agent-a');
    assert.equal(recordA.serial, 'SN-A');
    assert.equal(recordA.manufacturer, undefined);
    assert.equal((await record(seenByB.guid)).model, undefined);
    // What a device says about itself is printed escaped.
    await deviceApi('/config', b.credential.token, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'evil\u001b[2J\nforged line' }),
    });
    const shown = await run(['device', 'show', seenByB.guid, '--server', platform.url, '--token', admin]);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /model\s+evil\\x1b\[2J\\x0aforged line/);
    assert.equal(shown.out.includes('\u001b'), false);
  });

  test('suspended polls get 403; decommissioning revokes the credential (401, exit 1); attacks get 401', async () => {
    const guidB = (await platform.store.deviceCredentials.findByHash(hashSecret(provisionOf('b').credential.token)))?.guid;
    assert.ok(guidB);
    assert.equal((await setState(guidB, 'suspended')).status, 200);
    const suspended = await run(['device', 'run', '--credential', 'b/c.cbor', '--once']);
    assert.equal(suspended.code, 1);
    assert.match(suspended.err, /ERR_DEVICE_API_SUSPENDED, status 403/);
    assert.equal((await setState(guidB, 'decommissioned')).status, 200);
    const revoked = await platform.store.deviceCredentials.findByHash(hashSecret(provisionOf('b').credential.token));
    assert.ok(revoked?.revokedAt, 'decommissioning revoked the credential');
    const gone = await run(['device', 'run', '--credential', 'b/c.cbor', '--once']);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /ERR_DEVICE_API_TOKEN_REVOKED, status 401/);

    const token = provisionOf('a').credential.token;
    for (const [headers, code] of [
      [{ authorization: `Bearer ${randomBytes(32).toString('base64url')}` }, 'ERR_DEVICE_API_TOKEN_UNKNOWN'],
      [{ authorization: `Basic ${token}` }, 'ERR_DEVICE_API_TOKEN_MISSING'],
      [{ authorization: `Bearer ${admin}` }, 'ERR_DEVICE_API_TOKEN_UNKNOWN'],
    ] as const) {
      const r = await fetch(`${platform.url}/device/v1/poll`, { headers });
      assert.equal(r.status, 401);
      assert.equal(((await r.json()) as { code: string }).code, code);
    }
    // A device credential is no management API token either.
    assert.equal((await fetch(`${platform.url}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
  });

  test("an operator lists a device's credentials without tokens and revokes them with a reason (audited); the device is 401", async () => {
    const guid = await onboard('c');
    const hex = Buffer.from(guid).toString('hex');
    const token = provisionOf('c').credential.token;
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${platform.url}/api/v1/devices/${hex}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...init.headers },
      });
    const listed = (await (await api('/credentials')).json()) as { items: { fingerprint: string; status: string }[] };
    assert.deepEqual(
      listed.items.map((c) => [c.fingerprint, c.status]),
      [[hashSecret(token).slice(0, 16), 'live']],
    );
    assert.ok(!JSON.stringify(listed).includes(token));
    assert.equal((await api('/credentials/revoke', { method: 'POST', body: JSON.stringify({}) })).status, 400, 'a reason is required');
    const revoked = await api('/credentials/revoke', { method: 'POST', body: JSON.stringify({ reason: 'token leaked' }) });
    assert.deepEqual(await revoked.json(), { revoked: 1 });
    const r = await run(['device', 'run', '--credential', 'c/c.cbor', '--once']);
    assert.equal(r.code, 1);
    assert.match(r.err, /ERR_DEVICE_API_TOKEN_REVOKED/);
    const after = (await (await api('/credentials')).json()) as { items: { status: string }[] };
    assert.deepEqual(
      after.items.map((c) => c.status),
      ['revoked'],
    );
    const audit = await fetch(`${platform.url}/api/v1/audit?subject=${hex}`, { headers: { authorization: `Bearer ${admin}` } });
    const items = ((await audit.json()) as { items: { action: string; actor: string; details: Record<string, unknown> }[] }).items;
    const entry = items.find((a) => a.action === 'device.credentials.revoked');
    assert.deepEqual(entry?.details, { revoked: 1, reason: 'token leaked' });
    assert.match(entry?.actor ?? '', /^token:/);
    assert.equal(
      (await fetch(`${platform.url}/api/v1/devices/${'0'.repeat(32)}/credentials`, { headers: { authorization: `Bearer ${admin}` } }))
        .status,
      404,
    );
  });

  test('an operator asks for a rotation; the poll says rotate, device run gets a new token and stores it; the old one runs out', async () => {
    const guid = await onboard('r');
    const hex = Buffer.from(guid).toString('hex');
    const old = provisionOf('r').credential.token;
    const api = (path: string, body: unknown) =>
      fetch(`${platform.url}/api/v1/devices/${hex}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await api('/credentials/rotate', {})).status, 400, 'a reason is required');
    assert.deepEqual(await (await api('/credentials/rotate', { reason: 'yearly rotation' })).json(), { requested: 1 });
    const asked = (await (await deviceApi('/poll', old)).json()) as { rotate?: boolean };
    assert.equal(asked.rotate, true);

    const polled = await run(['device', 'run', '--credential', 'r/c.cbor', '--once', '--json']);
    assert.equal(polled.code, 0, polled.err);
    assert.equal((JSON.parse(polled.out) as { rotate?: boolean }).rotate, true);
    const fresh = provisionOf('r').credential.token;
    assert.notEqual(fresh, old);
    assert.equal(statSync(join(dir, 'r', 'provision.json')).mode & 0o777, 0o600);
    const now = (await (await deviceApi('/poll', fresh)).json()) as { rotate?: boolean };
    assert.equal(now.rotate, undefined, 'asked once: the new credential is not marked');
    assert.equal((await deviceApi('/poll', old)).status, 200, 'the old one lasts for the overlap');
    const superseded = await platform.store.deviceCredentials.findByHash(hashSecret(old));
    assert.ok(superseded?.expiresAt !== undefined);
    assert.equal(
      ((await (await deviceApi('/poll', old)).json()) as { rotate?: boolean }).rotate,
      undefined,
      'a replaced one is not asked again',
    );
    const audit = await platform.store.audit.list({ subject: hex });
    assert.deepEqual(
      audit.items.filter((x) => x.action.startsWith('device.credentials.')).map((x) => [x.action, x.actor]),
      [
        ['device.credentials.rotation-requested', audit.items.find((x) => x.action === 'device.credentials.rotation-requested')?.actor],
        ['device.credentials.rotated', `device:${hex}`],
      ],
    );
    // A device may also rotate on its own; the answer never goes to the log or the audit record.
    const own = await deviceApi('/credentials/rotate', fresh, { method: 'POST' });
    assert.equal(own.status, 200);
    const token = ((await own.json()) as { credential: { token: string } }).credential.token;
    assert.equal((await deviceApi('/poll', token)).status, 200);
    assert.ok(!JSON.stringify((await platform.store.audit.list({ subject: hex })).items).includes(token));
  });

  test('device run reports the model and serial DI recorded, again only when changed, and the firmware it installed', async () => {
    const init = await run([
      'device',
      'init',
      '--manufacturer',
      platform.url,
      '--credential',
      'm/c.cbor',
      '--model',
      'bulb-x1',
      '--serial',
      'SN-M1',
    ]);
    assert.equal(init.code, 0, init.err);
    const ob = await run(['device', 'onboard', '--credential', 'm/c.cbor', '--json']);
    assert.equal(ob.code, 0, ob.err);
    const hex = Buffer.from(guidFromText((JSON.parse(ob.out) as { previousGuid: string }).previousGuid)).toString('hex');
    const token = provisionOf('m').credential.token;
    const reported = async () =>
      (await (await deviceApi('/config', token)).json()) as { config: Record<string, unknown>; updatedAt?: string };
    assert.deepEqual((await reported()).config, {}, 'nothing reported before the agent ran');

    assert.equal((await run(['device', 'run', '--credential', 'm/c.cbor', '--once'])).code, 0);
    const first = await reported();
    assert.deepEqual(first.config, { model: 'bulb-x1', serial: 'SN-M1' });
    const record = (await (
      await fetch(`${platform.url}/api/v1/devices/${hex}`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as {
      model?: string;
      serial?: string;
    };
    assert.equal(record.model, 'bulb-x1');
    assert.equal(record.serial, 'SN-M1');
    // Nothing changed: the next start sends nothing, so the stored report keeps its time.
    assert.equal((await run(['device', 'run', '--credential', 'm/c.cbor', '--once'])).code, 0);
    assert.equal((await reported()).updatedAt, first.updatedAt);

    const env: NodeJS.ProcessEnv = { ...process.env, IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: admin };
    delete env.IOTOPIA_TLS_CA;
    const cli = async (args: string[]) => {
      const r = await runCli([...args, '--json'], dir, env);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      return JSON.parse(r.out) as { id: string };
    };
    writeFileSync(join(dir, 'fw.bin'), randomBytes(5000));
    const release = await cli(['release', 'create', '--model', 'bulb-x1', '--version', '1.4.0', '--seq', '2', '--component', 'fw=fw.bin']);
    const campaign = await cli(['campaign', 'create', '--name', 'bulb 1.4.0', '--release', release.id, '--target', `guid==${hex}`]);
    await cli(['campaign', 'start', campaign.id]);
    const updated = await run(['device', 'run', '--credential', 'm/c.cbor', '--once', '--json']);
    assert.equal(updated.code, 0, updated.err);
    assert.equal((JSON.parse(updated.out) as { update?: { status: string } }).update?.status, 'succeeded');
    assert.deepEqual((await reported()).config, {
      model: 'bulb-x1',
      serial: 'SN-M1',
      firmware: [{ component: Buffer.from('fw').toString('hex'), version: '1.4.0 (sequence 2)' }],
    });
    // Without the identity file (a credential made elsewhere) the credential's device info is the model.
    rmSync(join(dir, 'm', 'identity.json'));
    assert.equal((await run(['device', 'run', '--credential', 'm/c.cbor', '--once'])).code, 0);
    assert.deepEqual((await reported()).config, {
      model: 'bulb-x1',
      firmware: [{ component: Buffer.from('fw').toString('hex'), version: '1.4.0 (sequence 2)' }],
    });
  });

  test('device run without a provision is a usage error', async () => {
    const r = await run(['device', 'run', '--credential', 'none/c.cbor', '--once']);
    assert.equal(r.code, 2);
    assert.match(r.err, /onboard first/);
  });

  test('device run --help names --defer-soft and the keystore options of the key that signs reports', async () => {
    const r = await run(['device', 'run', '--help']);
    assert.match(r.out, /--defer-soft\s+download soft updates/);
    assert.match(r.out, /--keystore <backend>/);
  });
});

describe('iotopia device run over HTTPS', () => {
  let platform: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-device-run-tls-'));
  const clean = { ...process.env };
  for (const k of ['IOTOPIA_SERVER', 'IOTOPIA_TOKEN', 'IOTOPIA_TLS_CA']) delete clean[k];
  before(async () => {
    platform = await startPlatform(testConfig({ dataDir: join(dir, 'server'), tls: true }));
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the provisioned endpoint is https; device run trusts --tls-ca and refuses an unknown certificate', async () => {
    const ca = platform.tls?.caFile ?? assert.fail('no CA file');
    assert.equal((await runCli(['device', 'init', '--manufacturer', platform.url, '--tls-ca', ca], dir, clean)).code, 0);
    const ob = await runCli(['device', 'onboard', '--tls-ca', ca, '--json'], dir, clean);
    assert.equal(ob.code, 0, ob.err);
    assert.equal((JSON.parse(ob.out) as { managementEndpoint: string }).managementEndpoint, `${platform.url}/device/v1`);
    assert.match(platform.url, /^https:/);
    const polled = await runCli(['device', 'run', '--once', '--tls-ca', ca, '--json'], dir, clean);
    assert.equal(polled.code, 0, polled.err);
    assert.equal((JSON.parse(polled.out) as { pollSeconds: number }).pollSeconds, 300);
    const untrusted = await runCli(['device', 'run', '--once'], dir, clean);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.err, /ERR_DEVICE_API_UNREACHABLE/);
  });
});
