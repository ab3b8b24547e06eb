import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { decodeErrorMessage } from '../../src/fdo/messages/error.ts';
import { createDiDevice } from '../../src/fdo/protocol/di-device.ts';
import type { ProtocolMessage } from '../../src/fdo/protocol/ports.ts';
import { createApp } from '../../src/server/app.ts';
import type { FdoMessageEvent, FdoTransportOptions } from '../../src/server/fdo/fdo-transport.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { diDevice, makeServerWorld } from './world.ts';

const CBOR = { 'content-type': 'application/cbor' };

async function post(app: FastifyInstance, type: number | string, body: Uint8Array, headers: Record<string, string> = CBOR) {
  return app.inject({ method: 'POST', url: `/fdo/101/msg/${type}`, headers, payload: Buffer.from(body) });
}

function errorOf(res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }, status = 500) {
  assert.equal(res.statusCode, status);
  assert.equal(res.headers['content-type'], 'application/cbor');
  assert.equal(res.headers['message-type'], '255');
  assert.equal(res.headers.authorization, undefined);
  return decodeErrorMessage(new Uint8Array(res.rawPayload));
}

interface Setup {
  app: FastifyInstance;
  sessions: MemorySessionStore;
  now: { t: number };
  /** DI.AppStart sent: the token and the DI.SetHMAC the device would send next. */
  startDi(): Promise<{ token: string; setHmac: ProtocolMessage }>;
}

async function setup(extra: Partial<FdoTransportOptions> = {}): Promise<Setup> {
  const world = await makeServerWorld();
  const sessions = (extra.sessions as MemorySessionStore | undefined) ?? new MemorySessionStore();
  const now = { t: Date.now() };
  const app = createApp({ fdo: { roles: world.roles(), sessions, clock: () => new Date(now.t), ...extra } });
  const config = await diDevice();
  return {
    app,
    sessions,
    now,
    async startDi() {
      const device = createDiDevice(config);
      const first = device.start();
      if (first.request === undefined) throw new Error('no request');
      const res = await post(app, MsgType.DI_AppStart, first.request.body);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/cbor');
      assert.equal(res.headers['message-type'], String(MsgType.DI_SetCredentials));
      const token = /^Bearer (\S+)$/.exec(String(res.headers.authorization))?.[1];
      assert.ok(token !== undefined && token.length >= 32);
      const next = await device.receive(first.state, { msgType: MsgType.DI_SetCredentials, body: new Uint8Array(res.rawPayload) });
      if (next.request === undefined) throw new Error('no request');
      return { token, setHmac: next.request };
    },
  };
}

