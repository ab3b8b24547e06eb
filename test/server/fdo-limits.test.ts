/**
 * Floods against the FDO transport: start messages over the per-peer and global rate limits get an
 * error message with HTTP 429 and Retry-After, other peers and open sessions are still served, a
 * rotated X-Forwarded-For does not escape the limit, and the cap on open sessions refuses starts
 * until sessions expire. Peers are told apart by inject's `remoteAddress` (documentation ranges).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { decodeErrorMessage } from '../../src/fdo/messages/error.ts';
import { createDiDevice } from '../../src/fdo/protocol/di-device.ts';
import { createApp } from '../../src/server/app.ts';
import type { CountedSessionStore, FdoTransportLimits } from '../../src/server/fdo/fdo-transport.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { KEK } from '../store/contract/shared.ts';
import { diDevice, makeServerWorld } from './world.ts';

const CBOR = { 'content-type': 'application/cbor' };
const FLOODER = '192.0.2.10';
const NEIGHBOUR = '198.51.100.7';

interface Setup {
  app: FastifyInstance;
  now: { t: number };
  /** A fresh device's DI.AppStart from `peer` (and headers), with what the device sends next. */
  startDi(peer?: string, headers?: Record<string, string>): Promise<Started>;
}

interface Started {
  res: Awaited<ReturnType<FastifyInstance['inject']>>;
  /** The session's token and the DI.SetHMAC to continue it, when the start was answered. */
  next?: { token: string; body: Uint8Array };
}

async function setup(limits: FdoTransportLimits, sessions: CountedSessionStore = new MemorySessionStore(), trustProxy?: string[]) {
  const world = await makeServerWorld();
  const now = { t: Date.now() };
  const app = createApp({
    fdo: { roles: world.roles(), sessions, clock: () => new Date(now.t), limits },
    ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const config = await diDevice();
  const s: Setup = {
    app,
    now,
    async startDi(peer = '127.0.0.1', headers = {}) {
      const device = createDiDevice(config);
      const first = device.start();
      if (first.request === undefined) throw new Error('no request');
      const res = await app.inject({
        method: 'POST',
        url: `/fdo/101/msg/${MsgType.DI_AppStart}`,
        headers: { ...CBOR, ...headers },
        payload: Buffer.from(first.request.body),
        remoteAddress: peer,
      });
      if (res.statusCode !== 200) return { res };
      const token = /^Bearer (\S+)$/.exec(String(res.headers.authorization))?.[1] ?? '';
      const step = await device.receive(first.state, { msgType: MsgType.DI_SetCredentials, body: new Uint8Array(res.rawPayload) });
      return { res, next: { token, body: step.request?.body ?? new Uint8Array(0) } };
    },
  };
  return s;
}

/** The answer is an FDO error message refusing a start, with the status and a Retry-After. */
function assertRefused(res: Started['res'], status: number): number {
  assert.equal(res.statusCode, status);
  assert.equal(res.headers['content-type'], 'application/cbor');
  assert.equal(res.headers['message-type'], '255');
  assert.equal(res.headers.authorization, undefined, 'no session token for a refused start');
  const retry = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry >= 1, `Retry-After is whole seconds: ${String(res.headers['retry-after'])}`);
  const e = decodeErrorMessage(new Uint8Array(res.rawPayload));
  assert.equal(e.code, ErrorCode.INTERNAL_SERVER_ERROR);
  assert.equal(e.prevMsgType, MsgType.DI_AppStart);
  return retry;
}

test('a DI flood from one peer gets 429s with Retry-After and error messages; another peer, its open session and the health check are still served', async () => {
  const s = await setup({ starts: { perPeer: 3 } });
  try {
    const served: Started[] = [];
    for (let i = 0; i < 3; i++) served.push(await s.startDi(FLOODER));
    for (const x of served) assert.equal(x.res.statusCode, 200);
    for (let i = 0; i < 5; i++) assertRefused((await s.startDi(FLOODER)).res, 429);

    assert.equal((await s.startDi(NEIGHBOUR)).res.statusCode, 200, 'another peer has its own count');
    // Each protocol is counted apart: the flooder's DI count does not refuse its TO1.HelloRV.
    const to1 = await s.app.inject({
      method: 'POST',
      url: `/fdo/101/msg/${MsgType.TO1_HelloRV}`,
      headers: CBOR,
      payload: Buffer.from([0x82, 0x50, ...new Uint8Array(16), 0x80]),
      remoteAddress: FLOODER,
    });
    assert.notEqual(to1.statusCode, 429);
    assert.equal(to1.headers['retry-after'], undefined);
    assert.equal((await s.app.inject({ method: 'GET', url: '/healthz', remoteAddress: FLOODER })).statusCode, 200);
    // A session the flooder opened before the limit goes on: later messages are not start messages.
    const open = served[0]?.next;
    assert.ok(open !== undefined);
    const cont = await s.app.inject({
      method: 'POST',
      url: `/fdo/101/msg/${MsgType.DI_SetHMAC}`,
      headers: { ...CBOR, authorization: `Bearer ${open.token}` },
      payload: Buffer.from(open.body),
      remoteAddress: FLOODER,
    });
    assert.equal(cont.statusCode, 200);
    assert.equal(cont.headers['message-type'], String(MsgType.DI_Done));
  } finally {
    await s.app.close();
  }
});

test('loopback peers are not counted per peer, but the global limit counts everyone', async () => {
  const s = await setup({ starts: { perPeer: 1, global: 4 } });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await s.startDi('127.0.0.1')).res.statusCode, 200);
    assert.equal((await s.startDi(NEIGHBOUR)).res.statusCode, 200);
    assertRefused((await s.startDi('192.0.2.99')).res, 429);
    assertRefused((await s.startDi('127.0.0.1')).res, 429);
  } finally {
    await s.app.close();
  }
});

