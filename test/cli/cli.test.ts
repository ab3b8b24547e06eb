import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function run(args: string[], input?: string | Uint8Array) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('iotopia command', () => {
  test('--version prints the package version', () => {
    const r = run(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), pkg.version);
  });

  test('--help lists the command areas', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage: iotopia/);
    assert.match(r.out, /cbor/);
  });

  test('unknown options and commands are usage errors (exit 2)', () => {
    assert.equal(run(['--bogus']).code, 2);
    assert.equal(run(['nonsense']).code, 2);
    assert.equal(run(['cbor', 'diag', '--indent', 'x'], 'a0').code, 2);
  });

  test('up refuses invalid settings as usage errors naming the setting, before starting anything', () => {
    const r = run(['up', '--listen', 'nowhere']);
    assert.equal(r.code, 2);
    assert.match(r.err, /listen \(from command line\)/);
    const roles = run(['up', '--roles', 'owner,baker']);
    assert.equal(roles.code, 2);
    assert.match(roles.err, /"baker"/);
  });
});

describe('iotopia cbor diag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-cli-'));

  test('binary file', () => {
    const f = join(dir, 'item.cbor');
    writeFileSync(f, Buffer.from('a26161016162820203', 'hex'));
    const r = run(['cbor', 'diag', f]);
    assert.equal(r.code, 0);
    assert.equal(r.out, '{"a": 1, "b": [2, 3]}\n');
  });

  test('hex on standard input, with whitespace', () => {
    const r = run(['cbor', 'diag', '--hex'], 'd2 84 43 a1 01 26 a0 40 40\n');
    assert.equal(r.code, 0);
    assert.equal(r.out, "18([h'a10126', {}, h'', h''])\n");
  });

  test('--json gives machine output', () => {
    const r = run(['cbor', 'diag', '--hex', '--json', '-'], '8101');
    assert.deepEqual(JSON.parse(r.out), { diagnostic: '[1]' });
  });

  test('malformed CBOR is a failed check (exit 1) that names the reason and offset', () => {
    const r = run(['cbor', 'diag', '--hex'], '8301');
    assert.equal(r.code, 1);
    assert.match(r.err, /ERR_CBOR_TRUNCATED/);
    assert.match(r.err, /at byte 0/);
  });

  test('bad hex and missing files are usage errors (exit 2)', () => {
    const bad = run(['cbor', 'diag', '--hex'], 'a0zz');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /not hex text/);
    const missing = run(['cbor', 'diag', join(dir, 'absent.cbor')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /ENOENT/);
  });
});