test('the first message opens a session and its reply carries a fresh bearer token; the next one with it advances', async () => {
  const s = await setup();
  try {
    const a = await s.startDi();
    const b = await s.startDi();
    assert.notEqual(a.token, b.token);
    assert.equal(s.sessions.size, 2);
    const res = await post(s.app, MsgType.DI_SetHMAC, a.setHmac.body, { ...CBOR, authorization: `Bearer ${a.token}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['message-type'], String(MsgType.DI_Done));
    assert.equal(s.sessions.size, 1);
  } finally {
    await s.app.close();
  }
});

test('token rules: missing, unknown, expired and another protocol session token each get the spec error', async () => {
  const s = await setup({ limits: { sessionTtlSeconds: 60 } });
  try {
    const { token, setHmac } = await s.startDi();
    let e = errorOf(await post(s.app, MsgType.DI_SetHMAC, setHmac.body));
    assert.deepEqual([e.code, e.prevMsgType, e.message], [1, MsgType.DI_SetHMAC, 'invalid token']);
    e = errorOf(await post(s.app, MsgType.DI_SetHMAC, setHmac.body, { ...CBOR, authorization: 'Bearer not-a-session' }));
    assert.equal(e.code, 1);
    e = errorOf(await post(s.app, MsgType.DI_SetHMAC, setHmac.body, { ...CBOR, authorization: token }));
    assert.equal(e.code, 1, 'a token without the Bearer scheme is no token');
    // A DI token presented with a TO2 message: the session ends.
    e = errorOf(await post(s.app, MsgType.TO2_GetOVNextEntry, new Uint8Array([0x81, 0]), { ...CBOR, authorization: `Bearer ${token}` }));
    assert.equal(e.code, 101);
    assert.equal(s.sessions.size, 0);
    // Expiry: 61 s after the last message.
    const again = await s.startDi();
    s.now.t += 61_000;
    e = errorOf(await post(s.app, MsgType.DI_SetHMAC, again.setHmac.body, { ...CBOR, authorization: `Bearer ${again.token}` }));
    assert.equal(e.code, 1);
    assert.equal(s.sessions.size, 0);
  } finally {
    await s.app.close();
  }
});

test('a message the session does not expect next is the role error, and ends the session', async () => {
  const s = await setup();
  try {
    const { token } = await s.startDi();
    const e = errorOf(await post(s.app, MsgType.DI_SetCredentials, new Uint8Array([0x80]), { ...CBOR, authorization: `Bearer ${token}` }));
    assert.deepEqual([e.code, e.prevMsgType], [101, MsgType.DI_SetCredentials]);
    assert.equal(s.sessions.size, 0);
  } finally {
    await s.app.close();
  }
});

test('message types: unknown numbers, non-numbers and types of a role not served are refused with spec codes', async () => {
  const world = await makeServerWorld();
  const app = createApp({ fdo: { roles: world.roles(['rendezvous']), sessions: new MemorySessionStore() } });
  try {
    let e = errorOf(await post(app, 99, new Uint8Array([0x80])));
    assert.deepEqual([e.code, e.prevMsgType], [101, 99]);
    e = errorOf(await post(app, 'abc', new Uint8Array([0x80])));
    assert.deepEqual([e.code, e.prevMsgType], [101, 0]);
    e = errorOf(await post(app, 256, new Uint8Array([0x80])));
    assert.equal(e.code, 101);
    e = errorOf(await post(app, MsgType.DI_AppStart, new Uint8Array([0x80])));
    assert.deepEqual([e.code, e.prevMsgType], [6, MsgType.DI_AppStart]);
    e = errorOf(await post(app, MsgType.TO2_HelloDevice, new Uint8Array([0x80])));
    assert.equal(e.code, 6);
    // A garbage TO1.HelloRV reaches the role: its body error, no session kept.
    e = errorOf(await post(app, MsgType.TO1_HelloRV, new Uint8Array([0xff])));
    assert.equal(e.code, 100);
  } finally {
    await app.close();
  }
});

test('another protocol version, another method or a path naming no message: spec error messages, never a JSON 404', async () => {
  const world = await makeServerWorld();
  const sessions = new MemorySessionStore();
  const events: FdoMessageEvent[] = [];
  const app = createApp({ fdo: { roles: world.roles(), sessions, observe: (ev) => events.push(ev) } });
  try {
    const config = await diDevice();
    const appStart = createDiDevice(config).start().request?.body as Uint8Array;
    // A well-formed DI.AppStart, but for FDO "1.0" (100) and a made-up 102: no role sees it, no session opens.
    for (const version of ['100', '102', 'x']) {
      const res = await app.inject({
        method: 'POST',
        url: `/fdo/${version}/msg/${MsgType.DI_AppStart}`,
        headers: CBOR,
        payload: Buffer.from(appStart),
      });
      const e = errorOf(res);
      assert.deepEqual([e.code, e.prevMsgType], [100, MsgType.DI_AppStart], `version ${version}`);
    }
    assert.equal(sessions.size, 0);
    assert.deepEqual(
      events.map((ev) => [ev.msgType, ev.replyType, ev.fdoCode, ev.code]),
      [
        [MsgType.DI_AppStart, 255, 100, 'ERR_FDO_HTTP_VERSION'],
        [MsgType.DI_AppStart, 255, 100, 'ERR_FDO_HTTP_VERSION'],
        [MsgType.DI_AppStart, 255, 100, 'ERR_FDO_HTTP_VERSION'],
      ],
    );
    // The same message on 101 still works: the version route does not shadow it.
    assert.equal((await post(app, MsgType.DI_AppStart, appStart)).statusCode, 200);
    for (const [method, url] of [
      ['GET', `/fdo/101/msg/${MsgType.DI_AppStart}`],
      ['PUT', `/fdo/101/msg/${MsgType.TO2_HelloDevice}`],
      ['POST', '/fdo/101/msg/'],
      ['POST', `/fdo/101/msg/${MsgType.DI_AppStart}/extra`],
      ['POST', '/fdo/101/other'],
    ] as const) {
      const res = await app.inject({ method, url, headers: CBOR, ...(method === 'GET' ? {} : { payload: Buffer.from([0x80]) }) });
      const e = errorOf(res);
      assert.deepEqual([e.code, e.prevMsgType], [101, 0], `${method} ${url}`);
    }
    // Outside /fdo/ the server's own 404 stays.
    assert.equal((await app.inject({ method: 'GET', url: '/nothing' })).statusCode, 404);
  } finally {
    await app.close();
  }
});

test('content type: only application/cbor is read; anything else is 415 with the spec error message', async () => {
  const s = await setup();
  try {
    for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
      const e = errorOf(await post(s.app, MsgType.DI_AppStart, new Uint8Array([0x7b, 0x7d]), { 'content-type': type }), 415);
      assert.deepEqual([e.code, e.prevMsgType], [100, MsgType.DI_AppStart], type);
    }
    const e = errorOf(await post(s.app, MsgType.DI_AppStart, new Uint8Array([0x80]), {}), 415);
    assert.equal(e.code, 100);
    const ok = await post(s.app, MsgType.DI_AppStart, new Uint8Array([0x80]), { 'content-type': 'application/cbor; charset=binary' });
    assert.equal(errorOf(ok).code, 100, 'parameters are allowed: the body reached the role');
    assert.equal(s.sessions.size, 0);
  } finally {
    await s.app.close();
  }
});

test('a body over the message limit is refused with MESSAGE_BODY_ERROR before it reaches a role', async () => {
  const s = await setup({ limits: { maxMessageBytes: 256 } });
  try {
    const e = errorOf(await post(s.app, MsgType.DI_AppStart, new Uint8Array(257)));
    assert.deepEqual([e.code, e.prevMsgType], [100, MsgType.DI_AppStart]);
    const big = errorOf(await post(s.app, MsgType.DI_AppStart, new Uint8Array(5_000_000)));
    assert.equal(big.code, 100);
    assert.equal(s.sessions.size, 0);
  } finally {
    await s.app.close();
  }
});

/** A memory store whose reads wait a little, so that two racing requests both read before either writes. */
class SlowReadStore extends MemorySessionStore {
  override async get(token: string) {
    const found = await super.get(token);
    await new Promise((r) => setTimeout(r, 5));
    return found;
  }
}

test('a concurrent double submit of one session message: exactly one advances, the other gets the spec error', async () => {
  const s = await setup({ sessions: new SlowReadStore() });
  try {
    for (let round = 0; round < 5; round++) {
      const { token, setHmac } = await s.startDi();
      const headers = { ...CBOR, authorization: `Bearer ${token}` };
      const replies = await Promise.all([
        post(s.app, MsgType.DI_SetHMAC, setHmac.body, headers),
        post(s.app, MsgType.DI_SetHMAC, setHmac.body, headers),
      ]);
      const ok = replies.filter((r) => r.statusCode === 200);
      const refused = replies.filter((r) => r.statusCode !== 200);
      assert.equal(ok.length, 1);
      assert.equal(ok[0]?.headers['message-type'], String(MsgType.DI_Done));
      assert.equal(refused.length, 1);
      assert.equal(errorOf(refused[0] as (typeof replies)[number]).code, 101);
    }
  } finally {
    await s.app.close();
  }
});

test('an error message from the client ends its session; the reply is an empty 200', async () => {
  const s = await setup();
  try {
    const { token } = await s.startDi();
    const res = await post(s.app, 255, new Uint8Array([0x85, 0x18, 100, 12, 0x60, 0xf6, 0xf6]), {
      ...CBOR,
      authorization: `Bearer ${token}`,
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.rawPayload.length, 0);
    assert.equal(s.sessions.size, 0);
  } finally {
    await s.app.close();
  }
});

test('a role that fails unexpectedly mid-session: the peer gets INTERNAL_SERVER_ERROR and the session is gone', async () => {
  const sessions = new MemorySessionStore();
  const app = createApp({
    fdo: {
      roles: {
        manufacturer: {
          di: async (state: { n: number } | undefined, m: ProtocolMessage) => {
            if (state === undefined) return { state: { n: 1 }, reply: { msgType: MsgType.DI_SetCredentials, body: m.body } };
            throw new Error('a bug');
          },
        },
      },
      sessions,
    },
  });
  try {
    const first = await post(app, MsgType.DI_AppStart, new Uint8Array([0x80]));
    assert.equal(first.statusCode, 200);
    assert.equal(sessions.size, 1);
    const e = errorOf(
      await post(app, MsgType.DI_SetHMAC, new Uint8Array([0x80]), { ...CBOR, authorization: String(first.headers.authorization) }),
    );
    assert.deepEqual([e.code, e.prevMsgType, e.message], [500, MsgType.DI_SetHMAC, 'internal error']);
    assert.equal(sessions.size, 0);
  } finally {
    await app.close();
  }
});

test('a chunked body without Content-Length is refused at the limit while the client is still sending', async () => {
  // A socket, not inject: inject reads a streamed payload whole before the server sees it.
  const s = await setup({ limits: { maxMessageBytes: 1024 } });
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = s.app.server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/fdo/101/msg/${MsgType.DI_AppStart}`, headers: CBOR });
    req.on('error', () => {});
    const LIMIT = 16 * 1024 * 1024;
    let sent = 0;
    let answered = false;
    const response = new Promise<{ status: number; type: string; body: Buffer }>((resolve) => {
      req.on('response', (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['message-type']), body: Buffer.concat(parts) }),
        );
      });
    });
    while (!answered && sent < LIMIT) {
      const ok = req.write(Buffer.alloc(16 * 1024));
      sent += 16 * 1024;
      if (!ok) await Promise.race([once(req, 'drain'), response]);
    }
    const res = await response;
    req.destroy();
    assert.equal(res.status, 500);
    assert.equal(res.type, '255');
    assert.equal(decodeErrorMessage(new Uint8Array(res.body)).code, 100);
    assert.ok(sent < LIMIT, `the server answered after ${sent} bytes`);
  } finally {
    await s.app.close();
  }
});
