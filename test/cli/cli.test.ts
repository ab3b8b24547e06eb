import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runBin, runCli } from '../helpers/cli.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const run = (args: string[], input?: string | Uint8Array) => runCli(args, process.cwd(), process.env, input);

describe('iotopia command', () => {
  test('--version prints the package version', async () => {
    const r = await run(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), pkg.version);
  });

  test('--help lists the command areas', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage: iotopia/);
    assert.match(r.out, /cbor/);
  });

  test('unknown options and commands are usage errors (exit 2)', async () => {
    assert.equal((await run(['--bogus'])).code, 2);
    assert.equal((await run(['nonsense'])).code, 2);
    assert.equal((await run(['cbor', 'diag', '--indent', 'x'], 'a0')).code, 2);
  });

  test('up refuses invalid settings as usage errors naming the setting, before starting anything', async () => {
    const r = await run(['up', '--listen', 'nowhere']);
    assert.equal(r.code, 2);
    assert.match(r.err, /listen \(from command line\)/);
    const roles = await run(['up', '--roles', 'owner,baker']);
    assert.equal(roles.code, 2);
    assert.match(roles.err, /"baker"/);
  });
});

describe('iotopia cbor diag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-cli-'));

  test('binary file', async () => {
    const f = join(dir, 'item.cbor');
    writeFileSync(f, Buffer.from('a26161016162820203', 'hex'));
    const r = await run(['cbor', 'diag', f]);
    assert.equal(r.code, 0);
    assert.equal(r.out, '{"a": 1, "b": [2, 3]}\n');
  });

  test('hex on standard input, with whitespace', async () => {
    const r = await run(['cbor', 'diag', '--hex'], 'd2 84 43 a1 01 26 a0 40 40\n');
    assert.equal(r.code, 0);
    assert.equal(r.out, "18([h'a10126', {}, h'', h''])\n");
  });

  test('--json gives machine output', async () => {
    const r = await run(['cbor', 'diag', '--hex', '--json', '-'], '8101');
    assert.deepEqual(JSON.parse(r.out), { diagnostic: '[1]' });
  });

  test('malformed CBOR is a failed check (exit 1) that names the reason and offset', async () => {
    const r = await run(['cbor', 'diag', '--hex'], '8301');
    assert.equal(r.code, 1);
    assert.match(r.err, /ERR_CBOR_TRUNCATED/);
    assert.match(r.err, /at byte 0/);
  });

  test('bad hex and missing files are usage errors (exit 2)', async () => {
    const bad = await run(['cbor', 'diag', '--hex'], 'a0zz');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /not hex text/);
    const missing = await run(['cbor', 'diag', join(dir, 'absent.cbor')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /ENOENT/);
  });
});

describe('bin/iotopia.js in a child process', () => {
  test('--version and --help exit 0 and print to standard output', async () => {
    const version = await runBin(['--version']);
    assert.equal(version.code, 0, version.err);
    assert.equal(version.out.trim(), pkg.version);
    const help = await runBin(['--help']);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /Usage: iotopia/);
  });

  test('an unknown command is a usage error (exit 2) explained on standard error', async () => {
    const r = await runBin(['nonsense']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command 'nonsense'/);
    assert.equal(r.out, '');
  });

  test('--json reads standard input and prints machine output', async () => {
    const r = await runBin(['cbor', 'diag', '--hex', '--json', '-'], { stdin: '8101' });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { diagnostic: '[1]' });
  });

  test('a failed check exits 1 naming the code on standard error', async () => {
    const r = await runBin(['cbor', 'diag', '--hex'], { stdin: '8301' });
    assert.equal(r.code, 1);
    assert.match(r.err, /^iotopia: not well-formed CBOR: .*\[ERR_CBOR_TRUNCATED\]/);
  });
});
