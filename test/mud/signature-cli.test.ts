import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exportPrivateKey } from '../../src/crypto/key-export.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { ID_PE_MUDSIGNER } from '../../src/mud/url/constants.ts';
import { encodeMudSignerExtension } from '../../src/mud/url/x509.ts';
import { runCli } from '../helpers/cli.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-mud-sign-'));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const run = (...args: string[]) => runCli(args, dir);

const rootKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const interKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signerKey = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const notBefore = new Date('2025-01-01T00:00:00Z');
const notAfter = new Date('2030-01-01T00:00:00Z');
const root = createCertificate({
  subject: { commonName: 'CLI Root' },
  publicKey: rootKey.publicKey,
  signer: { privateKey: rootKey.privateKey },
  notBefore,
  notAfter,
  ca: true,
});
const inter = createCertificate({
  subject: { commonName: 'CLI MUD CA' },
  publicKey: interKey.publicKey,
  signer: { privateKey: rootKey.privateKey, certificate: root },
  notBefore,
  notAfter,
  ca: true,
});
const signer = createCertificate({
  subject: { commonName: 'mud.example.com', organization: 'CLI Example' },
  publicKey: signerKey.publicKey,
  signer: { privateKey: interKey.privateKey, certificate: inter },
  notBefore,
  notAfter,
});
const mudText = '{"ietf-mud:mud":{"mud-version":1,"mud-url":"https://mud.example.com/bulb.json"}}\n';
const mudFile = file('bulb.json', mudText);
const keyFile = file('signer.key.pem', exportPrivateKey(signerKey.privateKey, 'pkcs8-pem'));
const certFile = file('signer.pem', signer.toString());
const chainFile = file('chain.pem', inter.toString());
const caFile = file('root.pem', root.toString());

