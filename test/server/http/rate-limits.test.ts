import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { ensureRateLimiting, limiter } from '../../../src/server/http/rate-limits.ts';

test('a limiter: 0 means none; peek does not count; hit counts and refuses past max with a Retry-After within the window', async () => {
  const app = Fastify();
  await ensureRateLimiting(app);
  app.get('/', async () => 'ok');
  await app.ready();
  assert.equal(limiter(app, { max: 0 }), undefined);
  assert.throws(() => limiter(app, { max: -1 }), TypeError);
  const l = limiter(app, { max: 2, key: () => 'one' });
  assert.ok(l !== undefined);
  const request = { ip: '192.0.2.1', routeOptions: {} } as never;
  for (let i = 0; i < 5; i++) assert.equal((await l.peek(request)).limited, false, 'peeking never uses up the limit');
  assert.equal((await l.hit(request)).limited, false);
  assert.equal((await l.peek(request)).limited, false);
  assert.equal((await l.hit(request)).limited, false);
  const peeked = await l.peek(request);
  assert.equal(peeked.limited, true, 'at the limit, the next one would be refused');
  const over = await l.hit(request);
  assert.equal(over.limited, true);
  assert.ok(over.retryAfterSeconds >= 1 && over.retryAfterSeconds <= 60);
  await app.close();
});
