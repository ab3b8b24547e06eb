import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDi, runOnboard, runTo0 } from '../../src/fdo/client/flows.ts';
import { KexSuite } from '../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { createApp } from '../../src/server/app.ts';
import type { FdoMessageEvent } from '../../src/server/fdo/fdo-transport.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { diDevice, injectFetch, makeServerWorld, to2AddrFor, to2Options } from './world.ts';

const URL_ = 'http://fdo.test';

test('DI, TO0, TO1 and TO2 through the HTTP layer (inject), sessions removed when each protocol ends', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const sessions = new MemorySessionStore();
  const app = createApp({ fdo: { roles: world.roles(), sessions } });
  const fetch = injectFetch(app);
  try {
    const credential = await runDi(URL_, await diDevice('SECP256R1'), { fetch });
    assert.equal(sessions.size, 0);
    const voucher = await world.sell(credential);
    const to0 = await runTo0(URL_, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor(URL_), waitSeconds: 3600 }, { fetch });
    assert.equal(to0.waitSeconds, 3600);
    const done = await runOnboard(credential, { rendezvousUrls: [URL_] }, { fetch, to2: to2Options() });
    assert.equal(done.ownerUrl, 'http://fdo.test:80');
    assert.ok(done.to1 !== undefined);
    assert.deepEqual(done.to2.guid, credential.guid);
    assert.equal(world.owner.store.onboardedDevices.size, 1);
    assert.equal(sessions.size, 0);
  } finally {
    await app.close();
  }
});

test('two replicas sharing one SessionStore serve alternate messages of every protocol, TO2 included', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const sessions = new MemorySessionStore();
  const a = createApp({ fdo: { roles: world.roles(), sessions } });
  const b = createApp({ fdo: { roles: world.roles(), sessions } });
  const fetch = injectFetch(a, b);
  try {
    const credential = await runDi(URL_, await diDevice('SECP256R1', 'REPLICA-1'), { fetch });
    const voucher = await world.sell(credential);
    await runTo0(URL_, { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor(URL_) }, { fetch });
    const before = [...fetch.served];
    const done = await runOnboard(credential, { ownerUrls: [URL_] }, { fetch, to2: to2Options() });
    assert.deepEqual(done.to2.guid, credential.guid);
    const to2Messages = fetch.served.map((n, i) => n - (before[i] ?? 0));
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

test('an owner-only server refuses DI with RESOURCE_NOT_FOUND; a device without a registration gets it from TO1', async () => {
  const world = await makeServerWorld(KexSuite.ECDH256);
  const full = createApp({ fdo: { roles: world.roles(), sessions: new MemorySessionStore() } });
  const ownerOnly = createApp({ fdo: { roles: world.roles(['owner']), sessions: new MemorySessionStore() } });
  try {
    await assert.rejects(runDi(URL_, await diDevice(), { fetch: injectFetch(ownerOnly) }), { code: 'ERR_FDO_PEER_ERROR', peerCode: 6 });
    const credential = await runDi(URL_, await diDevice('SECP256R1', 'UNREGISTERED'), { fetch: injectFetch(full) });
    await assert.rejects(runOnboard(credential, { rendezvousUrls: [URL_] }, { fetch: injectFetch(full), to2: to2Options() }), {
      code: 'ERR_FDO_PEER_ERROR',
      peerCode: 6,
      prevMsgType: 30,
    });
  } finally {
    await full.close();
    await ownerOnly.close();
  }
});

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
