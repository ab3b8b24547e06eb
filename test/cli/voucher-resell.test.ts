/** `iotopia voucher resell` against `iotopia up`: the device's voucher handed on to the next owner's key. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { samePublicKey } from '../../src/fdo/types/public-key.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../src/fdo/voucher/voucher-verify.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

describe('iotopia voucher resell against iotopia up', () => {
  let platform: Platform;
  let env: NodeJS.ProcessEnv;
  let guid: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-resell-cli-'));
  before(async () => {
    // Auto-owner on (the default): the voucher made at DI is this server's owner's, registered.
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    env = { ...process.env, IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: platform.firstAdminToken ?? assert.fail('no admin token') };
    const init = await runCli(['device', 'init', '--manufacturer', platform.url, '--json'], dir, env);
    assert.equal(init.code, 0, init.err);
    guid = (JSON.parse(init.out) as { guid: string }).guid;
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('resell writes the voucher extended to the next owner; a second resale fails naming the code; usage errors exit 2', async () => {
    const buyer = (await generateKeyPair('secp256r1')).privateKey;
    const keyFile = join(dir, 'buyer.pub.pem');
    writeFileSync(keyFile, createPublicKey(buyer).export({ type: 'spki', format: 'pem' }));
    const out = join(dir, 'resold.pem');

    const sold = await runCli(['voucher', 'resell', guid, '--owner-key', keyFile, '-o', out, '--json'], dir, env);
    assert.equal(sold.code, 0, sold.err);
    const summary = JSON.parse(sold.out) as { guid: string; retired: string[]; output: string };
    assert.deepEqual([summary.guid, summary.retired, summary.output], [guid.replace(/-/g, ''), [], out]);
    const voucher = parseVoucher(readFileSync(out, 'utf8'));
    assert.ok(samePublicKey(verifyVoucher(voucher).owner, buyer), 'the voucher ends at the next owner');
    const owned = await platform.store.vouchers.get('owner', voucher.header.guid);
    assert.equal(owned?.state, 'resold');

    const again = await runCli(['voucher', 'resell', guid, '--owner-key', keyFile], dir, env);
    assert.equal(again.code, 1);
    assert.match(again.err, /ERR_API_VOUCHER_RESOLD/);
    assert.equal(again.out, '');

    const notAKey = await runCli(['voucher', 'resell', guid, '--owner-key', join(dir, 'server', 'nothing.pem')], dir, env);
    assert.equal(notAKey.code, 2, notAKey.err);
    assert.equal((await runCli(['voucher', 'resell', guid], dir, env)).code, 2, 'no --owner-key');
    assert.equal((await runCli(['voucher', 'resell', 'xyz', '--owner-key', keyFile], dir, env)).code, 2, 'no GUID');
    assert.equal((await runCli(['voucher', 'resell', guid, '--owner-key', keyFile, '--json'], dir, env)).code, 2, '--json without -o');
  });
});
