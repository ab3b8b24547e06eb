/**
 * The master key comes from IOTOPIA_MASTER_KEY when it is set, else from <data dir>/master.key,
 * made on first use: 0600 in a 0700 directory whatever the umask, and a key file found readable
 * by others is tightened and reported.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../../src/platform/errors.ts';
import { loadMasterKey, MASTER_KEY_ENV, MASTER_KEY_FILE } from '../../src/platform/master-key.ts';
import { tempDirs } from '../helpers/temp.ts';

const dirs = tempDirs('iotopia-master-key-');
const mode = (p: string) => statSync(p).mode & 0o777;
const umask = process.umask(0);
after(() => process.umask(umask));

test('IOTOPIA_MASTER_KEY wins over the file and writes nothing; a malformed one names the variable', () => {
  const dataDir = join(dirs(), 'data');
  const hex = randomBytes(32).toString('hex');
  const k = loadMasterKey(dataDir, { [MASTER_KEY_ENV]: hex });
  assert.equal(k.key.type, 'secret');
  assert.equal(k.key.export().toString('hex'), hex);
  assert.equal(k.source, MASTER_KEY_ENV);
  assert.equal(existsSync(join(dataDir, MASTER_KEY_FILE)), false);
  assert.throws(
    () => loadMasterKey(dataDir, { [MASTER_KEY_ENV]: 'abc' }),
    (e: unknown) => e instanceof ConfigError && /IOTOPIA_MASTER_KEY/.test(e.message),
  );
});

test('without the variable the key file is made 0600 in a 0700 directory (umask 0), then read back; a loosened one is tightened', () => {
  const dataDir = join(dirs(), 'data');
  const made = loadMasterKey(dataDir, {});
  const file = join(dataDir, MASTER_KEY_FILE);
  assert.equal(made.created, true);
  assert.equal(mode(dataDir), 0o700);
  assert.equal(mode(file), 0o600);
  assert.equal(readFileSync(file, 'utf8').trim(), made.key.export().toString('hex'));

  chmodSync(file, 0o644);
  chmodSync(dataDir, 0o755);
  const again = loadMasterKey(dataDir, {});
  assert.ok(again.key.equals(made.key));
  assert.equal(again.created, false);
  assert.deepEqual(
    again.tightened.map((t) => [t.path, t.was, t.now]),
    [
      [dataDir, 0o755, 0o700],
      [file, 0o644, 0o600],
    ],
  );
  assert.equal(mode(file), 0o600);
});
