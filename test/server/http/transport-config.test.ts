/**
 * When TLS is on, decided without a socket: plain HTTP by default on loopback only, TLS by default
 * beyond it, and plain HTTP on a non-loopback address refused unless --insecure-http is given.
 * Only loopback and documentation addresses (RFC 5737, RFC 3849) appear here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig, settingsFromEnv } from '../../../src/server/platform/config.ts';

const resolve = (settings: Record<string, string | boolean>) => resolveConfig(['command line', settings]);

describe('transport configuration', () => {
  it('keeps the loopback quick start plain HTTP, and --tls turns TLS on there', () => {
    const plain = resolve({ listen: '127.0.0.1:8080' }).transport;
    assert.equal(plain?.tls, false);
    assert.equal(plain?.loopbackOnly, true);
    assert.equal(resolve({ listen: '127.0.0.1:8080', tls: true }).transport?.tls, true);
    assert.equal(resolve({ listen: '[::1]:8080' }).transport?.tls, false);
  });

  it('turns TLS on by default on an address beyond loopback, the wildcard included', () => {
    for (const listen of ['192.0.2.10:8443', '[2001:db8::1]:8443', '0.0.0.0:8443', '[::]:8443']) {
      const t = resolve({ listen }).transport;
      assert.equal(t?.tls, true, listen);
      assert.equal(t?.loopbackOnly, false, listen);
    }
  });

  it('refuses plain HTTP beyond loopback, naming the setting, the reason and the way out', () => {
    assert.throws(() => resolve({ listen: '192.0.2.10:8080', tls: 'false' }), {
      code: 'ERR_CONFIG',
      message: /tls: plain HTTP on 192\.0\.2\.10, which is not a loopback address.*clear text.*--insecure-http/,
    });
    // A factory listener beyond loopback counts too, even with the main listener on loopback.
    assert.throws(() => resolve({ listen: '127.0.0.1:8080', factoryListen: '192.0.2.20:9443', tls: false }), /plain HTTP on 192\.0\.2\.20/);
  });

  it('serves plain HTTP beyond loopback only with --insecure-http, which contradicts asking for TLS', () => {
    const t = resolve({ listen: '192.0.2.10:8080', insecureHttp: true }).transport;
    assert.equal(t?.tls, false);
    assert.throws(() => resolve({ listen: '192.0.2.10:8080', insecureHttp: true, tls: true }), /insecure-http: cannot be combined/);
    assert.throws(() => resolve({ listen: '192.0.2.10:8080', insecureHttp: true, tlsCert: 'c.pem', tlsKey: 'k.pem' }), /insecure-http/);
  });

  it('needs the certificate and its key together; a client CA turns TLS on', () => {
    assert.throws(() => resolve({ tlsCert: 'c.pem' }), /tls-cert and tls-key: give both/);
    assert.throws(() => resolve({ tlsKey: 'k.pem' }), /tls-cert and tls-key: give both/);
    const t = resolve({ tlsCert: 'c.pem', tlsKey: 'k.pem' }).transport;
    assert.equal(t?.tls, true);
    const f = resolve({ factoryListen: '127.0.0.1:9443', factoryClientCa: 'ca.pem' }).transport;
    assert.equal(f?.tls, true);
    assert.deepEqual(f?.factoryListen, { host: '127.0.0.1', port: 9443 });
    assert.equal(f?.loopbackOnly, true);
  });

  it('refuses a factory listener without the manufacturer role, and a bad address', () => {
    assert.throws(() => resolve({ roles: 'owner', factoryListen: '127.0.0.1:9443' }), /factory-listen: .*manufacturer role/);
    assert.throws(() => resolve({ factoryListen: 'nowhere' }), /factory-listen \(from command line\): "nowhere" is not HOST:PORT/);
  });

  it('reads timeouts in seconds with defaults, and the Host allowlist in lower case', () => {
    const d = resolve({}).transport;
    assert.deepEqual(d?.timeouts, { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 10_000 });
    const t = resolveConfig(
      ['environment', { requestTimeout: '2', idleTimeout: '0.5' }],
      ['command line', { allowedHosts: 'IoT.Example.com, 127.0.0.1:8080' }],
    ).transport;
    assert.equal(t?.timeouts.requestTimeoutMs, 2000);
    assert.equal(t?.timeouts.idleTimeoutMs, 500);
    assert.deepEqual(t?.allowedHosts, ['iot.example.com', '127.0.0.1:8080']);
    for (const bad of ['0', '-1', 'x', '', '3601'])
      assert.throws(() => resolve({ headersTimeout: bad }), { code: 'ERR_CONFIG', message: /headers-timeout \(from command line\)/ });
    assert.throws(() => resolve({ allowedHosts: ' , ' }), /allowed-hosts/);
  });

  it('reads transport settings from the environment variables and knows loopback', () => {
    const t = resolveConfig([
      'environment',
      settingsFromEnv({ IOTOPIA_TLS: 'true', IOTOPIA_ALLOWED_HOSTS: 'a.example', IOTOPIA_FACTORY_LISTEN: '127.0.0.1:9443' }),
    ]).transport;
    assert.equal(t?.tls, true);
    assert.deepEqual(t?.allowedHosts, ['a.example']);
    assert.equal(t?.factoryListen?.port, 9443);
  });
});
