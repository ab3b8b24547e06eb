import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceApiError, pollLoop, pollOnce, readPollAnswer, rotateCredential } from '../../src/agent/device-api-client.ts';
import type { ManagementProvision } from '../../src/fdo/serviceinfo/ports.ts';

const PROVISION: ManagementProvision = {
  endpoint: 'https://owner.example.com/device/v1/',
  credential: { type: 'bearer', token: 'T'.repeat(43) },
  trustAnchors: [],
};

/** A fetch that answers from a list and records what it was asked. */
function scripted(answers: (() => Response)[]) {
  const seen: { url: string; auth: string | null }[] = [];
  const f = (async (url: string, init?: RequestInit) => {
    seen.push({ url, auth: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (next === undefined) throw new Error('no more answers');
    return next();
  }) as unknown as typeof fetch;
  return { f, seen };
}
const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

test('a poll sends the bearer credential to <endpoint>/poll and reads the answer', async () => {
  const { f, seen } = scripted([json(200, { action: null, pollSeconds: 30 })]);
  assert.deepEqual(await pollOnce(PROVISION, f), { action: null, pollSeconds: 30 });
  assert.deepEqual(seen, [{ url: 'https://owner.example.com/device/v1/poll', auth: `Bearer ${'T'.repeat(43)}` }]);
});

test('refusals carry the server code and status; bad answers and unreachable servers are typed', async () => {
  const cases: [() => Response, string, number][] = [
    [json(401, { code: 'ERR_DEVICE_API_TOKEN_REVOKED', detail: 'revoked' }), 'ERR_DEVICE_API_TOKEN_REVOKED', 401],
    [json(503, { nope: true }), 'ERR_DEVICE_API_REFUSED', 503],
    [() => new Response('not json', { status: 200 }), 'ERR_DEVICE_API_ANSWER', 200],
    [json(200, { action: [], pollSeconds: 1 }), 'ERR_DEVICE_API_ANSWER', 200],
    [json(200, { action: null, pollSeconds: 1.5 }), 'ERR_DEVICE_API_ANSWER', 200],
    [() => new Response('x'.repeat(70_000), { status: 200 }), 'ERR_DEVICE_API_ANSWER', 200],
  ];
  for (const [answer, code, status] of cases) {
    const { f } = scripted([answer]);
    await assert.rejects(pollOnce(PROVISION, f), (e: unknown) => {
      assert.ok(e instanceof DeviceApiError);
      assert.equal(e.code, code);
      assert.equal(e.status, status);
      return true;
    });
  }
  const { f } = scripted([]);
  await assert.rejects(pollOnce(PROVISION, f), { code: 'ERR_DEVICE_API_UNREACHABLE', status: 0 });
  const cert = { ...PROVISION, credential: { type: 'client-cert' as const, certChain: [], keyRef: 'k' } };
  await assert.rejects(pollOnce(cert, f), { code: 'ERR_DEVICE_API_CREDENTIAL' });
});

test('the interval is kept within bounds', () => {
  assert.equal(readPollAnswer({ action: null, pollSeconds: 0 }).pollSeconds, 1);
  assert.equal(readPollAnswer({ action: null, pollSeconds: 10_000_000 }).pollSeconds, 86_400);
  assert.deepEqual(readPollAnswer({ action: { type: 'x' }, pollSeconds: 5 }).action, { type: 'x' });
});

test('the loop retries a 403 and a network failure, stops on request, and ends on a 401', async () => {
  let stop!: (reason: string) => void;
  const stopped = new Promise<string>((r) => (stop = r));
  const polls: number[] = [];
  const errors: string[] = [];
  const { f } = scripted([
    json(200, { action: null, pollSeconds: 1 }),
    json(403, { code: 'ERR_DEVICE_API_SUSPENDED' }),
    () => {
      throw new Error('connection reset');
    },
    () => {
      stop('SIGTERM');
      return json(200, { action: null, pollSeconds: 1 })();
    },
  ]);
  const done = await pollLoop({
    provision: PROVISION,
    fetch: f,
    stop: stopped,
    retrySeconds: 0,
    onPoll: (a) => void polls.push(a.pollSeconds),
    onError: (e) => void errors.push(e.code),
  });
  assert.deepEqual(done, { polls: 2, stopped: 'SIGTERM' });
  assert.deepEqual(errors, ['ERR_DEVICE_API_SUSPENDED', 'ERR_DEVICE_API_UNREACHABLE']);

  const revoked = scripted([json(401, { code: 'ERR_DEVICE_API_TOKEN_REVOKED' })]);
  await assert.rejects(
    pollLoop({ provision: PROVISION, fetch: revoked.f, stop: new Promise(() => {}), onPoll: () => {}, onError: () => {} }),
    { code: 'ERR_DEVICE_API_TOKEN_REVOKED', status: 401 },
  );
});

test('rotate: the loop gets a new token when asked, stores it first, and polls with it from then on; bad answers are refused', async () => {
  const fresh = 'N'.repeat(43);
  const { f, seen } = scripted([
    json(200, { action: null, pollSeconds: 1, rotate: true }),
    json(200, { credential: { type: 'bearer', token: fresh }, previousValidSeconds: 600 }),
    json(200, { action: null, pollSeconds: 1 }),
  ]);
  let stop: (reason: string) => void = () => {};
  const stored: ManagementProvision[] = [];
  let polls = 0;
  const done = await pollLoop({
    provision: PROVISION,
    fetch: f,
    stop: new Promise((r) => (stop = r)),
    onPoll: () => {
      if (++polls === 2) stop('enough');
    },
    onError: () => assert.fail('no error expected'),
    onRotated: async (p) => void stored.push(p),
  });
  assert.equal(done.polls, 2);
  assert.deepEqual(
    stored.map((p) => p.credential),
    [{ type: 'bearer', token: fresh }],
  );
  assert.deepEqual(
    seen.map((x) => [x.url.replace('https://owner.example.com/device/v1/', ''), x.auth?.slice(7, 8)]),
    [
      ['poll', 'T'],
      ['credentials/rotate', 'T'],
      ['poll', 'N'],
    ],
  );
  assert.equal(readPollAnswer({ action: null, pollSeconds: 5, rotate: 'yes' }).rotate, undefined);
  for (const body of [{}, { credential: { type: 'bearer', token: 'a b' } }, { credential: { type: 'client-cert', token: fresh } }]) {
    const bad = scripted([json(200, body)]);
    await assert.rejects(rotateCredential(PROVISION, bad.f), { code: 'ERR_DEVICE_API_ANSWER' });
  }
});
