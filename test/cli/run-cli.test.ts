import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../../src/cli/run-cli.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'iotopia-run-cli-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

describe('runCli: the iotopia command in this process', () => {
  test('runs side by side, each with its own working directory and environment', async () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'item.cbor'), Buffer.from('8101', 'hex'));
    writeFileSync(join(b, 'item.cbor'), Buffer.from('a0', 'hex'));
    const [ra, rb, ea, eb] = await Promise.all([
      runCli(['cbor', 'diag', 'item.cbor'], { env: {}, cwd: a }),
      runCli(['cbor', 'diag', 'item.cbor'], { env: {}, cwd: b }),
      runCli(['voucher', 'list'], { env: { IOTOPIA_SERVER: 'ftp://a.example' } }),
      runCli(['voucher', 'list'], { env: { IOTOPIA_SERVER: 'ftp://b.example' } }),
    ]);
    assert.deepEqual([ra.code, ra.stdout], [0, '[1]\n']);
    assert.deepEqual([rb.code, rb.stdout], [0, '{}\n']);
    assert.equal(ea.code, 2);
    assert.match(ea.stderr, /"ftp:\/\/a\.example" is not an http\(s\) URL/);
    assert.match(eb.stderr, /"ftp:\/\/b\.example" is not an http\(s\) URL/);
  });

  test('standard input comes from the options; --json output is one JSON document', async () => {
    const r = await runCli(['cbor', 'diag', '--hex', '--json'], { env: {}, stdin: '82 01 02' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { diagnostic: '[1, 2]' });
    assert.equal(r.stderr, '');
    const none = await runCli(['cbor', 'diag'], { env: {} });
    assert.equal(none.code, 1, 'empty standard input is not CBOR');
  });

  test('help and usage errors go to the buffers with the exit codes of the binary', async () => {
    const help = await runCli(['voucher', '--help'], { env: {} });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: iotopia voucher/);
    const usage = await runCli(['voucher', 'nonsense'], { env: {} });
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
    assert.match(usage.stderr, /unknown command 'nonsense'/);
    const failed = await runCli(['cbor', 'diag', '--hex'], { env: {}, stdin: 'ff' });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^iotopia: not well-formed CBOR/);
  });

  test('binary output is kept byte for byte', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'image.bin'), new Uint8Array(100).fill(0x5a));
    const component = { 'install-id': ['00'], file: 'image.bin', uri: 'https://updates.example/image.bin' };
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ 'manifest-version': 1, 'manifest-sequence-number': 1, components: [component] }));
    const r = await runCli(['suit', 'create', 'd.json'], { env: {}, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdoutBytes[0], 0xd8, 'a tagged SUIT envelope');
    assert.ok(r.stdoutBytes.length > 10);
  });

  test('up serves until the signal asks it to stop, logging into the output buffer', async () => {
    const dir = tempDir();
    const port = await freePort();
    const stop = new AbortController();
    const running = runCli(['up', '--listen', `127.0.0.1:${port}`, '--data-dir', 'data', '--roles', 'owner'], {
      env: {},
      cwd: dir,
      signal: stop.signal,
    });
    let health: Response | undefined;
    for (let i = 0; i < 300 && health === undefined; i++) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (health === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(health?.status, 200);
    stop.abort();
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`IoTopia is up at http://127\\.0\\.0\\.1:${port}`));
    assert.match(r.stdout, new RegExp(`database: +${join(dir, 'data', 'iotopia.db').replace(/[.]/g, '\\.')}`));
    assert.match(r.stdout, /SIGTERM: stopping/);
    assert.match(r.stdout, /^\{"level":30,.*"msg":/m, "the server's log lines");
  });
});
