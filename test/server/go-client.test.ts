/**
 * Interoperability of IoTopia's FDO HTTP server with go-fdo's device client: a small Go program
 * (go-client/main.go, built here) runs DI, then TO1 and TO2, against a listening IoTopia server over
 * HTTPS (the platform's TLS listener code, a test CA that Go trusts through SSL_CERT_FILE; nothing
 * skips verification).
 * Skipped, saying why, when Go is not installed or go-fdo cannot be fetched from the module proxy.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runTo0 } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import { createApp } from '../../src/server/app.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { buildGoProgram, GO_ENV } from '../helpers/go.ts';
import { httpsAppOptions, type LoopbackTls, listenLoopback, loopbackTls } from '../helpers/tls.ts';
import { makeServerWorld, to2AddrFor } from './world.ts';

const run = promisify(execFile);
const SRC = join(import.meta.dirname, 'go-client');
const work = mkdtempSync(join(tmpdir(), 'iotopia-go-client-'));
after(() => rmSync(work, { recursive: true, force: true }));

const built = buildGoProgram({ src: SRC, bin: join(work, 'go-client'), tests: 'go-fdo client interop', program: 'the interop client' });
if (built.skip !== undefined) console.log(`# ${built.skip}`);

const SUITES = [
  { key: 'ec256', kex: KexSuite.ECDH256, cipher: CipherSuite.A128GCM },
  { key: 'ec384', kex: KexSuite.ECDH384, cipher: CipherSuite.A256GCM },
];

let tls: LoopbackTls;
/** Go's environment with the test CA as its only trusted root. */
let env: NodeJS.ProcessEnv;

describe('go-fdo device client against the IoTopia server over HTTPS', { skip: built.skip ?? false }, () => {
  before(async () => {
    tls = await loopbackTls(work, 'go-client');
    env = { ...GO_ENV, SSL_CERT_FILE: tls.caFile, SSL_CERT_DIR: work };
  });

  for (const suite of SUITES) {
    test(`DI, TO0 (IoTopia owner), TO1 and TO2 by go-fdo: ${suite.key} / ${suite.kex} / cipher ${suite.cipher}`, async () => {
      const world = await makeServerWorld(suite.kex);
      const sessions = new MemorySessionStore();
      const app = createApp({ fdo: { roles: world.roles(), sessions }, ...httpsAppOptions(tls.pair) });
      try {
        const { url } = await listenLoopback(app, true);
        const credFile = join(work, `cred-${suite.key}.cbor`);
        const bin = built.bin as string;
        const di = await run(bin, ['di', url, credFile, suite.key], { env, timeout: 60_000 });
        const guid = new Uint8Array(Buffer.from(di.stdout.trim(), 'hex'));
        assert.equal(guid.length, 16);
        const voucher = await world.manufacturerVouchers.getVoucher(guid);
        assert.ok(voucher !== undefined, 'DI stored the voucher');
        await world.owner.store.add(guid, voucher);
        await runTo0(url, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor(url) }, { tlsCa: tls.ca });
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
    const app = createApp({ fdo: { roles: world.roles(), sessions: new MemorySessionStore() }, ...httpsAppOptions(tls.pair) });
    try {
      const { url } = await listenLoopback(app, true);
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

  test('go-fdo does not run DI with a server whose certificate it cannot verify (the system roots only)', async () => {
    const world = await makeServerWorld(KexSuite.ECDH256);
    const app = createApp({ fdo: { roles: world.roles(), sessions: new MemorySessionStore() }, ...httpsAppOptions(tls.pair) });
    try {
      const { url } = await listenLoopback(app, true);
      const { SSL_CERT_FILE: _, SSL_CERT_DIR: __, ...systemRoots } = env;
      await assert.rejects(
        run(built.bin as string, ['di', url, join(work, 'cred-distrusting.cbor'), 'ec256'], { env: systemRoots, timeout: 60_000 }),
        (e: { stderr?: string }) => {
          assert.match(String(e.stderr), /x509|certificate/i);
          return true;
        },
      );
      assert.equal(world.manufacturerVouchers.size, 0, 'no DI message reached the server');
    } finally {
      await app.close();
    }
  });
});
