import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeCoseKey, keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { protectReport } from '../../src/suit/report/protect.ts';
import { encodeReport, type SuitReport } from '../../src/suit/report/report.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-suit-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const secret = createSecretKey(randomBytes(32));
const report: SuitReport = {
  reference: { uri: 'https://updates.example/fw.suit', digest: { algorithm: -16, bytes: new Uint8Array(32).fill(0xab) } },
  nonce: Uint8Array.of(1, 2, 3, 4),
  records: [
    {
      kind: 'record',
      manifestId: [],
      section: 7,
      offset: 5,
      componentIndex: 0,
      properties: [{ code: 14, name: 'image-size', value: 2048 }],
      extensions: [],
    },
  ],
  result: {
    ok: false,
    code: 12345,
    reason: 10,
    record: { kind: 'record', manifestId: [], section: 7, offset: 5, componentIndex: 0, properties: [], extensions: [] },
  },
  extensions: new Map(),
};
writeFileSync(join(dir, 'plain.cbor'), encodeReport(report));
writeFileSync(join(dir, 'signed.cbor'), protectReport(report, { key: device.privateKey }));
writeFileSync(join(dir, 'maced.cbor'), protectReport(report, { key: secret }));
writeFileSync(join(dir, 'device.pub.pem'), device.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'other.pub.pem'), other.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'secret.hex'), Buffer.from(encodeCoseKey(keyObjectToCoseKey(secret, { includePrivate: true }))).toString('hex'));
writeFileSync(join(dir, 'junk.cbor'), Uint8Array.of(0x82, 0x01));

test('suit report inspect: plain, signed and MACed reports; verification with --key', async () => {
  const plain = await runCli(['suit', 'report', 'inspect', 'plain.cbor'], dir);
  assert.equal(plain.code, 0, plain.err);
  assert.match(plain.out, /not protected/);
  assert.match(plain.out, /condition-failed/);
  const unverified = await runCli(['suit', 'report', 'inspect', 'signed.cbor', '--json'], dir);
  assert.equal(unverified.code, 0, unverified.err);
  const u = JSON.parse(unverified.out) as Record<string, unknown>;
  assert.equal(u.protection, 'COSE_Sign1');
  assert.equal(u.verified, false);
  const verified = await runCli(['suit', 'report', 'inspect', 'signed.cbor', '--key', 'device.pub.pem', '--json'], dir);
  assert.equal(verified.code, 0, verified.err);
  const v = JSON.parse(verified.out) as {
    verified: boolean;
    algorithm: string;
    nonce: string;
    result: { reasonName: string; code: number };
  };
  assert.equal(v.verified, true);
  assert.equal(v.algorithm, 'ES256');
  assert.equal(v.nonce, '01020304');
  assert.deepEqual([v.result.reasonName, v.result.code], ['condition-failed', 12345]);
  const mac = await runCli(['suit', 'report', 'inspect', 'maced.cbor', '--key', 'secret.hex'], dir);
  assert.equal(mac.code, 0, mac.err);
  assert.match(mac.out, /COSE_Mac0, signature verified/);
});

test('suit report inspect: a wrong key or a bad file fails the check (1); usage errors exit 2', async () => {
  const wrong = await runCli(['suit', 'report', 'inspect', 'signed.cbor', '--key', 'other.pub.pem', '--json'], dir);
  assert.equal(wrong.code, 1);
  assert.equal((JSON.parse(wrong.out) as { code: string }).code, 'ERR_SUIT_REPORT_AUTH_FAILED');
  const unprotected = await runCli(['suit', 'report', 'inspect', 'plain.cbor', '--key', 'device.pub.pem'], dir);
  assert.equal(unprotected.code, 1);
  assert.match(unprotected.err, /ERR_SUIT_REPORT_AUTH_FAILED/);
  const junk = await runCli(['suit', 'report', 'inspect', 'junk.cbor'], dir);
  assert.equal(junk.code, 1);
  assert.match(junk.err, /ERR_SUIT_REPORT_MALFORMED/);
  assert.equal((await runCli(['suit', 'report', 'inspect', 'signed.cbor', '--key', 'missing.pem'], dir)).code, 2);
  assert.equal((await runCli(['suit', 'report', 'inspect', 'signed.cbor', '--bogus'], dir)).code, 2);
  assert.equal((await runCli(['suit', 'report', 'inspect'], dir)).code, 2);
});