test('a flooder rotating X-Forwarded-For stays one peer unless the proxy is trusted', async () => {
  const untrusted = await setup({ starts: { perPeer: 2 } });
  try {
    const forwarded = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}` });
    assert.equal((await untrusted.startDi(FLOODER, forwarded(1))).res.statusCode, 200);
    assert.equal((await untrusted.startDi(FLOODER, forwarded(2))).res.statusCode, 200);
    assertRefused((await untrusted.startDi(FLOODER, forwarded(3))).res, 429);
  } finally {
    await untrusted.app.close();
  }
  // Behind a trusted proxy the forwarded address is the peer: two clients, counted apart.
  const proxied = await setup({ starts: { perPeer: 1 } }, new MemorySessionStore(), [FLOODER]);
  try {
    assert.equal((await proxied.startDi(FLOODER, { 'x-forwarded-for': '203.0.113.1' })).res.statusCode, 200);
    assert.equal((await proxied.startDi(FLOODER, { 'x-forwarded-for': '203.0.113.2' })).res.statusCode, 200);
    assertRefused((await proxied.startDi(FLOODER, { 'x-forwarded-for': '203.0.113.1' })).res, 429);
  } finally {
    await proxied.app.close();
  }
});

const stores: [string, () => Promise<{ sessions: CountedSessionStore; close(): Promise<void> }>][] = [
  ['memory', async () => ({ sessions: new MemorySessionStore(), close: async () => {} })],
  [
    'SQLite',
    async () => {
      const store = await openStore(':memory:', { kek: KEK });
      return { sessions: store.sessions, close: () => store.close() };
    },
  ],
];

for (const [name, open] of stores) {
  test(`session cap (${name} store): with 3 DI sessions open the 4th start is refused with 503; once they expire starts are accepted again`, async () => {
    const store = await open();
    const s = await setup({ maxOpenSessions: 3, sessionTtlSeconds: 60, starts: { perPeer: 0, global: 0 } }, store.sessions);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await s.startDi(`192.0.2.${i + 1}`)).res.statusCode, 200);
      const retry = assertRefused((await s.startDi('192.0.2.50')).res, 503);
      assert.equal(retry, 60);
      assertRefused((await s.startDi('127.0.0.1')).res, 503);
      // The three were never finished; 61 s later they have expired (not yet swept) and do not count.
      s.now.t += 61_000;
      assert.equal((await s.startDi('192.0.2.50')).res.statusCode, 200);
      assert.equal(await store.sessions.countOpen('di', new Date(s.now.t)), 1);
    } finally {
      await s.app.close();
      await store.close();
    }
  });
}

test('the session cap counts each protocol apart: DI at its cap does not refuse TO1 starts for it', async () => {
  const s = await setup({ maxOpenSessions: 1, starts: { perPeer: 0, global: 0 } });
  try {
    assert.equal((await s.startDi()).res.statusCode, 200);
    assertRefused((await s.startDi()).res, 503);
    // A TO1.HelloRV for a device nobody registered: the rendezvous' own answer, not the cap's.
    const to1 = await s.app.inject({
      method: 'POST',
      url: `/fdo/101/msg/${MsgType.TO1_HelloRV}`,
      headers: CBOR,
      payload: Buffer.from([0x82, 0x50, ...new Uint8Array(16), 0x80]),
    });
    assert.notEqual(to1.statusCode, 503);
    assert.equal(to1.headers['retry-after'], undefined);
  } finally {
    await s.app.close();
  }
});
