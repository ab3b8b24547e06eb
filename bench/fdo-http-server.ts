/**
 * The server side of bench/fdo-http.ts, in its own process so that its CPU time is the server's
 * alone: one listener on loopback answering `POST /fdo/101/msg/{type}` with a CBOR body, one of
 * three kinds (the first argument); each runs in a process of its own, so that the JIT and the
 * garbage of one do not weigh on another.
 * - `bare`: Fastify with a CBOR body parser and one route that echoes the body with the FDO headers;
 * - `secured`: the same route on the IoTopia app (security headers, listener mark, no-store hook);
 * - `fdo`: the IoTopia FDO transport (start limits, sessions in memory, metrics observer) with a
 *   TO2 role handler that answers at once, so that only the HTTP and session work is measured.
 * Over IPC it tells its port, then answers `cpu` with process.cpuUsage().
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createApp } from '../src/server/app.ts';
import type { AnyRoleHandler } from '../src/server/fdo/fdo-transport.ts';
import { MemorySessionStore } from '../src/server/fdo/memory-session-store.ts';
import { createMetrics } from '../src/server/platform/metrics.ts';

const CBOR = 'application/cbor';
/** TO2.Done (70) ends the session; every other message keeps it. */
const LAST = 70;

const echo: AnyRoleHandler = async (_state, message) => ({
  reply: { msgType: message.msgType + 1, body: message.body },
  state: message.msgType === LAST ? null : { n: message.msgType },
});

/** The same echo route on `app`: a CBOR body parser and a reply of the next message type. */
function withEchoRoute(app: FastifyInstance): FastifyInstance {
  app.addContentTypeParser(CBOR, { parseAs: 'buffer', bodyLimit: 65_535 }, (_r, body, done) => done(null, body));
  app.post<{ Params: { type: string } }>('/fdo/101/msg/:type', (request, reply) =>
    reply
      .code(200)
      .header('content-type', CBOR)
      .header('message-type', String(Number(request.params.type) + 1))
      .send(request.body),
  );
  return app;
}

const bare = (): FastifyInstance => withEchoRoute(Fastify({ logger: false }));

const secured = (): FastifyInstance => withEchoRoute(createApp());

function fdo(): FastifyInstance {
  // The global start limit stays on (it is counted), high enough not to refuse the benchmark.
  return createApp({
    fdo: {
      roles: { owner: { to2: echo } },
      sessions: new MemorySessionStore(),
      observe: createMetrics().observe,
      limits: { starts: { global: 1_000_000_000 } },
    },
  });
}

const KINDS = { bare, secured, fdo };
const kind = process.argv[2] as keyof typeof KINDS;
if (process.send === undefined || !(kind in KINDS))
  throw new TypeError('usage: forked by bench/fdo-http.ts with bare, secured or fdo (and an IPC channel)');
const app = KINDS[kind]();
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (m === 'stop') void app.close().then(() => process.exit(0));
});
process.send({ port: typeof address === 'object' && address !== null ? address.port : 0 });
