import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PublicKeyType } from '../../src/fdo/constants/crypto.ts';
import { guidFromText } from '../../src/fdo/types/guid.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import type { OnboardedDevice } from '../../src/onboarding/onboarded-feed.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

const run = runCli;

describe('iotopia device init | show | onboard against iotopia up', () => {
  let platform: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-device-cli-'));
  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('manufacture, show without secrets, onboard; the credential file stays private and is replaced', async () => {
    const init = await run(['device', 'init', '--manufacturer', platform.url, '--json'], dir);
    assert.equal(init.code, 0, init.err);
    const made = JSON.parse(init.out) as { guid: string; credential: string };
    assert.equal(statSync(made.credential).mode & 0o777, 0o600);

    const again = await run(['device', 'init', '--manufacturer', platform.url], dir);
    assert.equal(again.code, 2);
    assert.match(again.err, /--force/);

    const show = await run(['device', 'show', '--json'], dir);
    assert.equal(show.code, 0, show.err);
    assert.equal((JSON.parse(show.out) as { guid: string }).guid, made.guid);
    const pkcs8Prefix = Buffer.from(readFileSync(made.credential)).toString('hex').slice(-64);
    assert.ok(!show.out.includes(pkcs8Prefix), 'no key material is printed');
    assert.match(show.out, /not shown/);

    const onboard = await run(['device', 'onboard', '--json'], dir);
    assert.equal(onboard.code, 0, onboard.err);
    const result = JSON.parse(onboard.out) as { onboarded: boolean; previousGuid: string; guid: string; kexSuite: string };
    assert.equal(result.onboarded, true);
    assert.equal(result.previousGuid, made.guid);
    assert.notEqual(result.guid, made.guid);
    assert.equal(result.kexSuite, 'ECDH256');
    assert.equal(statSync(made.credential).mode & 0o777, 0o600);
    assert.equal((JSON.parse((await run(['device', 'show', '--json'], dir)).out) as { guid: string }).guid, result.guid);
  });

  test('onboard --mud-url: the owner keeps the MUD URL and the address TO2 came from, and announces the device', async () => {
    const init = await run(['device', 'init', '--manufacturer', platform.url, '--credential', 'mud/c.cbor', '--json'], dir);
    assert.equal(init.code, 0, init.err);
    const guid = (JSON.parse(init.out) as { guid: string }).guid;
    const announced: OnboardedDevice[] = [];
    const unsubscribe = platform.onboarded.subscribe((d) => void announced.push(d));
    const url = 'https://mud.example.com/lamp.json';
    const onboard = await run(['device', 'onboard', '--credential', 'mud/c.cbor', '--mud-url', url, '--json'], dir);
    unsubscribe();
    assert.equal(onboard.code, 0, onboard.err);
    const record = await platform.store.devices.get(guidFromText(guid));
    assert.equal(record?.state, 'onboarded');
    assert.equal(record?.mudUrl, url);
    assert.equal(record?.onboardAddress, '127.0.0.1');
    assert.equal(announced.length, 1);
    assert.equal(announced[0]?.mudUrl, url);
    assert.equal(announced[0]?.address, '127.0.0.1');
    assert.deepEqual(announced[0]?.guid, guidFromText(guid));

    const bad = await run(['device', 'onboard', '--credential', 'mud/c.cbor', '--mud-url', 'http://mud.example.com/x.json'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--mud-url must use https/);
  });

  test('an ec384 device onboards with ECDH384 and A256GCM', async () => {
    const init = await run(['device', 'init', '--manufacturer', platform.url, '--key', 'ec384', '--credential', 'd384/c.cbor'], dir);
    assert.equal(init.code, 0, init.err);
    const onboard = await run(['device', 'onboard', '--credential', 'd384/c.cbor', '--json'], dir);
    assert.equal(onboard.code, 0, onboard.err);
    assert.deepEqual(
      (({ kexSuite, cipherSuite }) => ({ kexSuite, cipherSuite }))(JSON.parse(onboard.out) as { kexSuite: string; cipherSuite: number }),
      { kexSuite: 'ECDH384', cipherSuite: 3 },
    );
  });

  test('failures are checks (exit 1) naming the code; usage errors exit 2', async () => {
    const missing = await run(['device', 'onboard', '--credential', 'nope.cbor'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /device init/);
    const badKey = await run(['device', 'init', '--manufacturer', platform.url, '--key', 'dsa', '--credential', 'x.cbor'], dir);
    assert.equal(badKey.code, 2);
    const unreachable = await run(['device', 'init', '--manufacturer', 'http://127.0.0.1:9', '--credential', 'y.cbor'], dir);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.err, /DI failed: .*ERR_AGENT/);
  });
});

describe('iotopia device init --key rsa2048', () => {
  let platform: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-device-cli-rsa-'));
  before(async () => {
    platform = await startPlatform(
      resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent', keyType: 'rsa2048' }]),
    );
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('declares RSA2048RESTR (pkType 1), gets an RSA2048RESTR manufacturer key, and onboards', async () => {
    const init = await run(['device', 'init', '--manufacturer', platform.url, '--key', 'rsa2048', '--json'], dir);
    assert.equal(init.code, 0, init.err);
    const made = JSON.parse(init.out) as { guid: string };
    const record = await platform.store.vouchers.get('manufacturer', guidFromText(made.guid));
    assert.ok(record, 'the manufacturer holds the voucher');
    // DI picks the manufacturer key by the pkType the device declares (DeviceMfgInfo.pkType).
    assert.equal(parseVoucher(record.voucher).header.pubKey.type, PublicKeyType.RSA2048RESTR);
    // No --kex: an RSA-2048 device takes the finite-field group of its strength, DHKEXid14.
    const onboard = await run(['device', 'onboard', '--json'], dir);
    assert.equal(onboard.code, 0, onboard.err);
    const result = JSON.parse(onboard.out) as { onboarded: boolean; kexSuite: string };
    assert.deepEqual([result.onboarded, result.kexSuite], [true, 'DHKEXid14']);
  });
});
