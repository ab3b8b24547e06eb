/**
 * The owner chooses ServiceInfo through the API (a default and per device); devices onboarding
 * over HTTP receive exactly that: inline and file downloads, a command, a wget, an upload.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { directorySink } from '../../../src/agent/local-ports.ts';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi, runOnboard } from '../../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../../src/fdo/constants/crypto.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { deviceCommandModule } from '../../../src/fdo/serviceinfo/modules/command-device.ts';
import { deviceDownloadModule } from '../../../src/fdo/serviceinfo/modules/download-device.ts';
import { deviceUploadModule } from '../../../src/fdo/serviceinfo/modules/upload-device.ts';
import { deviceWgetModule } from '../../../src/fdo/serviceinfo/modules/wget-device.ts';
import type { CommandRequest } from '../../../src/fdo/serviceinfo/ports.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import { BACKENDS, bearer, type OwnerWorld, startOwnerWorld } from './owner-world.ts';

interface Device {
  credential: DeviceCredential;
  deviceKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  guid: string;
}

for (const backend of BACKENDS) {
  describe(`owner ServiceInfo choice (${backend.name})`, { skip: backend.skip }, () => {
    let w: OwnerWorld;
    const devices: Device[] = [];
    const work = mkdtempSync(join(tmpdir(), 'iotopia-si-'));
    const firmware = new Uint8Array(randomBytes(5000)); // several fdo.download data blocks
    const deviceLog = new TextEncoder().encode('device log line 1\ndevice log line 2\n');
    before(async () => {
      w = await startOwnerWorld(backend.name, { autoOwner: true, serviceInfoDir: join(work, 'si') });
      mkdirSync(join(work, 'si', 'firmware'), { recursive: true });
      writeFileSync(join(work, 'si', 'firmware', 'a.bin'), firmware);
      writeFileSync(join(work, 'secret.txt'), 'outside the ServiceInfo directory');
      for (let i = 0; i < 3; i++) {
        const deviceKey = (await generateKeyPair('secp256r1')).privateKey;
        const credential = await runDi(w.platform.url, { random, deviceKey, serialNumber: `SN-si-${i}`, model: 'serviceinfo test' });
        devices.push({ credential, deviceKey, guid: guidToHex(credential.guid) });
      }
    });
    after(async () => {
      await w?.close();
      rmSync(work, { recursive: true, force: true });
    });

    const api = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object, token = w.tokens.owner) =>
      w.platform.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });

    /** Onboards over HTTP with the four fdo.* modules; returns what landed on the "device". */
    async function onboard(d: Device, name: string) {
      const downloads = join(work, name);
      const commands: CommandRequest[] = [];
      const result = await runOnboard(
        d.credential,
        {},
        {
          deviceKey: d.deviceKey,
          to2: {
            kexSuite: KexSuite.ECDH256,
            cipherSuite: CipherSuite.A128GCM,
            random,
            serviceInfo: {
              devmod: { os: 'linux', arch: 'x86_64', version: '1', device: name, sep: ';', bin: 'x86_64' },
              modules: [
                deviceDownloadModule({ sink: directorySink(downloads) }),
                deviceCommandModule({
                  executor: {
                    async run(request) {
                      commands.push(request);
                      return { exitCode: 0, stdout: new TextEncoder().encode('ok\n') };
                    },
                  },
                }),
                deviceWgetModule({
                  fetch: {
                    async get(url) {
                      const r = await fetch(url);
                      return {
                        status: r.status,
                        body: (async function* () {
                          yield new Uint8Array(await r.arrayBuffer());
                        })(),
                      };
                    },
                  },
                  sink: directorySink(downloads),
                }),
                deviceUploadModule({
                  source: {
                    async size(ref) {
                      assert.equal(ref, '/var/log/device.log');
                      return deviceLog.length;
                    },
                    async read(_ref, offset, length) {
                      return deviceLog.subarray(offset, offset + length);
                    },
                  },
                }),
              ],
            },
          },
        },
      );
      return { result, downloads, commands };
    }

    test('default and per-device choices are stored, shown and audited (inline data as size and hash)', async () => {
      const plans = [
        { module: 'fdo.download', name: 'welcome.txt', data: Buffer.from('hello from the owner\n').toString('base64') },
        { module: 'fdo.command', command: '/bin/sh', args: ['-c', 'echo provisioned'], returnStdout: true, returnStderr: false },
      ];
      const put = await api('PUT', '/owner/serviceinfo/default', { plans });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { plans, source: 'default' });
      const [a] = devices;
      assert.ok(a);
      assert.deepEqual((await api('GET', `/owner/devices/${a.guid}/serviceinfo`)).json(), { plans, source: 'default' });
      const own = [
        { module: 'fdo.download', name: 'a.bin', file: 'firmware/a.bin' },
        { module: 'fdo.wget', url: `${w.platform.url}/healthz`, name: 'health.json', required: true },
        { module: 'fdo.upload', name: '/var/log/device.log' },
      ];
      const device = await api('PUT', `/owner/devices/${a.guid}/serviceinfo`, { plans: own });
      assert.equal(device.statusCode, 200, device.body);
      assert.deepEqual(device.json(), { plans: own, source: 'device' });
      const audit = (await w.platform.store.audit.list({ subject: 'setting:owner/serviceinfo-default' })).items.at(-1);
      assert.ok(audit);
      assert.equal(audit.action, 'owner.serviceinfo.set');
      const first = (audit.details as { plans: Record<string, unknown>[] }).plans[0];
      assert.deepEqual(first, {
        module: 'fdo.download',
        name: 'welcome.txt',
        bytes: 21,
        sha256: createHash('sha256').update('hello from the owner\n').digest('hex'),
      });
    });

    test('a device with its own choice receives it over HTTP: file download, wget, upload', async () => {
      const [a] = devices;
      assert.ok(a);
      const { downloads, commands } = await onboard(a, 'device-a');
      assert.deepEqual(new Uint8Array(readFileSync(join(downloads, 'a.bin'))), firmware);
      assert.deepEqual(JSON.parse(readFileSync(join(downloads, 'health.json'), 'utf8')), { status: 'ok' });
      assert.deepEqual(commands, [], 'the default is not run as well');
      const uploaded = readFileSync(join(w.dir, 'server', 'uploads', a.guid, 'device.log'));
      assert.deepEqual(new Uint8Array(uploaded), deviceLog);
    });

    test('a device without its own choice receives the default', async () => {
      const [, b] = devices;
      assert.ok(b);
      const { downloads, commands } = await onboard(b, 'device-b');
      assert.equal(readFileSync(join(downloads, 'welcome.txt'), 'utf8'), 'hello from the owner\n');
      assert.deepEqual(commands, [{ command: '/bin/sh', args: ['-c', 'echo provisioned'], returnStdout: true, returnStderr: false }]);
    });

    test('deleting a device’s choice brings back the default; deleting the default leaves nothing', async () => {
      const [, , c] = devices;
      assert.ok(c);
      assert.equal((await api('PUT', `/owner/devices/${c.guid}/serviceinfo`, { plans: [] })).json().source, 'device');
      assert.deepEqual((await api('DELETE', `/owner/devices/${c.guid}/serviceinfo`)).json().source, 'default');
      assert.deepEqual((await api('DELETE', '/owner/serviceinfo/default')).json(), { plans: [], source: 'none' });
      assert.deepEqual((await api('GET', `/owner/devices/${c.guid}/serviceinfo`)).json(), { plans: [], source: 'none' });
    });

    test('invalid choices are 400 problems naming the field; nothing is stored', async () => {
      const [, , c] = devices;
      assert.ok(c);
      const cases: [unknown, string][] = [
        [{}, 'plans'],
        [{ plans: [{ module: 'fdo.unknown' }] }, 'plans[0].module'],
        [{ plans: [{ module: 'fdo.download', name: 'x', data: 'AA==', file: 'a' }] }, 'plans[0]'],
        [{ plans: [{ module: 'fdo.download', name: 'x', data: 'not base64!' }] }, 'plans[0].data'],
        [{ plans: [{ module: 'fdo.download', name: 'x', file: '../secret.txt' }] }, 'plans[0].file'],
        [{ plans: [{ module: 'fdo.download', name: 'x', file: 'firmware/missing.bin' }] }, 'plans[0].file'],
        [{ plans: [{ module: 'fdo.command', command: '' }] }, 'plans[0].command'],
        [{ plans: [{ module: 'fdo.command', command: 'ls', args: [1] }] }, 'plans[0].args[0]'],
        [{ plans: [{ module: 'fdo.wget', url: 'ftp://x.example/f' }] }, 'plans[0].url'],
        [{ plans: [{ module: 'fdo.wget', url: 'https://x.example/f', sha384: 'abc' }] }, 'plans[0].sha384'],
        [{ plans: [{ module: 'fdo.upload', name: 'x', target: '/etc/passwd' }] }, 'plans[0].target'],
        [{ plans: [{ module: 'fdo.upload', name: 'x', required: 'yes' }] }, 'plans[0].required'],
      ];
      for (const [payload, field] of cases) {
        const r = await api('PUT', `/owner/devices/${c.guid}/serviceinfo`, payload as object);
        assert.equal(r.statusCode, 400, JSON.stringify(payload));
        assert.equal((r.json() as { field: string }).field, field, JSON.stringify(payload));
      }
      assert.equal((await api('GET', `/owner/devices/${c.guid}/serviceinfo`)).json().source, 'none');
    });

    test('inline data beyond the setting limit is 413; an unknown device 404; other roles 403', async () => {
      const [, , c] = devices;
      assert.ok(c);
      const big = await api('PUT', '/owner/serviceinfo/default', {
        plans: [{ module: 'fdo.download', name: 'big', data: Buffer.alloc(300 * 1024).toString('base64') }],
      });
      assert.equal(big.statusCode, 413);
      assert.equal((big.json() as { code: string }).code, 'ERR_API_SETTING_TOO_LARGE');
      assert.equal((await api('GET', `/owner/devices/${'0'.repeat(32)}/serviceinfo`)).statusCode, 404);
      assert.equal((await api('GET', '/owner/serviceinfo/default', undefined, w.tokens.manufacturer)).statusCode, 403);
    });
  });
}
