import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../src/crypto/private-key-handle.ts';
import { runDi } from '../../src/fdo/client/flows.ts';
import { RVProtocolValue } from '../../src/fdo/constants/rendezvous.ts';
import { publicKeyFingerprint } from '../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveView } from '../../src/fdo/types/rendezvous-info.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

describe('iotopia manufacturer rv-info and iotopia rendezvous policy against iotopia up', () => {
  let platform: Platform;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-rv-cli-'));
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('IOTOPIA_')) delete clean[k];
  const run = (args: string[]) => runCli(args, dir, { ...clean, ...env });

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    env = { IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: platform.firstAdminToken ?? assert.fail('no admin token') };
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('rv-info set from --directive reaches the next device; show and reset', async () => {
    const set = await run([
      'manufacturer',
      'rv-info',
      'set',
      '--directive',
      'dns=rv.example.com,devPort=8443,protocol=https,delaySec=5',
      '--directive',
      'ipAddress=192.0.2.1,devPort=80,devOnly',
      '--json',
    ]);
    assert.equal(set.code, 0, set.err);
    assert.deepEqual(JSON.parse(set.out), {
      source: 'stored',
      directives: [
        { dns: 'rv.example.com', devPort: 8443, protocol: 'https', delaySec: 5 },
        { ipAddress: '192.0.2.1', devPort: 80, devOnly: true },
      ],
    });
    const { privateKey } = await generateKeyPair('secp256r1');
    const credential = await runDi(platform.url, {
      random: (n) => new Uint8Array(randomBytes(n)),
      deviceKey: privateKey,
      serialNumber: 'CLI-1',
      model: 'cli',
    });
    const first = rendezvousDirectiveView(credential.rvInfo[0] ?? assert.fail('no directive'));
    assert.deepEqual([first.dns, first.devPort, first.protocol, first.delaySec], ['rv.example.com', 8443, RVProtocolValue.RVProtHttps, 5]);

    const show = await run(['manufacturer', 'rv-info', 'show']);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /set by the manufacturer/);
    assert.match(show.out, /1\. https rv\.example\.com device port 8443, owner port -\s+\(delaySec=5\)/);
    assert.match(show.out, /2\. any protocol 192\.0\.2\.1 device port 80, owner port -\s+\(devOnly\)/);

    const reset = await run(['manufacturer', 'rv-info', 'reset', '--json']);
    assert.equal(reset.code, 0, reset.err);
    assert.equal((JSON.parse(reset.out) as { source: string }).source, 'default');
  });

  test('rv-info set: malformed directives are usage errors, values the server refuses fail with its code', async () => {
    const [usage, refused, neither] = await Promise.all([
      run(['manufacturer', 'rv-info', 'set', '--directive', 'dns=a.example,devPort=eighty']),
      run(['manufacturer', 'rv-info', 'set', '--directive', 'dns=a.example,protocol=gopher']),
      run(['manufacturer', 'rv-info', 'set']),
    ]);
    assert.equal(usage.code, 2, usage.err);
    assert.match(usage.err, /devPort=eighty/);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /directives\[0\]\.protocol.*ERR_API_VALIDATION/);
    assert.equal(neither.code, 2);
  });

  test('policy show (the default: own keys), set --trust-owner with a PEM file, show, --open, reset', async () => {
    const initial = await run(['rendezvous', 'policy', 'show']);
    assert.equal(initial.code, 0, initial.err);
    assert.match(initial.out, /^trusted: this server's own keys \(the default; none set\)/);
    const owner = platform.keys.owner[0]?.privateKey ?? assert.fail('no owner key');
    const pemFile = join(dir, 'owner.pem');
    writeFileSync(pemFile, publicKeyOf(owner).export({ format: 'pem', type: 'spki' }));
    const other = publicKeyFingerprint((await generateKeyPair('secp256r1')).privateKey);
    const set = await run(['rendezvous', 'policy', 'set', '--trust-owner', pemFile, '--trust-manufacturer', other, '--json']);
    assert.equal(set.code, 0, set.err);
    assert.deepEqual(JSON.parse(set.out), {
      mode: 'trusted',
      manufacturerKeys: [other],
      ownerKeys: [publicKeyFingerprint(owner)],
      source: 'stored',
    });
    const [show, both, none] = await Promise.all([
      run(['rendezvous', 'policy', 'show']),
      run(['rendezvous', 'policy', 'set', '--open', '--trust-owner', other]),
      run(['rendezvous', 'policy', 'set']),
    ]);
    assert.equal(show.code, 0, show.err);
    assert.match(
      show.out,
      new RegExp(`trusted: .*\\n  manufacturer keys:\\n    ${other}\\n  owner keys:\\n    ${publicKeyFingerprint(owner)}`),
    );
    assert.equal(both.code, 2);
    assert.equal(none.code, 2);
    const open = await run(['rendezvous', 'policy', 'set', '--open', '--json']);
    assert.equal(open.code, 0, open.err);
    assert.deepEqual(JSON.parse(open.out), { mode: 'open', source: 'stored' });
    const reset = await run(['rendezvous', 'policy', 'reset', '--json']);
    assert.equal(reset.code, 0, reset.err);
    assert.deepEqual(JSON.parse(reset.out), {
      mode: 'trusted',
      manufacturerKeys: [...platform.keys.manufacturer, ...platform.keys.owner].map((k) => publicKeyFingerprint(k.privateKey)),
      ownerKeys: platform.keys.owner.map((k) => publicKeyFingerprint(k.privateKey)),
      source: 'default',
    });
  });
});
