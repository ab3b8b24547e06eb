/**
 * `outbound-tls-ca`: the CA bundle the server trusts for its own https connections, today the
 * owner's TO0 to a rendezvous on another server. An owner given the rendezvous' CA registers over
 * https; an owner without it (the system's roots), or with another CA, does not reach a rendezvous
 * whose certificate it cannot verify: the same refusal a rendezvous impersonator meets. A bundle that
 * is not PEM certificates fails the start, naming the setting.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../../src/crypto/private-key-handle.ts';
import { runDi } from '../../../src/fdo/client/flows.ts';
import { PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { resolveConfig } from '../../../src/server/platform/config.ts';
import { readOutboundTlsCa } from '../../../src/server/platform/outbound-tls.ts';
import { runCli } from '../../helpers/cli.ts';
import { bearer, startTlsTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import { testCa } from '../http/tls-helpers.ts';

describe('outbound-tls-ca: the CAs the owner trusts for TO0 over https', () => {
  let maker: TestPlatform & { tls: NonNullable<TestPlatform['tls']> };
  const owners: TestPlatform[] = [];
  let otherCaFile: string;
  before(async () => {
    // Manufacturer and rendezvous on one server over https: its vouchers name it as the rendezvous (RVProtHttps).
    maker = await startTlsTestPlatform('iotopia-outbound-maker-', { roles: 'manufacturer,rendezvous', autoOwner: false });
    otherCaFile = join(maker.dir, 'other-ca.pem');
    writeFileSync(otherCaFile, (await testCa('another CA')).pem);
  });
  after(async () => {
    for (const o of owners) await o.close();
    await maker?.close();
  });

  /** An owner server (its own https listener) trusting `outboundTlsCa`, and a voucher of a fresh device imported into it. */
  async function ownerWithVoucher(prefix: string, outboundTlsCa?: string): Promise<{ owner: TestPlatform; guid: string }> {
    const owner = await startTlsTestPlatform(prefix, { roles: 'owner', ...(outboundTlsCa === undefined ? {} : { outboundTlsCa }) });
    owners.push(owner);
    const device = await generateKeyPair('secp256r1');
    const credential = await runDi(
      maker.url,
      { random, deviceKey: device.privateKey, serialNumber: prefix, model: 'outbound', keyType: PublicKeyType.SECP256R1 },
      { tlsCa: maker.tls.ca },
    );
    const guid = guidToHex(credential.guid);
    const ownerKey = publicKeyOf(owner.platform.keys.owner[0]?.privateKey ?? assert.fail('no owner key'))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const extended = await maker.platform.app.inject({
      method: 'POST',
      url: `/api/v1/manufacturer/vouchers/${guid}/extend`,
      headers: bearer(maker.platform.firstAdminToken as string),
      payload: { ownerKey },
    });
    assert.equal(extended.statusCode, 200, extended.body);
    const imported = await owner.platform.app.inject({
      method: 'POST',
      url: '/api/v1/owner/vouchers',
      headers: { ...bearer(owner.platform.firstAdminToken as string), 'content-type': 'application/x-pem-file' },
      payload: (extended.json() as { pem: string }).pem,
    });
    assert.equal(imported.statusCode, 201, imported.body);
    return { owner, guid };
  }

  const register = (owner: TestPlatform, guid: string) =>
    owner.platform.app.inject({
      method: 'POST',
      url: `/api/v1/owner/vouchers/${guid}/register`,
      headers: bearer(owner.platform.firstAdminToken as string),
      payload: {},
    });

  test("with the rendezvous' CA, the owner registers over https at the rendezvous the voucher names", async () => {
    const { owner, guid } = await ownerWithVoucher('iotopia-outbound-trusting-', maker.tls.caFile);
    const r = await register(owner, guid);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((r.json() as { to0?: { rendezvous?: string } }).to0?.rendezvous, maker.url);
    assert.match(maker.url, /^https:/);
    assert.ok(await maker.platform.store.rendezvous.get(new Uint8Array(Buffer.from(guid, 'hex'))), 'the rendezvous holds the registration');
  });

  test('with the system roots, or another CA, the rendezvous certificate is refused and nothing is registered', async () => {
    for (const [prefix, ca] of [
      ['iotopia-outbound-roots-', undefined],
      ['iotopia-outbound-other-', otherCaFile],
    ] as const) {
      const { owner, guid } = await ownerWithVoucher(prefix, ca);
      const r = await register(owner, guid);
      assert.equal(r.statusCode, 409, r.body);
      assert.equal((r.json() as { reason?: string }).reason, 'ERR_OWNER_TO0_UNREACHABLE', r.body);
      // The rendezvous saw no TO0 for the device: a device asking for its owner is told "not found".
      assert.equal(await maker.platform.store.rendezvous.get(new Uint8Array(Buffer.from(guid, 'hex'))), undefined);
    }
  });

  test('the setting resolves like the other transport settings; a file that is not PEM certificates fails the start', async () => {
    const c = resolveConfig(['env', { outboundTlsCa: '/etc/iotopia/rv-ca.pem' }]);
    assert.equal(c.transport?.outboundTlsCa, '/etc/iotopia/rv-ca.pem');
    assert.throws(() => resolveConfig(['env', { outboundTlsCa: ' ' }]), { code: 'ERR_CONFIG', message: /outbound-tls-ca/ });
    const notPem = join(maker.dir, 'not-a-ca.pem');
    writeFileSync(notPem, 'hello');
    assert.throws(() => readOutboundTlsCa(notPem), { code: 'ERR_CONFIG', message: /outbound-tls-ca .*no PEM certificate/ });
    assert.throws(() => readOutboundTlsCa(join(maker.dir, 'absent.pem')), {
      code: 'ERR_CONFIG',
      message: /outbound-tls-ca .*cannot be read/,
    });
    const broken = join(maker.dir, 'broken.pem');
    writeFileSync(broken, `${maker.tls.ca}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    assert.throws(() => readOutboundTlsCa(broken), { code: 'ERR_CONFIG', message: /certificate 2 does not parse/ });
    await assert.rejects(startTlsTestPlatform('iotopia-outbound-bad-', { roles: 'owner', outboundTlsCa: notPem }), {
      code: 'ERR_CONFIG',
      message: /outbound-tls-ca/,
    });
    assert.equal(readOutboundTlsCa(undefined), undefined);
  });

  test('iotopia up --outbound-tls-ca (and IOTOPIA_OUTBOUND_TLS_CA) takes a path from the working directory; a bad file is a usage error naming it', async () => {
    const env = { ...process.env };
    delete env.IOTOPIA_OUTBOUND_TLS_CA;
    writeFileSync(join(maker.dir, 'not-a-ca.pem'), 'hello');
    const flag = await runCli(['up', '--data-dir', 'data', '--outbound-tls-ca', 'not-a-ca.pem'], maker.dir, env);
    assert.equal(flag.code, 2, flag.err);
    assert.match(flag.err, /outbound-tls-ca \(.*not-a-ca\.pem\): holds no PEM certificate/);
    const fromEnv = await runCli(['up', '--data-dir', 'data'], maker.dir, { ...env, IOTOPIA_OUTBOUND_TLS_CA: 'absent.pem' });
    assert.equal(fromEnv.code, 2, fromEnv.err);
    assert.match(fromEnv.err, /outbound-tls-ca \(.*absent\.pem\): cannot be read/);
    const help = await runCli(['up', '--help'], maker.dir, env);
    assert.match(help.out, /--outbound-tls-ca <pem>/);
  });
});
