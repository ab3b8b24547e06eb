/**
 * The FDO protocols through the server's HTTP layer: DI, TO0, TO1 and TO2 over HTTPS on loopback
 * sockets (the platform's TLS listener code, a test CA the client trusts), replicas sharing one
 * session store, the refusals; and, through `inject`, which addresses a device asks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { runDi, runOnboard, runTo0 } from '../../src/fdo/client/flows.ts';
import { KexSuite } from '../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { createApp } from '../../src/server/app.ts';
import type { FdoMessageEvent, FdoTransportOptions } from '../../src/server/fdo/fdo-transport.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { httpsAppOptions, type LoopbackTls, listenLoopback, loopbackTls } from '../helpers/tls.ts';
import { alternatingFetch, diDevice, injectFetch, makeServerWorld, to2AddrFor, to2Options } from './world.ts';

const URL_ = 'http://fdo.test';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-fdo-journey-'));
let tls: LoopbackTls;
before(async () => {
  tls = await loopbackTls(dir, 'journey');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** An app serving HTTPS on a loopback port; answers its https:// base URL. */
async function https(app: FastifyInstance): Promise<string> {
  return (await listenLoopback(app, true)).url;
}
const httpsApp = (fdo: FdoTransportOptions) => createApp({ fdo, ...httpsAppOptions(tls.pair) });

test('DI, TO0, TO1 and TO2 over HTTPS, sessions removed when each protocol ends', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const sessions = new MemorySessionStore();
  const app = httpsApp({ roles: world.roles(), sessions });
  const fetch = tls.fetch;
  try {
    const url = await https(app);
    const credential = await runDi(url, await diDevice('SECP256R1'), { fetch });
    assert.equal(sessions.size, 0);
    const voucher = await world.sell(credential);
    const to0 = await runTo0(url, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor(url), waitSeconds: 3600 }, { fetch });
    assert.equal(to0.waitSeconds, 3600);
    const done = await runOnboard(credential, { rendezvousUrls: [url] }, { fetch, to2: to2Options() });
    assert.equal(done.ownerUrl, url);
    assert.ok(done.to1 !== undefined);
    assert.deepEqual(done.to2.guid, credential.guid);
    assert.equal(world.owner.store.onboardedDevices.size, 1);
    assert.equal(sessions.size, 0);
  } finally {
    await app.close();
  }
});

test('two replicas sharing one SessionStore serve alternate HTTPS requests of every protocol, TO2 included', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const sessions = new MemorySessionStore();
  const a = httpsApp({ roles: world.roles(), sessions });
  const b = httpsApp({ roles: world.roles(), sessions });
  try {
    const fetch = alternatingFetch(tls.fetch, await https(a), await https(b));
    const credential = await runDi(URL_, await diDevice('SECP256R1', 'REPLICA-1'), { fetch });
    const voucher = await world.sell(credential);
    await runTo0(URL_, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor(URL_) }, { fetch });
    const served = [...fetch.served];
    const done = await runOnboard(credential, { ownerUrls: [URL_] }, { fetch, to2: to2Options() });
    assert.deepEqual(done.to2.guid, credential.guid);
    const to2Messages = fetch.served.map((n, i) => n - (served[i] ?? 0));
    assert.ok(
      to2Messages.every((n) => n >= 3),
      `each replica served TO2 messages: ${to2Messages}`,
    );
    assert.equal(sessions.size, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test('an owner-only server refuses DI with RESOURCE_NOT_FOUND; a device without a registration gets it from TO1 (HTTPS)', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const full = httpsApp({ roles: world.roles(), sessions: new MemorySessionStore() });
  const ownerOnly = httpsApp({ roles: world.roles(['owner']), sessions: new MemorySessionStore() });
  const fetch = tls.fetch;
  try {
    const [fullUrl, ownerOnlyUrl] = [await https(full), await https(ownerOnly)];
    await assert.rejects(runDi(ownerOnlyUrl, await diDevice(), { fetch }), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6 });
    const credential = await runDi(fullUrl, await diDevice('SECP256R1', 'UNREGISTERED'), { fetch });
    await assert.rejects(runOnboard(credential, { rendezvousUrls: [fullUrl] }, { fetch, to2: to2Options() }), {
      code: 'ERR_FDO_PEER_ERROR',
      peerCode: 6,
      prevMsgType: 30,
    });
  } finally {
    await full.close();
    await ownerOnly.close();
  }
});

// Through inject: the host names the kit credential gives (rv.example.com) are not on loopback.
test('onboarding with no addresses given asks the rendezvous named in the credential; observe sees every message', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const events: FdoMessageEvent[] = [];
  const app = createApp({ fdo: { roles: world.roles(), sessions: new MemorySessionStore(), observe: (e) => events.push(e) } });
  const seen: string[] = [];
  const inner = injectFetch(app);
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push(new URL(String(input)).host);
    return inner(input, init);
  }) as typeof globalThis.fetch;
  try {
    const credential = await runDi(URL_, await diDevice('SECP256R1', 'FROM-RVINFO'), { fetch });
    const voucher = await world.sell(credential);
    await runTo0(URL_, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor('http://owner.test:8043') }, { fetch });
    seen.length = 0;
    events.length = 0;
    const done = await runOnboard(credential, {}, { fetch, to2: to2Options() });
    assert.equal(done.ownerUrl, 'http://owner.test:8043');
    assert.deepEqual([...new Set(seen)], ['rv.example.com:8041', 'owner.test:8043'], 'the kit credential names rv.example.com:8041');
    assert.deepEqual(
      events.slice(0, 2).map((e) => [e.msgType, e.replyType]),
      [
        [MsgType.TO1_HelloRV, MsgType.TO1_HelloRVAck],
        [MsgType.TO1_ProveToRV, MsgType.TO1_RVRedirect],
      ],
    );
    assert.deepEqual(events.at(-1)?.replyType, MsgType.TO2_Done2);
    assert.ok(events.every((e) => e.fdoCode === undefined && e.durationMs >= 0));
    events.length = 0;
    await assert.rejects(runOnboard({ ...credential, guid: new Uint8Array(16) }, { ownerUrls: [URL_] }, { fetch, to2: to2Options() }));
    assert.equal(events.at(-1)?.replyType, MsgType.Error);
    assert.equal(events.at(-1)?.fdoCode, 6);
    assert.match(String(events.at(-1)?.code), /^ERR_FDO_/);
  } finally {
    await app.close();
  }
});
