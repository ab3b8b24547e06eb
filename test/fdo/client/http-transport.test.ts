import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpFdoClient } from '../../../src/fdo/client/http-transport.ts';
import { encodeErrorMessage } from '../../../src/fdo/messages/error.ts';

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A fetch that records requests and answers from `reply` (no socket). */
function fakeFetch(reply: (seen: Seen, n: number) => Response | Promise<Response>): typeof fetch & { seen: Seen[] } {
  const seen: Seen[] = [];
  const f = async (input: string | URL | Request, init?: RequestInit) => {
    const s = {
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: init?.body as Uint8Array,
    };
    seen.push(s);
    return reply(s, seen.length - 1);
  };
  return Object.assign(f as typeof fetch, { seen });
}

const cbor = (type: number, token?: string) => ({
  'content-type': 'application/cbor',
  'message-type': String(type),
  ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
});

test('the token from a reply goes with every later message; a protocol start or an error message drops it', async () => {
  const fetch = fakeFetch((_s, n) => {
    if (n === 0) return new Response(new Uint8Array([0x80]), { headers: cbor(61, 'T1') });
    if (n === 1) return new Response(new Uint8Array([0x80]), { headers: cbor(63) });
    if (n === 2) return new Response(new Uint8Array([0x80]), { headers: cbor(61, 'T2') });
    return new Response(encodeErrorMessage({ code: 101, prevMsgType: 62, message: 'invalid message' }), {
      status: 500,
      headers: { 'content-type': 'application/cbor', 'message-type': '255' },
    });
  });
  const client = httpFdoClient('http://owner.test/prefix/', { fetch });
  assert.deepEqual(await client.send({ msgType: 60, body: new Uint8Array([0x80]) }), { msgType: 61, body: new Uint8Array([0x80]) });
  await client.send({ msgType: 62, body: new Uint8Array([0x80]) });
  await client.send({ msgType: 60, body: new Uint8Array([0x80]) });
  await assert.rejects(client.send({ msgType: 62, body: new Uint8Array([0x80]) }), {
    name: 'FdoPeerError',
    peerCode: 101,
    prevMsgType: 62,
  });
  await client.abort({ msgType: 255, body: new Uint8Array([0x80]) });
  assert.deepEqual(
    fetch.seen.map((s) => [s.url, s.headers.authorization, s.headers['content-type'], s.headers['message-type']]),
    [
      ['http://owner.test/prefix/fdo/101/msg/60', undefined, 'application/cbor', '60'],
      ['http://owner.test/prefix/fdo/101/msg/62', 'Bearer T1', 'application/cbor', '62'],
      ['http://owner.test/prefix/fdo/101/msg/60', undefined, 'application/cbor', '60'],
      ['http://owner.test/prefix/fdo/101/msg/62', 'Bearer T2', 'application/cbor', '62'],
      ['http://owner.test/prefix/fdo/101/msg/255', undefined, 'application/cbor', '255'],
    ],
  );
});

test('replies that are not FDO are typed transport errors', async () => {
  const cases: [Response, string][] = [
    [new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } }), 'ERR_AGENT_HTTP_STATUS'],
    [new Response('oops', { status: 500, headers: { 'content-type': 'text/plain' } }), 'ERR_AGENT_HTTP_STATUS'],
    [new Response(new Uint8Array([0x80]), { headers: { 'content-type': 'application/cbor' } }), 'ERR_AGENT_HTTP_REPLY'],
    [
      new Response(new Uint8Array([0x80]), { headers: { 'content-type': 'application/json', 'message-type': '11' } }),
      'ERR_AGENT_HTTP_REPLY',
    ],
    [
      new Response(new Uint8Array([0x80]), { headers: { 'content-type': 'application/cbor', 'message-type': '1e3' } }),
      'ERR_AGENT_HTTP_REPLY',
    ],
    [new Response(new Uint8Array(70_000), { headers: cbor(11) }), 'ERR_AGENT_HTTP_TOO_LARGE'],
  ];
  for (const [response, code] of cases) {
    const client = httpFdoClient('http://mfg.test', { fetch: fakeFetch(() => response) });
    await assert.rejects(client.send({ msgType: 10, body: new Uint8Array([0x80]) }), { code });
  }
});

test('a streamed reply over the limit is cut off, without a Content-Length to go by', async () => {
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new Uint8Array(1024));
    },
  });
  const client = httpFdoClient('http://mfg.test', {
    fetch: fakeFetch(() => new Response(stream, { headers: cbor(11) })),
    maxMessageBytes: 4096,
  });
  await assert.rejects(client.send({ msgType: 10, body: new Uint8Array([0x80]) }), { code: 'ERR_AGENT_HTTP_TOO_LARGE' });
});

test('no reply in time is ERR_AGENT_HTTP_TIMEOUT; a failed connection is ERR_AGENT_HTTP_UNREACHABLE', async () => {
  const silent = (async (_u: unknown, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    })) as typeof fetch;
  await assert.rejects(
    httpFdoClient('http://rv.test', { fetch: silent, timeoutMs: 20 }).send({ msgType: 30, body: new Uint8Array([0x80]) }),
    {
      code: 'ERR_AGENT_HTTP_TIMEOUT',
      url: 'http://rv.test/fdo/101/msg/30',
    },
  );
  const refused = (async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  }) as typeof fetch;
  await assert.rejects(httpFdoClient('http://rv.test', { fetch: refused }).send({ msgType: 30, body: new Uint8Array([0x80]) }), {
    code: 'ERR_AGENT_HTTP_UNREACHABLE',
  });
});

test('only http and https base URLs are taken', () => {
  assert.throws(() => httpFdoClient('ftp://rv.test'), TypeError);
  assert.throws(() => httpFdoClient('not a url'), TypeError);
});
