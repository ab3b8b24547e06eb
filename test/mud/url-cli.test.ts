import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { ID_PE_MUD_URL, ID_PE_MUDSIGNER } from '../../src/mud/url/constants.ts';
import { encodeMudSignerExtension, encodeMudUrlExtension } from '../../src/mud/url/x509.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-mud-url-'));
const run = (...args: string[]) => runCli(args, dir);
const URL_A = 'https://things.example.org/mud/thermostat.json';

describe('iotopia mud url encode | decode', () => {
  for (const source of ['--dhcp4', '--dhcp6', '--lldp']) {
    test(`${source}: encode prints hex that decode reads back (argument and file)`, async () => {
      const enc = await run('mud', 'url', 'encode', source, URL_A);
      assert.equal(enc.code, 0, enc.err);
      const hex = enc.out.trim();
      assert.match(hex, /^[0-9a-f]+$/);
      const dec = await run('mud', 'url', 'decode', source, hex, '--json');
      assert.equal(dec.code, 0, dec.err);
      assert.equal(JSON.parse(dec.out).url, URL_A);
      const bin = join(dir, `option${source}.bin`);
      writeFileSync(bin, Buffer.from(hex, 'hex'));
      const fromFile = await run('mud', 'url', 'decode', source, bin);
      assert.equal(fromFile.out, `${URL_A}\n`);
    });
  }

  test('--cert: encode gives the IA5String extension value; decode reads a certificate file', async () => {
    const enc = await run('mud', 'url', 'encode', '--cert', URL_A, '--json');
    assert.equal(enc.code, 0, enc.err);
    assert.equal(JSON.parse(enc.out).hex, Buffer.from(encodeMudUrlExtension(URL_A)).toString('hex'));
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cert = createCertificate({
      subject: { commonName: 'thermostat-7', organization: 'Things' },
      publicKey: key.publicKey,
      signer: { privateKey: key.privateKey },
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      extensions: [
        { oid: ID_PE_MUD_URL, value: encodeMudUrlExtension(URL_A) },
        { oid: ID_PE_MUDSIGNER, value: new Uint8Array(encodeMudSignerExtension(generateSignerCert())) },
      ],
    });
    const pem = join(dir, 'device.pem');
    writeFileSync(pem, cert.toString());
    const dec = await run('mud', 'url', 'decode', '--cert', pem, '--json');
    assert.equal(dec.code, 0, dec.err);
    assert.deepEqual(JSON.parse(dec.out), { source: 'x509', url: URL_A, mudSigner: 'O=Things, CN=Things MUD signing' });
    const der = join(dir, 'device.der');
    writeFileSync(der, cert.raw);
    assert.equal((await run('mud', 'url', 'decode', '--cert', der)).out.split('\n')[0], URL_A);
  });

  test('bad input is a failed check (exit 1) with the code; a missing source is a usage error (exit 2)', async () => {
    const http = await run('mud', 'url', 'encode', '--dhcp4', 'http://things.example.org/x', '--json');
    assert.equal(http.code, 1);
    assert.equal(JSON.parse(http.out).code, 'ERR_MUD_URL_SCHEME');
    const truncated = await run('mud', 'url', 'decode', '--dhcp6', '007000ff00', '--json');
    assert.equal(truncated.code, 1);
    assert.equal(JSON.parse(truncated.out).code, 'ERR_MUD_URL_TRUNCATED');
    assert.equal((await run('mud', 'url', 'decode', '--lldp', 'zz')).code, 2);
    assert.equal((await run('mud', 'url', 'decode', 'a100')).code, 2);
    assert.equal((await run('mud', 'url', 'encode', '--dhcp4', '--lldp', URL_A)).code, 2);
  });
});

function generateSignerCert() {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return createCertificate({
    subject: { commonName: 'Things MUD signing', organization: 'Things' },
    publicKey: key.publicKey,
    signer: { privateKey: key.privateKey },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
  });
}
