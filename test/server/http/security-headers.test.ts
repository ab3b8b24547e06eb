/**
 * The security headers are worked out once per listener and set on every answer in one call: they
 * must be exactly what @fastify/helmet sets per request with the same options, on every kind of
 * answer (FDO messages and error messages, the management API, a 404, a refused Host).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { createApp } from '../../../src/server/app.ts';
import { MemorySessionStore } from '../../../src/server/fdo/memory-session-store.ts';
import { helmetOptions, securityHeaders } from '../../../src/server/transport/security-headers.ts';
import { diDevice, makeServerWorld } from '../world.ts';

/** What an answer carries that is not a security header. */
const OWN = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'message-type',
  'authorization',
  'cache-control',
]);

function securityPart(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([k]) => !OWN.has(k.toLowerCase()))
      .map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
}

/** The headers @fastify/helmet sets per request with IoTopia's options. */
async function pluginHeaders(tls: boolean): Promise<Record<string, string>> {
  const app = Fastify({ logger: false });
  // The plugin declares helmet's option types again: the same shape, so the cast is sound.
  await app.register(fastifyHelmet, { global: true, ...(helmetOptions(tls) as unknown as FastifyHelmetOptions) });
  app.get('/probe', async () => 'ok');
  const r = await app.inject({ method: 'GET', url: '/probe' });
  await app.close();
  return securityPart(r.headers);
}

test('the precomputed set is what @fastify/helmet sets per request, with and without TLS', async () => {
  for (const tls of [false, true]) {
    const expected = await pluginHeaders(tls);
    assert.deepEqual({ ...securityHeaders(helmetOptions(tls)) }, expected, `tls ${tls}`);
    assert.equal(expected['strict-transport-security'] === undefined, !tls);
  }
  assert.deepEqual(securityHeaders(helmetOptions(false)), {
    'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  });
});

test('every kind of answer carries the whole set: FDO replies, FDO error messages, API answers, 404s and Host refusals', async () => {
  const world = await makeServerWorld();
  const expected = await pluginHeaders(true);
  const app = createApp({
    fdo: { roles: world.roles(), sessions: new MemorySessionStore() },
    security: { listener: 'main', tls: true, allowedHosts: ['iot.example.com'] },
  });
  app.get('/api/v1/probe', async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send({ ok: true }));
  const host = { host: 'iot.example.com' };
  try {
    const cbor = { ...host, 'content-type': 'application/cbor' };
    const first = createDiDevice(await diDevice()).start().request;
    assert.ok(first !== undefined);
    const answers = {
      fdoReply: await app.inject({ method: 'POST', url: `/fdo/101/msg/${first.msgType}`, headers: cbor, payload: Buffer.from(first.body) }),
      fdoError: await app.inject({ method: 'POST', url: `/fdo/101/msg/${MsgType.DI_AppStart}`, headers: cbor, payload: Buffer.of(0x80) }),
      fdoUnsupportedType: await app.inject({
        method: 'POST',
        url: '/fdo/101/msg/10',
        headers: { ...host, 'content-type': 'text/plain' },
        payload: 'x',
      }),
      fdoPath: await app.inject({ method: 'GET', url: '/fdo/101/msg/10', headers: host }),
      api: await app.inject({ method: 'GET', url: '/api/v1/probe', headers: host }),
      notFound: await app.inject({ method: 'GET', url: '/nothing', headers: host }),
      wrongHost: await app.inject({ method: 'GET', url: '/api/v1/probe', headers: { host: 'attacker.example' } }),
    };
    assert.equal(answers.fdoReply.statusCode, 200);
    assert.equal(answers.fdoReply.headers['message-type'], String(MsgType.DI_SetCredentials));
    assert.equal(answers.fdoError.headers['message-type'], '255');
    assert.equal(answers.fdoUnsupportedType.statusCode, 415);
    assert.equal(answers.notFound.statusCode, 404);
    assert.equal(answers.wrongHost.statusCode, 421);
    for (const [name, r] of Object.entries(answers)) assert.deepEqual(securityPart(r.headers), expected, name);
    // A handler's own Cache-Control does not survive on the management API: no-store is set last.
    assert.equal(answers.api.headers['cache-control'], 'no-store');
    assert.equal(answers.wrongHost.headers['cache-control'], 'no-store');
    assert.equal(answers.fdoError.headers['cache-control'], undefined);
  } finally {
    await app.close();
  }
});
