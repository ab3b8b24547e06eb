/**
 * The device agent's flows against a server on loopback over HTTPS (the platform's TLS listener code,
 * a test CA the device trusts through `tlsCa`): DI, TO0 by the owner, TO1 and TO2, and the refusals.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { runDi, runOnboard, runTo0 } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import { TransportProtocol } from '../../src/fdo/constants/rendezvous.ts';
import { createApp } from '../../src/server/app.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { httpsAppOptions, type LoopbackTls, listenLoopback, loopbackTls } from '../helpers/tls.ts';
import { diDevice, makeServerWorld, type ServerWorld, to2Options } from '../server/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-agent-https-'));
let tls: LoopbackTls;
/** What every flow here is given: trust in the test CA (instead of the system's roots). */
let trust: { tlsCa: string };

interface Running {
  app: FastifyInstance;
  url: string;
  port: number;
  world: ServerWorld;
  sessions: MemorySessionStore;
}

async function listen(kexSuite: string): Promise<Running> {
  const world = await makeServerWorld(kexSuite);
  const sessions = new MemorySessionStore();
  const app = createApp({ fdo: { roles: world.roles(), sessions }, ...httpsAppOptions(tls.pair) });
  const { url, port } = await listenLoopback(app, true);
  return { app, url, port, world, sessions };
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createApp();
  await probe.listen({ host: '127.0.0.1', port: 0 });
  const address = probe.server.address();
  await probe.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

const SUITES = [
  { kex: KexSuite.ECDH256, cipher: CipherSuite.A128GCM, device: 'SECP256R1' as const, name: 'ECDH256 / A128GCM / SECP256R1' },
  { kex: KexSuite.ECDH384, cipher: CipherSuite.A256GCM, device: 'SECP384R1' as const, name: 'ECDH384 / A256GCM / SECP384R1' },
];

const servers: Running[] = [];
before(async () => {
  tls = await loopbackTls(dir, 'agent');
  trust = { tlsCa: tls.ca };
});
after(async () => {
  for (const s of servers) await s.app.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const suite of SUITES) {
  test(`over loopback HTTPS: DI, TO0 by the owner, then TO1 and TO2 (${suite.name})`, async () => {
    const s = await listen(suite.kex);
    servers.push(s);
    const credential = await runDi(s.url, await diDevice(suite.device, `LOOP-${suite.device}`), { ...trust, timeoutMs: 10_000 });
    const voucher = await s.world.sell(credential);
    const dead = await closedPort();
    // The owner lists an address that does not answer first: the device moves on to the next one.
    const rvTo2Addr = [
      { ip: '127.0.0.1', port: dead, protocol: TransportProtocol.ProtHTTPS },
      { ip: '127.0.0.1', port: s.port, protocol: TransportProtocol.ProtHTTPS },
    ];
    const to0 = await runTo0(s.url, { keyRing: s.world.owner.ring }, { voucher, rvTo2Addr, waitSeconds: 600 }, trust);
    assert.equal(to0.waitSeconds, 600);
    const done = await runOnboard(
      credential,
      { rendezvousUrls: [s.url] },
      {
        ...trust,
        to2: to2Options(suite.kex, suite.cipher),
        timeoutMs: 10_000,
      },
    );
    assert.equal(done.ownerUrl, s.url);
    assert.deepEqual(done.to1?.rvTo2Addr, rvTo2Addr);
    assert.deepEqual(done.to2.guid, credential.guid);
    assert.equal(done.to2.credential.active, true);
    assert.equal(s.world.owner.store.onboardedDevices.size, 1);
    assert.equal(s.sessions.size, 0);
  });
}

test('an unknown device: the rendezvous answers TO1.HelloRV with RESOURCE_NOT_FOUND, and so does the owner at TO2.HelloDevice', async () => {
  const s = await listen(KexSuite.ECDH256);
  servers.push(s);
  const credential = await runDi(s.url, await diDevice('SECP256R1', 'NEVER-SOLD'), trust);
  await assert.rejects(runOnboard(credential, { rendezvousUrls: [s.url] }, { ...trust, to2: to2Options() }), {
    name: 'FdoPeerError',
    code: 'ERR_FDO_PEER_ERROR',
    peerCode: 6,
    prevMsgType: 30,
  });
  await assert.rejects(runOnboard(credential, { ownerUrls: [s.url] }, { ...trust, to2: to2Options() }), {
    name: 'FdoPeerError',
    peerCode: 6,
    prevMsgType: 60,
  });
  assert.equal(s.sessions.size, 0);
});

test('no reachable server: ERR_AGENT_NO_SERVER with the connection failure as its cause', async () => {
  const s = await listen(KexSuite.ECDH256);
  servers.push(s);
  const credential = await runDi(s.url, await diDevice('SECP256R1', 'LONELY'), trust);
  const dead = await closedPort();
  await assert.rejects(
    runOnboard(credential, { rendezvousUrls: [`https://127.0.0.1:${dead}`] }, { ...trust, to2: to2Options(), timeoutMs: 5000 }),
    (e: { code?: string; cause?: { code?: string } }) => {
      assert.equal(e.code, 'ERR_AGENT_NO_SERVER');
      assert.equal(e.cause?.code, 'ERR_AGENT_HTTP_UNREACHABLE');
      return true;
    },
  );
});

test('a device that does not trust the server certificate (the system roots only) does not talk to it', async () => {
  const s = await listen(KexSuite.ECDH256);
  servers.push(s);
  await assert.rejects(runDi(s.url, await diDevice('SECP256R1', 'DISTRUSTING'), { timeoutMs: 5000 }), {
    code: 'ERR_AGENT_HTTP_UNREACHABLE',
    message: /self-signed|unable to (verify|get)|certificate/i,
  });
  assert.equal(s.world.manufacturerVouchers.size, 0, 'no DI message reached the server');
});

before(() => {
  // Loopback only: the flows must never need anything beyond 127.0.0.1 here.
  assert.equal(typeof globalThis.fetch, 'function');
});
