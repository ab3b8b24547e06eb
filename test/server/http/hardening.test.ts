/**
 * HTTP hardening on every listener: security headers (HSTS only over TLS), no-store on the
 * management API, the Host allowlist, the listener name on each request, and the timeouts that
 * close a slow-body connection while other clients are still served.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { fetchTrusting } from '../../../src/fdo/client/tls-fetch.ts';
import { createApp } from '../../../src/server/app.ts';
import { startTestPlatform } from '../../helpers/platform.ts';

describe('security headers and no-store', () => {
  it('over TLS: HSTS, nosniff, frame deny, no-referrer and a strict CSP; no-store on /api/v1 answers', async () => {
    const t = await startTestPlatform('iotopia-headers-', { tls: true });
    try {
      const trusting = fetchTrusting(readFileSync(t.platform.tls?.caFile as string, 'utf8'));
      const api = await trusting(`${t.platform.url}/api/v1/openapi.json`);
      await api.body?.cancel();
      assert.equal(api.status, 200);
      assert.match(api.headers.get('strict-transport-security') ?? '', /^max-age=31536000/);
      assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(api.headers.get('x-frame-options'), 'DENY');
      assert.equal(api.headers.get('referrer-policy'), 'no-referrer');
      assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
      assert.equal(api.headers.get('cache-control'), 'no-store');
      // A refusal carrying no secret gets no-store too: every /api/v1 answer does.
      const denied = await trusting(`${t.platform.url}/api/v1/tokens`);
      await denied.body?.cancel();
      assert.equal(denied.status, 401);
      assert.equal(denied.headers.get('cache-control'), 'no-store');
      const health = await trusting(`${t.platform.url}/healthz`);
      await health.body?.cancel();
      assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
    } finally {
      await t.close();
    }
  });

  it('over plain HTTP on loopback: the same headers but no HSTS (browsers ignore it there and it would pin nothing)', async () => {
    const app = createApp({ security: { listener: 'main', tls: false } });
    app.get('/api/v1/probe', async () => ({ ok: true }));
    const r = await app.inject({ method: 'GET', url: '/api/v1/probe' });
    assert.equal(r.headers['strict-transport-security'], undefined);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['cache-control'], 'no-store');
    await app.close();
  });
});

describe('the Host allowlist and the listener name', () => {
  it('answers allowed hosts (by name or name:port) and refuses any other Host with 421 problem details', async () => {
    const app = createApp({ security: { listener: 'factory', tls: true, allowedHosts: ['iot.example.com', '127.0.0.1:8443'] } });
    app.get('/probe', async (request) => ({ listener: request.iotopiaListener }));
    const ok = await app.inject({ method: 'GET', url: '/probe', headers: { host: 'IOT.example.com:8443' } });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { listener: 'factory' });
    assert.equal((await app.inject({ method: 'GET', url: '/probe', headers: { host: '127.0.0.1:8443' } })).statusCode, 200);
    for (const host of ['attacker.example', '127.0.0.1:9999', 'iot.example.com.attacker.example']) {
      const r = await app.inject({ method: 'GET', url: '/probe', headers: { host } });
      assert.equal(r.statusCode, 421, host);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      assert.equal(r.json().code, 'ERR_API_HOST');
    }
    await app.close();
  });

  it('lets every host through when no allowlist is set, and marks requests as main by default', async () => {
    const app = createApp();
    app.get('/probe', async (request) => ({ listener: request.iotopiaListener }));
    const r = await app.inject({ method: 'GET', url: '/probe', headers: { host: 'anything.example' } });
    assert.deepEqual(r.json(), { listener: 'main' });
    await app.close();
  });
});

/** Opens a socket, sends the headers of a 100-byte body and 3 bytes of it, then stalls; resolves when the server closes it. */
function stalledBody(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(
        `POST /fdo/101/msg/10 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/cbor\r\nContent-Length: 100\r\n\r\n`,
      );
      socket.write(Uint8Array.of(0x85, 0x01, 0x02));
    });
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('close', () => resolve(answer));
  });
}

describe('listener timeouts', () => {
  it('closes a connection whose body stalls (slow-body attack) at the configured timeout, while other clients are served', {
    timeout: 30_000,
  }, async () => {
    const t = await startTestPlatform('iotopia-slow-body-', { requestTimeout: '1.5', idleTimeout: '1', headersTimeout: '1' });
    try {
      const port = Number(new URL(t.platform.url).port);
      const attacks = Array.from({ length: 10 }, () => stalledBody(port));
      const served = await fetch(`${t.platform.url}/healthz`);
      assert.equal(served.status, 200, 'another client is served while the stalled bodies hang');
      assert.deepEqual(await served.json(), { status: 'ok' });
      // Each stalled connection ends by the server's doing: the client never finishes or closes it.
      const answers = await Promise.all(attacks);
      for (const a of answers)
        assert.ok(a === '' || /^HTTP\/1\.1 408/.test(a), `closed without an FDO answer: ${JSON.stringify(a.slice(0, 40))}`);
    } finally {
      await t.close();
    }
  });

  it('closes a connection whose headers never finish (slow headers)', { timeout: 30_000 }, async () => {
    const t = await startTestPlatform('iotopia-slow-headers-', { headersTimeout: '0.5', requestTimeout: '1', idleTimeout: '30' });
    try {
      const port = Number(new URL(t.platform.url).port);
      const closed = new Promise<string>((resolve) => {
        let answer = '';
        const socket = connect({ host: '127.0.0.1', port }, () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
        socket.on('data', (d) => {
          answer += d.toString('latin1');
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve(answer));
      });
      const answer = await closed;
      assert.ok(
        answer === '' || /^HTTP\/1\.1 408/.test(answer),
        `closed without serving the request: ${JSON.stringify(answer.slice(0, 40))}`,
      );
    } finally {
      await t.close();
    }
  });
});
