/**
 * The FDO client's own HTTP path (no fetch given): node:http against a real server on loopback
 * that answers too much, too slowly or not at all.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FdoTransportError } from '../../../src/fdo/client/errors.ts';
import { httpFdoClient } from '../../../src/fdo/client/http-transport.ts';

const cbor = { 'content-type': 'application/cbor', 'message-type': '11' };

const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok/fdo/101/msg/10': (res) => {
    res.writeHead(200, { ...cbor, authorization: 'Bearer T1' });
    res.end(Uint8Array.of(0x80));
  },
  '/announced/fdo/101/msg/10': (res) => {
    res.writeHead(200, { ...cbor, 'content-length': '70000' });
    res.end(Buffer.alloc(70_000));
  },
  '/streamed/fdo/101/msg/10': (res) => {
    res.writeHead(200, cbor); // chunked: no length to go by
    const tick = setInterval(() => res.write(Buffer.alloc(1024)), 1);
    res.on('close', () => clearInterval(tick));
  },
  '/silent/fdo/101/msg/10': () => {},
  '/slow-body/fdo/101/msg/10': (res) => {
    res.writeHead(200, cbor);
    res.write(Uint8Array.of(0x80));
  },
  '/cut/fdo/101/msg/10': (res) => {
    res.writeHead(200, { ...cbor, 'content-length': '100' });
    res.write(Buffer.alloc(10));
    setTimeout(() => res.socket?.destroy(), 20);
  },
};

describe('the FDO client over node:http', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const send = (path: string, o: { timeoutMs?: number; maxMessageBytes?: number } = {}) =>
    httpFdoClient(`${url}${path}`, o).send({ msgType: 10, body: Uint8Array.of(0x80) });

  it('sends the message and reads the reply and its type', async () => {
    assert.deepEqual(await send('/ok'), { msgType: 11, body: Uint8Array.of(0x80) });
  });

  it('refuses a reply announced over the limit, and one that streams past it', async () => {
    await assert.rejects(send('/announced'), { code: 'ERR_AGENT_HTTP_TOO_LARGE', message: /announces 70000 bytes/ });
    await assert.rejects(send('/streamed', { maxMessageBytes: 4096 }), { code: 'ERR_AGENT_HTTP_TOO_LARGE', message: /exceeds 4096/ });
  });

  it('gives up on a server that does not answer, or stops in the middle of the body, at the timeout', async () => {
    for (const path of ['/silent', '/slow-body']) {
      await assert.rejects(send(path, { timeoutMs: 150 }), (e: unknown) => {
        assert.ok(e instanceof FdoTransportError, path);
        assert.equal(e.code, 'ERR_AGENT_HTTP_TIMEOUT', path);
        return true;
      });
    }
  });

  it('reports a connection cut before the body is complete, and a refused connection, as unreachable', async () => {
    await assert.rejects(send('/cut'), { code: 'ERR_AGENT_HTTP_UNREACHABLE' });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await assert.rejects(httpFdoClient(`http://127.0.0.1:${port}`).send({ msgType: 10, body: Uint8Array.of(0x80) }), {
      code: 'ERR_AGENT_HTTP_UNREACHABLE',
      message: /ECONNREFUSED/,
    });
  });
});
