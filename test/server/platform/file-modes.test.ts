/**
 * The data directory is 0700 and the database, its WAL and SHM files and the master key 0600,
 * whatever existed before and whatever the umask: a data directory made 0755 with a database
 * copied in as 0644 (readable by every local user) is tightened at start, and the log says so.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import pino from 'pino';
import { resolveConfig } from '../../../src/server/platform/config.ts';
import { SQLITE_FILE, startPlatform } from '../../../src/server/platform/platform.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { runCli } from '../../helpers/cli.ts';
import { tempDirs } from '../../helpers/temp.ts';

const dirs = tempDirs('iotopia-modes-');
const mode = (p: string) => statSync(p).mode & 0o777;
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IOTOPIA_')));

// A permissive umask: created files would be 0666/0777 if only the umask decided.
const umask = process.umask(0);
after(() => process.umask(umask));

function captureLog() {
  const lines: { msg: string; path?: string; was?: string; now?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const start = (dataDir: string, logger?: pino.Logger) =>
  startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent' }]), {
    env: clean,
    ...(logger === undefined ? {} : { logger }),
  });

test('an existing 0755 data directory with a 0644 database, WAL, SHM and key is tightened at start and logged', async () => {
  const dataDir = join(dirs(), 'data');
  const db = join(dataDir, SQLITE_FILE);
  // A server ran here once: the database, master key, upload and ServiceInfo directories exist.
  await (await start(dataDir)).close();
  for (const d of ['uploads', 'serviceinfo']) mkdirSync(join(dataDir, d));
  for (const f of [`${db}-wal`, `${db}-shm`]) if (!existsSync(f)) writeFileSync(f, new Uint8Array(0));
  // Then someone loosened everything.
  for (const d of [dataDir, join(dataDir, 'uploads'), join(dataDir, 'serviceinfo')]) chmodSync(d, 0o755);
  for (const f of [db, `${db}-wal`, `${db}-shm`, join(dataDir, 'master.key')]) chmodSync(f, 0o644);
  assert.equal(mode(db), 0o644, 'the control: the database is readable by others before the start');

  const { lines, logger } = captureLog();
  const platform = await start(dataDir, logger);
  try {
    assert.equal(mode(dataDir), 0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`, join(dataDir, 'master.key')]) assert.equal(mode(f), 0o600, f);
    for (const d of ['uploads', 'serviceinfo']) assert.equal(mode(join(dataDir, d)), 0o700, d);
    const logged = lines.filter((l) => l.msg.startsWith('file mode tightened'));
    assert.deepEqual(
      logged.map((l) => [l.path, l.was, l.now]).sort(),
      [
        [dataDir, '0755', '0700'],
        [db, '0644', '0600'],
        [`${db}-shm`, '0644', '0600'],
        [`${db}-wal`, '0644', '0600'],
        [join(dataDir, 'master.key'), '0644', '0600'],
        [join(dataDir, 'serviceinfo'), '0755', '0700'],
        [join(dataDir, 'uploads'), '0755', '0700'],
      ].sort(),
    );
  } finally {
    await platform.close();
  }
});

test('a first start under umask 0 makes the directory 0700 and the database, WAL, SHM and key 0600', async () => {
  const dataDir = join(dirs(), 'fresh');
  const db = join(dataDir, SQLITE_FILE);
  const { lines, logger } = captureLog();
  const platform = await start(dataDir, logger);
  try {
    assert.equal(mode(dataDir), 0o700);
    assert.ok(existsSync(`${db}-wal`) && existsSync(`${db}-shm`), 'the store runs in WAL mode');
    for (const f of [db, `${db}-wal`, `${db}-shm`, join(dataDir, 'master.key')]) assert.equal(mode(f), 0o600, f);
    assert.deepEqual(
      lines.filter((l) => l.msg.startsWith('file mode tightened')),
      [],
    );

    // The agent's credential, written by `device init` under the same umask.
    const work = dirs();
    const made = await runCli(
      ['device', 'init', '--manufacturer', platform.url, '--credential', 'dev/credential.cbor', '--json'],
      work,
      clean,
    );
    assert.equal(made.code, 0, made.err);
    assert.equal(mode(join(work, 'dev')), 0o700);
    assert.equal(mode(join(work, 'dev', 'credential.cbor')), 0o600);
  } finally {
    await platform.close();
  }
});

test('opening the store alone (as `iotopia token` does) restricts an existing database and its companions', async () => {
  const path = join(dirs(), 'store.db');
  const kek = new Uint8Array(randomBytes(32));
  await (await openStore({ path }, { kek })).close();
  chmodSync(path, 0o644);
  writeFileSync(`${path}-journal`, new Uint8Array(0), { mode: 0o644 });
  chmodSync(`${path}-journal`, 0o644);
  const store = await openStore({ path }, { kek });
  try {
    for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) assert.equal(mode(f), 0o600, f);
  } finally {
    await store.close();
  }
});
