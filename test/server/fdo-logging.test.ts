import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { runDi, runOnboard, runTo0 } from '../../src/fdo/client/flows.ts';
import { MsgType } from '../../src/fdo/constants/message-types.ts';
import { decodeErrorMessage } from '../../src/fdo/messages/error.ts';
import { createApp } from '../../src/server/app.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { diDevice, injectFetch, makeServerWorld, to2AddrFor, to2Options } from './world.ts';

function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

test('peers see the spec code and its generic text; the reason and internals go only to the log', async () => {
  const { lines, logger } = captureLog();
  const world = await makeServerWorld();
  const roles = world.roles(['owner']);
  roles.rendezvous = {
    to0: async () => {
      throw new Error('database password is hunter2');
    },
    to1: async () => {
      throw new Error('unused');
    },
  };
  const app = createApp({ fdo: { roles, sessions: new MemorySessionStore() }, logger });
  try {
    const stale = await app.inject({
      method: 'POST',
      url: `/fdo/101/msg/${MsgType.TO2_GetOVNextEntry}`,
      headers: { 'content-type': 'application/cbor', authorization: 'Bearer gone' },
      payload: Buffer.from([0x81, 0x00]),
    });
    assert.deepEqual(decodeErrorMessage(new Uint8Array(stale.rawPayload)).message, 'invalid token');
    const refused = lines.find((l) => l.code === 'ERR_FDO_HTTP_TOKEN_UNKNOWN');
    assert.equal(refused?.fdoCode, 1);
    assert.equal(refused?.msgType, MsgType.TO2_GetOVNextEntry);
    assert.match(String(refused?.reason), /no session/);

    const boom = await app.inject({
      method: 'POST',
      url: `/fdo/101/msg/${MsgType.TO0_Hello}`,
      headers: { 'content-type': 'application/cbor' },
      payload: Buffer.from([0x80]),
    });
    assert.equal(boom.statusCode, 500);
    const e = decodeErrorMessage(new Uint8Array(boom.rawPayload));
    assert.deepEqual([e.code, e.message], [500, 'internal error']);
    assert.ok(!boom.rawPayload.toString('latin1').includes('hunter2'));
    const failed = lines.find((l) => l.msg === 'FDO message failed');
    assert.match(String(failed?.reason), /hunter2/);
    assert.equal(failed?.level, 50);
  } finally {
    await app.close();
  }
});

test('a device that rejects what the owner sends tells the server, which drops the session at once', async () => {
  const { lines, logger } = captureLog();
  const world = await makeServerWorld();
  const sessions = new MemorySessionStore();
  const app = createApp({ fdo: { roles: world.roles(), sessions }, logger });
  const fetch = injectFetch(app);
  try {
    const credential = await runDi('http://fdo.test', await diDevice('SECP256R1', 'WRONG-SECRET'), { fetch });
    const voucher = await world.sell(credential);
    await runTo0('http://fdo.test', { keyRing: world.owner.ring }, { voucher, rvTo2Addr: to2AddrFor('http://fdo.test') }, { fetch });
    const tampered = { ...credential, hmacSecret: new Uint8Array(credential.hmacSecret.length).fill(7) };
    await assert.rejects(runOnboard(tampered, { ownerUrls: ['http://fdo.test'] }, { fetch, to2: to2Options() }), (e: { code?: string }) => {
      assert.notEqual(e.code, 'ERR_FDO_PEER_ERROR');
      return true;
    });
    assert.equal(sessions.size, 0);
    const report = lines.find((l) => l.msg === 'FDO client sent an error message');
    assert.equal(report?.prevMsgType, MsgType.TO2_ProveOVHdr);
    assert.equal(typeof report?.peerCode, 'number');
    assert.equal(world.owner.store.onboardedDevices.size, 0);
  } finally {
    await app.close();
  }
});
