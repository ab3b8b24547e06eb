import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exportPrivateKey } from '../../src/crypto/key-export.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { verifyMudSignature } from '../../src/mud/signature/cms-verify.ts';
import { MudSignatureError } from '../../src/mud/signature/errors.ts';

// Interoperability with OpenSSL's CMS implementation, the tool RFC 8520 §13 shows: what IoTopia
// signs, `openssl cms -verify` accepts, and what `openssl cms -sign` makes, IoTopia verifies.
const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const missing = openssl.status === 0 ? undefined : 'the openssl command is not installed; the OpenSSL interoperability cases are skipped';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-mud-openssl-'));
const write = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const AT = new Date('2026-06-01T00:00:00Z');
const CONTENT = new TextEncoder().encode('{"ietf-mud:mud":{"mud-version":1,"mud-url":"https://interop.example/mud.json"}}\n');
const contentFile = write('mud.json', CONTENT);

interface Pki {
  root: X509Certificate;
  inter: X509Certificate;
  leaf: X509Certificate;
  leafKey: KeyObject;
}

function pki(kind: 'P-256' | 'P-384' | 'rsa'): Pki {
  const pair = () =>
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: kind });
  const [r, i, l] = [pair(), pair(), pair()];
  const validity = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') };
  const root = createCertificate({
    subject: { commonName: `${kind} root` },
    publicKey: r.publicKey,
    signer: { privateKey: r.privateKey },
    ca: true,
    ...validity,
  });
  const inter = createCertificate({
    subject: { commonName: `${kind} MUD CA` },
    publicKey: i.publicKey,
    signer: { privateKey: r.privateKey, certificate: root },
    ca: true,
    ...validity,
  });
  const leaf = createCertificate({
    subject: { commonName: `${kind} MUD signer`, organization: 'Interop' },
    publicKey: l.publicKey,
    signer: { privateKey: i.privateKey, certificate: inter },
    ...validity,
  });
  return { root, inter, leaf, leafKey: l.privateKey };
}

const run = (args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

describe('MUD signatures and OpenSSL cms', () => {
  for (const kind of ['P-256', 'P-384', 'rsa'] as const) {
    test(`${kind}: openssl cms -verify accepts IoTopia's signature`, (t) => {
      if (missing !== undefined) return t.skip(missing);
      const p = pki(kind);
      const sig = write(
        `iotopia-${kind}.p7s`,
        signMudFile(CONTENT, { privateKey: p.leafKey, certificate: p.leaf, chain: [p.inter], signingTime: AT }),
      );
      const ca = write(`root-${kind}.pem`, p.root.toString());
      const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', contentFile, '-CAfile', ca, '-purpose', 'any'];
      const ok = run([...args, '-attime', String(AT.getTime() / 1000), '-out', join(dir, 'out')]);
      assert.equal(ok.status, 0, ok.stderr);
      // The same check fails for a changed file: OpenSSL is really checking.
      const changed = write(
        `changed-${kind}.json`,
        CONTENT.map((b, i) => (i === 5 ? b ^ 1 : b)),
      );
      const bad = run([...args.slice(0, 8), changed, ...args.slice(9), '-attime', String(AT.getTime() / 1000), '-out', join(dir, 'out')]);
      assert.notEqual(bad.status, 0);
    });

    test(`${kind}: IoTopia verifies a signature made by openssl cms -sign`, (t) => {
      if (missing !== undefined) return t.skip(missing);
      const p = pki(kind);
      const sigFile = join(dir, `openssl-${kind}.p7s`);
      const made = run([
        'cms',
        '-sign',
        '-binary',
        '-in',
        contentFile,
        '-signer',
        write(`leaf-${kind}.pem`, p.leaf.toString()),
        '-inkey',
        write(`leaf-${kind}.key`, exportPrivateKey(p.leafKey, 'pkcs8-pem')),
        '-certfile',
        write(`inter-${kind}.pem`, p.inter.toString()),
        '-outform',
        'DER',
        '-out',
        sigFile,
      ]);
      assert.equal(made.status, 0, made.stderr);
      const signature = new Uint8Array(readFileSync(sigFile));
      const r = verifyMudSignature(CONTENT, signature, { trustAnchors: [p.root], time: AT });
      assert.deepEqual(r.checks, ['digest', 'signature', 'chain', 'key-usage']);
      assert.equal(r.signer, `O=Interop, CN=${kind} MUD signer`);
      const changed = CONTENT.slice();
      changed[3]! ^= 1;
      assert.throws(
        () => verifyMudSignature(changed, signature, { trustAnchors: [p.root], time: AT }),
        (e: unknown) => e instanceof MudSignatureError && e.code === 'ERR_MUD_SIGNATURE_DIGEST',
      );
    });
  }

  test('an RSA-PSS signature from openssl is refused as unsupported, by name', (t) => {
    if (missing !== undefined) return t.skip(missing);
    const p = pki('rsa');
    const sigFile = join(dir, 'pss.p7s');
    const made = run([
      'cms',
      '-sign',
      '-binary',
      '-in',
      contentFile,
      '-signer',
      write('pss-leaf.pem', p.leaf.toString()),
      '-inkey',
      write('pss-leaf.key', exportPrivateKey(p.leafKey, 'pkcs8-pem')),
      '-keyopt',
      'rsa_padding_mode:pss',
      '-outform',
      'DER',
      '-out',
      sigFile,
    ]);
    assert.equal(made.status, 0, made.stderr);
    assert.throws(
      () => verifyMudSignature(CONTENT, new Uint8Array(readFileSync(sigFile)), { checkChain: false, time: AT }),
      (e: unknown) => e instanceof MudSignatureError && e.code === 'ERR_MUD_SIGNATURE_UNSUPPORTED',
    );
  });
});
