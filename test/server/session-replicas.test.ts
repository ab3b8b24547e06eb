import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { decodeErrorMessage } from '../../src/fdo/messages/error.ts';
import type { ProtocolMessage } from '../../src/fdo/protocol/ports.ts';
import { createApp } from '../../src/server/app.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const CBOR = { 'content-type': 'application/cbor' };
const KEK = new Uint8Array(32).fill(3);

const post = (app: FastifyInstance, type: number, body: Uint8Array, headers: Record<string, string> = CBOR) =>
  app.inject({ method: 'POST', url: `/fdo/101/msg/${type}`, headers, payload: Buffer.from(body) });

/** A replica: a transport on `store` whose DI role writes an audit record in a transaction at its second message. */
function replica(store: Store, roleMs = 0): FastifyInstance {
  // Reads wait a little, so that both copies of a message read the session before either writes.
  const get = store.sessions.get.bind(store.sessions);
  store.sessions.get = async (token) => {
    const found = await get(token);
    await new Promise((r) => setTimeout(r, 10));
    return found;
  };
  return createApp({
    fdo: {
      roles: {
        manufacturer: {
          di: async (state: { n: number } | undefined, m: ProtocolMessage) => {
            if (state === undefined) return { state: { n: 1 }, reply: { msgType: MsgType.DI_SetCredentials, body: m.body } };
            await new Promise((r) => setTimeout(r, roleMs));
            await store.transaction((r) => r.audit.append({ actor: 'test', action: 'side.effect', subject: 'di', details: {} }));
            return { state: null, reply: { msgType: MsgType.DI_Done, body: new Uint8Array([0x80]) } };
          },
        },
      },
      sessions: store.sessions,
    },
  });
}

test('two replicas on one database get one message twice: one advances the session, and the role writes commit once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-replicas-'));
  const a = await openStore(`sqlite:${join(dir, 'db.sqlite')}`, { kek: KEK });
  const b = await openStore(`sqlite:${join(dir, 'db.sqlite')}`, { kek: KEK });
  const apps = [replica(a), replica(b)] as const;
  try {
    for (let round = 0; round < 3; round++) {
      const start = await post(apps[0], MsgType.DI_AppStart, new Uint8Array([0x80]));
      assert.equal(start.statusCode, 200);
      const headers = { ...CBOR, authorization: String(start.headers.authorization) };
      const replies = await Promise.all(apps.map((app) => post(app, MsgType.DI_SetHMAC, new Uint8Array([0x80]), headers)));
      const done = replies.filter((r) => r.headers['message-type'] === String(MsgType.DI_Done));
      assert.equal(done.length, 1, 'exactly one copy ends the protocol');
      assert.equal(replies.filter((r) => r.headers['message-type'] === '255').length, 1, 'the other gets an error message');
      const effects = (await a.audit.list({ limit: 100 })).items.filter((e) => e.action === 'side.effect');
      assert.equal(effects.length, round + 1, 'the role writes of the losing copy rolled back');
    }
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in one process the second copy of a message is refused before its role runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-in-flight-'));
  const store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`, { kek: KEK });
  // The role takes a while, so the second copy arrives while the first one is in flight.
  const app = replica(store, 30);
  try {
    const start = await post(app, MsgType.DI_AppStart, new Uint8Array([0x80]));
    const headers = { ...CBOR, authorization: String(start.headers.authorization) };
    const replies = await Promise.all([0, 1].map(() => post(app, MsgType.DI_SetHMAC, new Uint8Array([0x80]), headers)));
    assert.deepEqual(replies.map((r) => r.headers['message-type']).sort(), [String(MsgType.DI_Done), '255']);
    const effects = (await store.audit.list({ limit: 100 })).items.filter((e) => e.action === 'side.effect');
    assert.equal(effects.length, 1);
    // Refused as a conflict (INVALID_MESSAGE_ERROR), not as a failed store write (INTERNAL_SERVER_ERROR).
    const refused = replies.find((r) => r.headers['message-type'] === '255');
    assert.equal(decodeErrorMessage(new Uint8Array(refused?.rawPayload ?? [])).code, 101);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
