/**
 * fetchTrusting: a fetch over node:https that trusts one given CA. It verifies the server as the
 * global fetch does (a certificate from another CA, or for another name, fails), sends bodies and
 * headers, reads status, headers and body back, and gives up when its signal times out.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FdoTransportError } from '../../../src/fdo/client/errors.ts';
import { httpFdoClient } from '../../../src/fdo/client/http-transport.ts';
import { fetchTrusting } from '../../../src/fdo/client/tls-fetch.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { type TestCa, testCa } from '../../server/http/tls-helpers.ts';

describe('fetchTrusting', () => {
  let ca: TestCa;
  let url: string;
  const server = createServer();
  before(async () => {
    ca = await testCa('fetch CA');
    const leaf = await ca.issue('server', ['localhost', '127.0.0.1']);
    server.setSecureContext({ cert: leaf.cert, key: leaf.key });
    server.on('request', (req, res) => {
      if (req.url?.startsWith('/silent')) return; // never answers
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/octet-stream', 'x-seen': `${req.method} ${req.headers['x-probe'] ?? ''}` });
        res.end(Buffer.concat(parts).reverse());
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('posts a body and reads status, headers and body from a server its CA vouches for', async () => {
    const r = await fetchTrusting(ca.pem)(`${url}/echo`, { method: 'POST', headers: { 'x-probe': 'p' }, body: Uint8Array.of(1, 2, 3) });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('x-seen'), 'POST p');
    assert.deepEqual(new Uint8Array(await r.arrayBuffer()), Uint8Array.of(3, 2, 1));
  });

  it('refuses a server certificate from another CA, and one for another name', async () => {
    const other = await testCa('other CA');
    await assert.rejects(fetchTrusting(other.pem)(`${url}/echo`), /certificate/i);
    const named = await ca.issue('named', ['localhost']);
    const original = await ca.issue('server', ['localhost', '127.0.0.1']);
    server.setSecureContext({ cert: named.cert, key: named.key });
    server.closeAllConnections(); // the next request makes a new handshake
    try {
      await assert.rejects(fetchTrusting(ca.pem)(`${url}/echo`), /not in the cert's list|altnames/i);
    } finally {
      server.setSecureContext({ cert: original.cert, key: original.key });
    }
  });

  it('ends a request when its signal times out, which the FDO client reports as ERR_AGENT_HTTP_TIMEOUT', async () => {
    const silent = `${url}/silent`;
    await assert.rejects(fetchTrusting(ca.pem)(silent, { signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
    // The FDO client with tlsCa, pointed (through its URL prefix) at the path that never answers.
    const client = httpFdoClient(`${url}/silent`, { tlsCa: ca.pem, timeoutMs: 200 });
    await assert.rejects(client.send({ msgType: MsgType.DI_AppStart, body: Uint8Array.of(0x80) }), (e: unknown) => {
      assert.ok(e instanceof FdoTransportError);
      assert.equal(e.code, 'ERR_AGENT_HTTP_TIMEOUT');
      return true;
    });
  });
});