describe('iotopia mud sign | verify', () => {
  test('sign writes bulb.p7s next to the file; verify finds it and passes every check', async () => {
    const signed = await run('mud', 'sign', mudFile, '--key', keyFile, '--cert', certFile, '--chain', chainFile, '--json');
    assert.equal(signed.code, 0, signed.err);
    const info = JSON.parse(signed.out);
    assert.equal(info.signature, join(dir, 'bulb.p7s'));
    assert.ok(existsSync(info.signature));
    assert.equal(info.signer, 'O=CLI Example, CN=mud.example.com');

    const verified = await run('mud', 'verify', mudFile, '--ca', caFile, '--at', '2026-01-01T00:00:00Z', '--json');
    assert.equal(verified.code, 0, verified.err);
    const r = JSON.parse(verified.out);
    assert.equal(r.valid, true);
    assert.deepEqual(r.checks, ['digest', 'signature', 'chain', 'key-usage']);
    assert.equal(r.digestAlgorithm, 'sha384');
    assert.equal(r.trustAnchor, 'CN=CLI Root');

    const human = await run('mud', 'verify', mudFile, '--signature', info.signature, '--ca', caFile, '--at', '1767225600');
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /^signature valid: .* signed by O=CLI Example, CN=mud.example.com/);
  });

  test('a changed file fails the digest check with exit 1; the signer name is checked', async () => {
    const sig = file('sig.p7s', '');
    assert.equal((await run('mud', 'sign', mudFile, '--key', keyFile, '--cert', certFile, '--chain', chainFile, '-o', sig)).code, 0);
    const changed = file('changed.json', mudText.replace('bulb', 'bulc'));
    const r = await run('mud', 'verify', changed, '--signature', sig, '--ca', caFile, '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), {
      valid: false,
      check: 'digest',
      code: 'ERR_MUD_SIGNATURE_DIGEST',
      message: JSON.parse(r.out).message,
    });
    assert.match(r.err, /digest check failed/);

    const other = await run('mud', 'verify', mudFile, '--signature', sig, '--ca', caFile, '--signer', 'CN=someone.example.com', '--json');
    assert.equal(other.code, 1);
    assert.equal(JSON.parse(other.out).code, 'ERR_MUD_SIGNATURE_SIGNER');
    const same = await run('mud', 'verify', mudFile, '--signature', sig, '--ca', caFile, '--signer', 'CN=mud.example.com, O=CLI Example');
    assert.equal(same.code, 0, same.err);

    const deviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const device = createCertificate({
      subject: { commonName: 'bulb-1' },
      publicKey: deviceKey.publicKey,
      signer: { privateKey: deviceKey.privateKey },
      notBefore,
      notAfter,
      extensions: [{ oid: ID_PE_MUDSIGNER, value: encodeMudSignerExtension(inter) }],
    });
    const wrongSigner = await run(
      'mud',
      'verify',
      mudFile,
      '--signature',
      sig,
      '--ca',
      caFile,
      '--device-cert',
      file('device.pem', device.toString()),
      '--json',
    );
    assert.equal(wrongSigner.code, 1);
    assert.equal(JSON.parse(wrongSigner.out).check, 'signer');
  });

  test('the chain: no anchor fails it, --no-chain skips it, --at outside validity is an expiry', async () => {
    const sig = file('sig2.p7s', '');
    assert.equal((await run('mud', 'sign', mudFile, '--key', keyFile, '--cert', certFile, '-o', sig)).code, 0);
    const noAnchor = await run('mud', 'verify', mudFile, '--signature', sig, '--json');
    assert.equal(noAnchor.code, 1);
    assert.equal(JSON.parse(noAnchor.out).check, 'chain');
    const noChain = await run('mud', 'verify', mudFile, '--signature', sig, '--no-chain', '--json');
    assert.equal(noChain.code, 0, noChain.err);
    assert.deepEqual(JSON.parse(noChain.out).checks, ['digest', 'signature']);
    const withInter = await run(
      'mud',
      'verify',
      mudFile,
      '--signature',
      sig,
      '--ca',
      caFile,
      '--intermediates',
      chainFile,
      '--at',
      '2027-01-01T00:00:00Z',
    );
    assert.equal(withInter.code, 0, withInter.err);
    const late = await run(
      'mud',
      'verify',
      mudFile,
      '--signature',
      sig,
      '--ca',
      caFile,
      '--intermediates',
      chainFile,
      '--at',
      '2031-01-01T00:00:00Z',
      '--json',
    );
    assert.equal(late.code, 1);
    assert.equal(JSON.parse(late.out).code, 'ERR_MUD_SIGNATURE_EXPIRED');
  });

  test('--ca takes a bundle of many trust anchors', async () => {
    const sig = file('sig3.p7s', '');
    assert.equal((await run('mud', 'sign', mudFile, '--key', keyFile, '--cert', certFile, '--chain', chainFile, '-o', sig)).code, 0);
    const others = Array.from({ length: 11 }, (_, i) => {
      const k = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return createCertificate({
        subject: { commonName: `Other Root ${i}` },
        publicKey: k.publicKey,
        signer: { privateKey: k.privateKey },
        notBefore,
        notAfter,
        ca: true,
      }).toString();
    });
    const bundle = file('bundle.pem', [...others, root.toString()].join(''));
    const r = await run('mud', 'verify', mudFile, '--signature', sig, '--ca', bundle, '--at', '2026-01-01T00:00:00Z', '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).trustAnchor, 'CN=CLI Root');
  });

  test('usage errors exit 2', async () => {
    assert.equal((await run('mud', 'sign', mudFile, '--cert', certFile)).code, 2);
    assert.equal((await run('mud', 'sign', mudFile, '--key', certFile, '--cert', certFile)).code, 2);
    assert.equal((await run('mud', 'sign', mudFile, '--key', keyFile, '--cert', keyFile)).code, 2);
    assert.equal((await run('mud', 'sign', mudFile, '--key', keyFile, '--cert', certFile, '--digest', 'md5')).code, 2);
    assert.equal((await run('mud', 'verify', mudFile, '--at', 'soon')).code, 2);
    assert.equal((await run('mud', 'verify', join(dir, 'missing.json'))).code, 2);
    assert.equal((await run('mud', 'verify', mudFile, '--ca', keyFile)).code, 2);
    const wrongKey = file('other.key.pem', exportPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'pkcs8-pem'));
    assert.equal((await run('mud', 'sign', mudFile, '--key', wrongKey, '--cert', certFile, '-o', join(dir, 'x.p7s'))).code, 2);
  });

  test('shared vectors: cisco-luminaire at Unix 1560000000 and now; caddy-lightbulb with --no-chain', async (t) => {
    const v = vectorPath('mud', 'signed');
    if (v === undefined) return t.skip(vectorsMissing('mud/signed'));
    const lum = join(v, 'cisco-luminaire');
    const at = await run('mud', 'verify', join(lum, 'Luminaire_150.json'), '--ca', join(lum, 'luminaire-cacert.pem'), '--at', '1560000000');
    assert.equal(at.code, 0, at.err);
    const now = await run('mud', 'verify', join(lum, 'Luminaire_150.json'), '--ca', join(lum, 'luminaire-cacert.pem'), '--json');
    assert.equal(now.code, 1);
    assert.equal(JSON.parse(now.out).check, 'expiry');
    const caddy = join(v, 'caddy-lightbulb');
    assert.equal((await run('mud', 'verify', join(caddy, 'lightbulb2000.json'), '--no-chain')).code, 0);
    assert.equal((await run('mud', 'verify', join(caddy, 'lightbulb2000.json'))).code, 1);
    const sig = readFileSync(join(caddy, 'lightbulb2000.json.p7s'));
    assert.ok(sig.length > 0);
  });
});
