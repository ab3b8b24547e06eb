/**
 * The factory listener: a second TLS listener that serves FDO DI and nothing else, and with a
 * factory client CA admits only stations holding a certificate that CA signed. A client without
 * one (or with one from another CA) fails the TLS handshake and never reaches the FDO handler.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi, runOnboard } from '../../../src/fdo/client/flows.ts';
import { fetchTrusting } from '../../../src/fdo/client/tls-fetch.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { systemRandom } from '../../helpers/random.ts';
import { type TestCa, testCa } from './tls-helpers.ts';

const DEVMOD = { os: 'linux', arch: 'x86_64', version: 'test', device: 'factory test', sep: ';', bin: 'x86_64' };

describe('the factory listener with a factory client CA', () => {
  let t: TestPlatform;
  let factoryCa: TestCa;
  let serverCa: string;
  let factoryUrl: string;
  const files = mkdtempSync(join(tmpdir(), 'iotopia-factory-ca-'));
  const device = async (serialNumber: string) => ({
    random: systemRandom,
    deviceKey: (await generateKeyPair('secp256r1')).privateKey,
    serialNumber,
    model: 'factory test',
    keyType: PublicKeyType.SECP256R1,
  });

  before(async () => {
    factoryCa = await testCa('factory CA');
    writeFileSync(join(files, 'factory-ca.pem'), factoryCa.pem);
    t = await startTestPlatform('iotopia-factory-', { factoryListen: '127.0.0.1:0', factoryClientCa: join(files, 'factory-ca.pem') });
    serverCa = readFileSync(t.platform.tls?.caFile as string, 'utf8');
    const factory = t.platform.listeners.find((l) => l.name === 'factory');
    assert.ok(factory);
    factoryUrl = factory.url;
  });
  after(async () => {
    await t.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('lists both listeners, TLS on each (a client CA turns TLS on), all on loopback', () => {
    assert.deepEqual(
      t.platform.listeners.map((l) => [l.name, l.tls, l.clientCertificates]),
      [
        ['main', true, false],
        ['factory', true, true],
      ],
    );
    assert.equal(t.platform.loopbackOnly, true);
    assert.match(factoryUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(factoryUrl, t.platform.url);
  });

  it('runs DI for a station with a certificate from the factory CA; the device then onboards on the main listener', async () => {
    const station = await factoryCa.issue('station 1');
    const deviceConfig = await device('SN-FACTORY-1');
    const credential = await runDi(factoryUrl, deviceConfig, { fetch: fetchTrusting(serverCa, station) });
    assert.equal(credential.guid.length, 16);
    const result = await runOnboard(
      credential,
      {},
      {
        tlsCa: serverCa,
        deviceKey: deviceConfig.deviceKey,
        to2: {
          kexSuite: KexSuite.ECDH256,
          cipherSuite: CipherSuite.A128GCM,
          random: systemRandom,
          serviceInfo: { devmod: DEVMOD, modules: [] },
        },
      },
    );
    assert.ok(result.to1, 'TO1 ran against the rendezvous named in the credential (https)');
    assert.equal(result.ownerUrl, t.platform.url);
  });

  it('refuses in the TLS handshake a station without a certificate, or with one from another CA', async () => {
    const appStarts = async () => {
      const text = await (await fetchTrusting(serverCa)(`${t.platform.url}/metrics`)).text();
      return Number(/iotopia_fdo_request_duration_seconds_count\{msg_type="10"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await appStarts();
    assert.ok(before > 0, 'the metric counts the DI.AppStart messages of the earlier runs');
    for (const [what, fetch] of [
      ['no certificate', fetchTrusting(serverCa)],
      ['another CA', fetchTrusting(serverCa, await (await testCa('other CA')).issue('intruder'))],
    ] as const) {
      await assert.rejects(
        runDi(factoryUrl, await device(`SN-${what}`), { fetch }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'ERR_AGENT_HTTP_UNREACHABLE', what);
          // TLS 1.3 clients learn of the refusal after their side of the handshake: an alert or a hang-up.
          assert.match(e.message, /certificate|socket hang up|ECONNRESET/i, what);
          return true;
        },
        what,
      );
    }
    assert.equal(await appStarts(), before, 'no DI.AppStart reached the FDO handler');
  });

  it('serves nothing but DI: TO1 and TO2 get the role error, the API and health are not there', async () => {
    const station = await factoryCa.issue('station 2');
    const deviceConfig = await device('SN-FACTORY-2');
    const trusting = fetchTrusting(serverCa, station);
    const credential = await runDi(factoryUrl, deviceConfig, { fetch: trusting });
    await assert.rejects(
      runOnboard(
        credential,
        { rendezvousUrls: [factoryUrl] },
        {
          fetch: trusting,
          deviceKey: deviceConfig.deviceKey,
          to2: {
            kexSuite: KexSuite.ECDH256,
            cipherSuite: CipherSuite.A128GCM,
            random: systemRandom,
            serviceInfo: { devmod: DEVMOD, modules: [] },
          },
        },
      ),
      { peerCode: ErrorCode.RESOURCE_NOT_FOUND },
    );
    for (const path of ['/api/v1/openapi.json', '/healthz', '/metrics']) {
      const r = await trusting(`${factoryUrl}${path}`);
      await r.body?.cancel();
      assert.equal(r.status, 404, path);
    }
  });
});
