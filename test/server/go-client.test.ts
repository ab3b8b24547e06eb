/**
 * Interoperability of IoTopia's FDO HTTP server with go-fdo's device client: a small Go program
 * (go-client/main.go, built here) runs DI, then TO1 and TO2, against a listening IoTopia server.
 * Skipped, saying why, when Go is not installed or go-fdo cannot be fetched from the module proxy.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runTo0 } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import { createApp } from '../../src/server/app.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { makeServerWorld, to2AddrFor } from './world.ts';

const run = promisify(execFile);
const SRC = join(import.meta.dirname, 'go-client');
const work = mkdtempSync(join(tmpdir(), 'iotopia-go-client-'));
after(() => rmSync(work, { recursive: true, force: true }));

const cache = join(tmpdir(), 'iotopia-go-cache');
const env = {
  ...process.env,
  GOMODCACHE: process.env.GOMODCACHE ?? join(cache, 'mod'),
  GOCACHE: process.env.GOCACHE ?? join(cache, 'build'),
  GOPATH: process.env.GOPATH ?? join(cache, 'path'),
  GOFLAGS: '-mod=readonly',
};

function build(): { bin?: string; skip?: string } {
  const go = ['go', '/usr/local/go/bin/go'].find((c) => spawnSync(c, ['version']).status === 0);
  if (go === undefined)
    return { skip: 'Go is not installed (looked for go on PATH and /usr/local/go/bin/go): go-fdo client interop skipped' };
  mkdirSync(cache, { recursive: true });
  const bin = join(work, 'go-client');
  const r = spawnSync(go, ['build', '-o', bin, '.'], { cwd: SRC, env, encoding: 'utf8', timeout: 480_000 });
  if (r.status === 0 && existsSync(bin)) return { bin };
  const out = `${r.stderr ?? ''}${r.stdout ?? ''}${r.error?.message ?? ''}`;
  if (/proxy\.golang\.org|dial tcp|no such host|Forbidden|timeout|ETIMEDOUT|reading https?:/i.test(out)) {
    return {
      skip: `go-fdo could not be downloaded from the Go module proxy: go-fdo client interop skipped (${out.trim().split('\n')[0]})`,
    };
  }
  throw new Error(`go build of the interop client failed:\n${out}`);
}

const built = build();
if (built.skip !== undefined) console.log(`# ${built.skip}`);

const SUITES = [
  { key: 'ec256', kex: KexSuite.ECDH256, cipher: CipherSuite.A128GCM },
  { key: 'ec384', kex: KexSuite.ECDH384, cipher: CipherSuite.A256GCM },
];

describe('go-fdo device client against the IoTopia server over HTTP', { skip: built.skip ?? false }, () => {
  for (const suite of SUITES) {
    test(`DI, TO0 (IoTopia owner), TO1 and TO2 by go-fdo: ${suite.key} / ${suite.kex} / cipher ${suite.cipher}`, async () => {
      const world = await makeServerWorld(suite.kex);
      const sessions = new MemorySessionStore();
      const app = createApp({ fdo: { roles: world.roles(), sessions } });
      await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const address = app.server.address();
        if (address === null || typeof address === 'string') throw new Error('no TCP address');
        const url = `http://127.0.0.1:${address.port}`;
        const credFile = join(work, `cred-${suite.key}.cbor`);
        const bin = built.bin as string;
        const di = await run(bin, ['di', url, credFile, suite.key], { env, timeout: 60_000 });
        const guid = new Uint8Array(Buffer.from(di.stdout.trim(), 'hex'));
        assert.equal(guid.length, 16);
        const voucher = await world.manufacturerVouchers.getVoucher(guid);
        assert.ok(voucher !== undefined, 'DI stored the voucher');
        await world.owner.store.add(guid, voucher);
        await runTo0(url, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor(url) });
        const onboard = await run(bin, ['onboard', url, credFile, suite.kex, String(suite.cipher)], { env, timeout: 60_000 });
        const replacement = onboard.stdout.trim();
        assert.match(replacement, /^[0-9a-f]{32}$/);
        const [record] = world.owner.store.onboardedDevices.values();
        assert.equal(Buffer.from(record?.replacementGuid ?? []).toString('hex'), replacement);
        assert.equal(sessions.size, 0);
      } finally {
        await app.close();
      }
    });
  }

  test('a device the rendezvous does not know: go-fdo reports the spec error the IoTopia server sent', async () => {
    const world = await makeServerWorld(KexSuite.ECDH256);
    const app = createApp({ fdo: { roles: world.roles(), sessions: new MemorySessionStore() } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      const url = `http://127.0.0.1:${address.port}`;
      const credFile = join(work, 'cred-unknown.cbor');
      await run(built.bin as string, ['di', url, credFile, 'ec256'], { env, timeout: 60_000 });
      await assert.rejects(
        run(built.bin as string, ['onboard', url, credFile, KexSuite.ECDH256, '1'], { env, timeout: 60_000 }),
        (e: { stderr?: string }) => {
          assert.match(String(e.stderr), /TO1:.*(not found|code 6|resource)/i);
          return true;
        },
      );
    } finally {
      await app.close();
    }
  });
});
