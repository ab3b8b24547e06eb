import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { serverNodeFlags } from '../../bench/server-rss.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };

test('the iotopia command and npm start run Node with the same small young generation', () => {
  const flags = serverNodeFlags();
  assert.ok(flags.includes('--max-semi-space-size=16'), `the command's first line has ${flags.join(' ')}`);
  assert.match(readFileSync(new URL('../../bin/iotopia.js', import.meta.url), 'utf8'), /^#!\/usr\/bin\/env -S node /);
  assert.equal(pkg.scripts.start, `node ${flags.join(' ')} bin/iotopia.js up`);
});
