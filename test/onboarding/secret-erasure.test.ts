/**
 * A deleted secret setting is gone from the database's files: after it is deleted its marker is
 * neither in the database file nor in the write-ahead log or its index, as text or in its sealed
 * form. Controls on a bare SQLite database show that the byte check finds what a delete leaves
 * behind without secure_delete, or without the checkpoint, so the check can fail. A secret
 * stored plain by an older version is sealed at the next start.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { DEFAULT_SERVICEINFO, deviceServiceInfo, setServiceInfo, storedServiceInfo } from '../../src/onboarding/serviceinfo-choice.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { SQLITE_FILE, startPlatform } from '../../src/server/platform/platform.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempDirs } from '../helpers/temp.ts';

const dirs = tempDirs('iotopia-erase-');

/** The bytes of the database, its WAL and its SHM file, as an attacker with a copy of the directory sees them. */
function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

const marker = () => `marker-${randomBytes(12).toString('hex')}`;

/** The value column of a row, read through a connection of its own (closed again, so it holds no WAL reader). */
function rawValue(path: string, scope: string, key: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare('SELECT value FROM settings WHERE scope = ? AND key = ?').get(scope, key) as { value: string } | undefined;
    return row?.value ?? assert.fail(`no row ${scope}/${key}`);
  } finally {
    db.close();
  }
}

test('a deleted secret setting leaves neither its text nor its sealed form in the .db, -wal or -shm bytes', async () => {
  const path = join(dirs(), 'db.sqlite');
  const store = await openStore({ path }, { kek: new Uint8Array(randomBytes(32)) });
  try {
    const secret = marker();
    const data = Buffer.from(secret).toString('base64');
    const at = deviceServiceInfo(new Uint8Array(randomBytes(16)));
    await setServiceInfo(store, 'test', at, { plans: [{ module: 'fdo.download', name: 'wifi.conf', data }] }, undefined);
    const sealedForm = rawValue(path, at.scope, at.key);
    const sealedBytes = Buffer.from(sealedForm, 'base64');
    assert.ok(databaseBytes(path).includes(sealedForm), 'the control: the sealed form is in the bytes while the setting exists');

    await setServiceInfo(store, 'test', at, undefined, undefined);
    assert.equal(await storedServiceInfo(store, at), undefined);
    const bytes = databaseBytes(path);
    for (const [what, needle] of [
      ['text', secret],
      ['base64 text', data],
      ['sealed form', sealedForm],
      ['sealed bytes', sealedBytes.subarray(0, 48)],
    ] as const) {
      assert.equal(bytes.includes(needle), false, `the ${what} of the deleted secret is still in the files`);
    }
  } finally {
    await store.close();
  }
});

/** On a bare database: insert `secret`, delete it, with or without secure_delete and a TRUNCATE checkpoint. */
function leftOver(secureDelete: boolean, checkpoint: boolean): boolean {
  const path = join(dirs(), 'control.sqlite');
  const secret = marker();
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
    db.exec('CREATE TABLE settings (scope TEXT, key TEXT, value TEXT, PRIMARY KEY (scope, key))');
    db.exec("INSERT INTO settings VALUES ('keep', 'a', 'other data')");
    db.prepare("INSERT INTO settings VALUES ('owner', 'k', ?)").run(secret);
    db.exec("DELETE FROM settings WHERE scope = 'owner'");
    if (checkpoint) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return databaseBytes(path).includes(secret);
  } finally {
    db.close();
  }
}

test('controls: without secure_delete, or without the checkpoint, the same byte check finds a deleted value', () => {
  assert.equal(leftOver(false, false), true, 'no secure_delete, no checkpoint: the value is in the WAL');
  assert.equal(leftOver(false, true), true, 'no secure_delete: the checkpoint copies the freed but unzeroed cell into the database');
  assert.equal(leftOver(true, false), true, 'secure_delete alone: older page versions stay in the WAL');
  assert.equal(leftOver(true, true), false, 'secure_delete and a TRUNCATE checkpoint: gone');
});

test('a secret setting stored plain (before settings were sealed) is sealed at the next start, audited, and reads the same', async () => {
  const dataDir = join(dirs(), 'data');
  const config = resolveConfig(['test', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent' }]);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IOTOPIA_')));
  const secret = marker();
  const data = Buffer.from(secret).toString('base64');
  const plans = [{ module: 'fdo.download', name: 'wifi.conf', data }];
  let platform = await startPlatform(config, { env: clean });
  // What an older version wrote: the plans as plain JSON.
  await platform.store.settings.put(DEFAULT_SERVICEINFO.scope, DEFAULT_SERVICEINFO.key, { plans });
  await platform.close();
  const path = join(dataDir, SQLITE_FILE);
  assert.ok(databaseBytes(path).includes(data), 'the control: the plain value is in the bytes');

  platform = await startPlatform(config, { env: clean });
  try {
    const listed = await platform.store.settings.list(DEFAULT_SERVICEINFO.scope);
    assert.equal(listed.items.find((s) => s.key === DEFAULT_SERVICEINFO.key)?.sealed, true);
    assert.deepEqual(await storedServiceInfo(platform.store, DEFAULT_SERVICEINFO), plans);
    const audit = await platform.store.audit.list({ subject: `setting:${DEFAULT_SERVICEINFO.scope}/${DEFAULT_SERVICEINFO.key}` });
    assert.deepEqual(
      audit.items.map((a) => a.action),
      ['setting.sealed'],
    );
    assert.equal(databaseBytes(path).includes(data), false, 'the plain value is gone from the files');
  } finally {
    await platform.close();
  }
});
