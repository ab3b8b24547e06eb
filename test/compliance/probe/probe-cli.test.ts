/** `iotopia probe` in process against loopback listeners: exit codes, output, the MUD signature. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCertificate } from '../../../src/crypto/x509-create.ts';
import { signMudFile } from '../../../src/mud/signature/cms-sign.ts';
import { runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/temp.ts';
import { type Listeners, listen } from './loopback.ts';
import { eq, MUD_URL, mudJson, tcpAce } from './mud-fixtures.ts';

const dir = tempDir('iotopia-probe-cli-');
const run = (...args: string[]) => runCli(args, dir);

describe('iotopia probe', () => {
  let device: Listeners;
  let a: number;
  let b: number;
  before(async () => {
    device = await listen(2);
    [a, b] = device.ports as [number, number];
    writeFileSync(join(dir, 'one.json'), mudJson([[tcpAce('a', eq(a))]]));
    writeFileSync(join(dir, 'both.json'), mudJson([[tcpAce('a', eq(a)), tcpAce('b', eq(b))]]));
  });
  after(() => device.close());

  // Other processes may listen between the two ports; scanning each port alone keeps the test exact.
  test('one port allowed, one unexpected: exit 1, both named', async () => {
    for (const [port, code] of [
      [a, 0],
      [b, 1],
    ] as const) {
      const r = await run('probe', '--address', '127.0.0.1', '--mud', 'one.json', '--ports', String(port));
      assert.equal(r.code, code, r.err);
      assert.match(r.out, new RegExp(`^open: ${port} `, 'm'));
      assert.match(r.out, port === a ? new RegExp(`^allowed by the MUD file: ${a}$`, 'm') : new RegExp(`^unexpected: ${b}$`, 'm'));
      if (code === 1) assert.match(r.err, /1 open port\(s\) the MUD file does not allow/);
    }
  });

  test('--json gives the PortProbeResult; a port the MUD file allows too gives exit 0', async () => {
    const r = await run('probe', '--address', '127.0.0.1', '--mud', 'both.json', '--ports', String(b), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(
      { ...j, startedAt: undefined, finishedAt: undefined },
      {
        address: '127.0.0.1',
        mudUrl: MUD_URL,
        protocol: 'tcp',
        ports: { from: b, to: b },
        open: [b],
        allowed: [b],
        unexpected: [],
        closed: 0,
        filtered: 0,
        startedAt: undefined,
        finishedAt: undefined,
      },
    );
    assert.ok(Date.parse(j.startedAt) <= Date.parse(j.finishedAt));
  });

  test('usage errors exit 2, an invalid MUD file exits 1', async () => {
    const usage = [
      ['--address', 'localhost', '--mud', 'one.json'],
      ['--address', '127.0.0.1', '--mud', 'one.json', '--ports', '0-10'],
      ['--address', '127.0.0.1', '--mud', 'one.json', '--ports', 'all'],
      ['--address', '127.0.0.1', '--mud', 'one.json', '--concurrency', '2000'],
      ['--address', '127.0.0.1', '--mud', 'one.json', '--timeout', '-1'],
      ['--address', '127.0.0.1'],
      ['--address', '127.0.0.1', '--mud', 'missing.json'],
    ];
    for (const args of usage) assert.equal((await run('probe', ...args)).code, 2, args.join(' '));
    writeFileSync(join(dir, 'bad.json'), mudJson([[tcpAce('a', eq(a))]]).replace('"is-supported": true', '"is-supported": "yes"'));
    const r = await run('probe', '--address', '127.0.0.1', '--mud', 'bad.json', '--ports', String(a));
    assert.equal(r.code, 1);
    assert.match(r.err, /ERR_PROBE_MUD_INVALID[\s\S]*is-supported/);
  });

  test('--signature: a good signature lets the probe run, a changed file stops it', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificate = createCertificate({
      subject: { commonName: 'mud.lab.example.com' },
      publicKey: key.publicKey,
      signer: { privateKey: key.privateKey },
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
    });
    const text = mudJson([[tcpAce('a', eq(a))]]);
    writeFileSync(join(dir, 'signed.json'), text);
    writeFileSync(join(dir, 'signed.p7s'), signMudFile(new TextEncoder().encode(text), { privateKey: key.privateKey, certificate }));
    const args = ['probe', '--address', '127.0.0.1', '--mud', 'signed.json', '--ports', String(a), '--signature', 'signed.p7s'];
    assert.equal((await run(...args)).code, 2, 'no --ca and no --no-chain');
    const ok = await run(...args, '--no-chain');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /signed by CN=mud\.lab\.example\.com/);
    writeFileSync(join(dir, 'signed.json'), text.replace('probe test device', 'probe test device!'));
    const changed = await run(...args, '--no-chain');
    assert.equal(changed.code, 1);
    assert.match(changed.err, /ERR_MUD_SIGNATURE_DIGEST/);
  });
});
