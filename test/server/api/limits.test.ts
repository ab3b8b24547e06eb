/**
 * Rate limits of the management API on a platform started as `iotopia up` starts it, with low
 * limits from its settings: token guessing is cut off per address (even a right guess is refused
 * then), failed attempts are audited and logged without the token, and a token's request flood
 * gets 429s while other tokens, other addresses and the health check are served.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { bearer, roleTokens, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const GUESSER = '192.0.2.20';
const OTHER = '198.51.100.20';

function problemOf(r: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string): number {
  assert.equal(r.statusCode, status);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  const p = JSON.parse(r.body) as { status: number; code: string; title: string };
  assert.deepEqual([p.status, p.code, p.title], [status, code, 'Too Many Requests']);
  const retry = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry >= 1, `Retry-After: ${String(r.headers['retry-after'])}`);
  return retry;
}

describe('management API rate limits', () => {
  let t: TestPlatform;
  let tokens: Awaited<ReturnType<typeof roleTokens>>;
  const logged: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  before(async () => {
    t = await startTestPlatform(
      'iotopia-limits-',
      { rateLimitFailedLogins: '3', rateLimitApi: '4' },
      { logger: pino({ level: 'warn' }, sink) },
    );
    tokens = await roleTokens(t.platform);
  });
  after(() => t.close());

  const get = (url: string, remoteAddress: string, token?: string) =>
    t.platform.app.inject({ method: 'GET', url, remoteAddress, ...(token === undefined ? {} : { headers: bearer(token) }) });

  test('guessed tokens: 401 up to the limit, then 429 for that address even with a valid token; audited and logged without the token', async () => {
    const guesses = ['iotopia_guess-one-secret', 'iotopia_guess-two-secret', 'iotopia_guess-three-secret'];
    for (const g of guesses) assert.equal((await get('/api/v1/devices', GUESSER, g)).statusCode, 401);
    problemOf(await get('/api/v1/devices', GUESSER, 'iotopia_guess-four-secret'), 429, 'ERR_API_LOGIN_LIMITED');
    problemOf(await get('/api/v1/devices', GUESSER, tokens.admin), 429, 'ERR_API_LOGIN_LIMITED');
    // Another address is not locked out, and its right token works.
    assert.equal((await get('/api/v1/devices', OTHER, tokens.admin)).statusCode, 200);
    assert.equal((await get('/healthz', GUESSER)).statusCode, 200);

    const audit = await t.platform.store.audit.list({ subject: `peer:${GUESSER}`, limit: 100 });
    assert.deepEqual(
      audit.items.map((r) => [r.actor, r.action, r.details['code']]),
      guesses.map(() => ['anonymous', 'api.login.failed', 'ERR_API_TOKEN_UNKNOWN']),
      'each counted failure is audited once; refusals past the limit add no rows',
    );
    const everything = JSON.stringify(audit.items) + logged.join('');
    assert.match(logged.join(''), /management API login failed/);
    for (const g of [...guesses, 'iotopia_guess-four-secret']) assert.equal(everything.includes(g), false, 'the token is never recorded');
  });

  test('a token over its request limit gets 429 with Retry-After; another token and the health check are still served', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await get('/api/v1/devices', OTHER, tokens.owner)).statusCode, 200);
    problemOf(await get('/api/v1/devices', OTHER, tokens.owner), 429, 'ERR_API_RATE_LIMITED');
    problemOf(await get('/api/v1/devices', '203.0.113.5', tokens.owner), 429, 'ERR_API_RATE_LIMITED');
    assert.equal((await get('/api/v1/audit', OTHER, tokens.auditor)).statusCode, 200, 'counted per token');
    assert.equal((await get('/healthz', OTHER)).statusCode, 200);
  });

  test('requests without a token are counted per address', async () => {
    const peer = '203.0.113.77';
    for (let i = 0; i < 4; i++) assert.equal((await get('/api/v1/openapi.json', peer)).statusCode, 200);
    problemOf(await get('/api/v1/openapi.json', peer), 429, 'ERR_API_RATE_LIMITED');
    assert.equal((await get('/api/v1/openapi.json', '203.0.113.78')).statusCode, 200);
  });
});
