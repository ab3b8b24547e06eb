import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig, settingsFromEnv } from '../../../src/server/platform/config.ts';
import { readExtraAnchors } from '../../../src/server/platform/releases-config.ts';
import { tempDir } from '../../helpers/temp.ts';

test('release settings: database storage by default, a payload directory, the payload limit, extra anchors', () => {
  assert.deepEqual(resolveConfig(['test', {}]).releases, { storage: { kind: 'database' }, extraAnchorFiles: [] });
  const env = settingsFromEnv({
    IOTOPIA_PAYLOAD_DIR: '/srv/payloads',
    IOTOPIA_MAX_PAYLOAD_BYTES: '1048576',
    IOTOPIA_UPDATE_ANCHORS: '/a.cose, /b.cose',
  });
  assert.deepEqual(resolveConfig(['env', env]).releases, {
    storage: { kind: 'directory', dir: '/srv/payloads' },
    maxPayloadBytes: 1048576,
    extraAnchorFiles: ['/a.cose', '/b.cose'],
  });
  // An empty directory setting from a later source goes back to the database.
  assert.deepEqual(resolveConfig(['env', env], ['flags', { payloadDir: '' }]).releases?.storage, { kind: 'database' });
  for (const bad of ['0', '-1', '1.5', 'lots', String(4 * 1024 ** 3 + 1)])
    assert.throws(
      () => resolveConfig(['test', { maxPayloadBytes: bad }]),
      (e: unknown) => e instanceof ConfigError && /max-payload-bytes/.test(e.message),
      bad,
    );
});

test('an extra anchor file that is not a COSE_Key fails the start, naming the file', () => {
  const dir = tempDir('iotopia-anchors-');
  const file = join(dir, 'not-a-key.cose');
  writeFileSync(file, 'hello');
  assert.throws(
    () => readExtraAnchors([file]),
    (e: unknown) => e instanceof ConfigError && e.message.includes(file),
  );
  assert.throws(() => readExtraAnchors([join(dir, 'missing.cose')]), ConfigError);
  assert.deepEqual(readExtraAnchors([]), []);
});
