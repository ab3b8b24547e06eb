/**
 * Settings that hold secrets reach the database sealed: a ServiceInfo plan (inline files) and
 * rendezvous info with a Wi-Fi password are not in the database file or its
 * write-ahead log as text, and the services read them back as they were written.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { STRICT_ADDRESSES } from '../../src/onboarding/address-policy.ts';
import { setRvDirectives, storedRvDirectives } from '../../src/onboarding/rv-info.ts';
import { DEFAULT_SERVICEINFO, setServiceInfo, storedServiceInfo } from '../../src/onboarding/serviceinfo-choice.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempDirs } from '../helpers/temp.ts';

const dir = tempDirs('iotopia-sealed-');

function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

test('ServiceInfo plans and a Wi-Fi password are stored sealed and read back as written', async () => {
  const path = join(dir(), 'db.sqlite');
  const store = await openStore({ path }, { kek: new Uint8Array(randomBytes(32)) });
  try {
    const inline = 'inline-secret-4f1c9e';
    const argument = 'command-secret-77ab02';
    const password = 'wifi-secret-c0ffee';
    const plans = [
      { module: 'fdo.download', name: 'creds.txt', data: Buffer.from(inline).toString('base64') },
      { module: 'fdo.command', command: '/bin/echo', args: [argument] },
    ];
    await setServiceInfo(store, 'test', DEFAULT_SERVICEINFO, { plans }, undefined);
    await setRvDirectives(store, 'test', [{ dns: 'rv.example', devPort: 8080, wifiSsid: 'factory', wifiPw: password }], STRICT_ADDRESSES);
    await setRvDirectives(store, 'test', [{ dns: 'rv.example', devPort: 8080, wifiSsid: 'factory', wifiPw: password }], STRICT_ADDRESSES);

    const bytes = databaseBytes(path);
    // Command lines are audited as written (what runs on devices is an auditor's business), so only
    // the inline data and the password are looked for.
    for (const secret of [Buffer.from(inline).toString('base64'), inline, password]) {
      assert.equal(bytes.includes(secret), false, `${secret} is in the database bytes`);
    }
    // The control: a plain setting of the same store is readable in the same bytes.
    await setRvDirectives(store, 'test', [{ dns: 'plain-rv.example', devPort: 8080 }], STRICT_ADDRESSES);
    assert.ok(databaseBytes(path).includes('plain-rv.example'), 'the reader sees plain settings');

    const stored = await storedServiceInfo(store, DEFAULT_SERVICEINFO);
    assert.equal(stored?.length, 2);
    assert.deepEqual(stored?.[1], plans[1]);
    assert.deepEqual(await storedRvDirectives(store), [{ dns: 'plain-rv.example', devPort: 8080 }]);
  } finally {
    await store.close();
  }
});
