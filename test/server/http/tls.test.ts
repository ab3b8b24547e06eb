/**
 * HTTPS on the platform's listeners: a certificate the platform TLS CA issues on first start (kept
 * across restarts, its CA written for clients), the operator's own files reloaded when they change
 * (a bad new pair logged and the old one kept), and the addresses devices are told saying HTTPS.
 * Every check is a real TLS handshake on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { RVProtocolValue, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { rendezvousDirectiveView } from '../../../src/fdo/types/rendezvous-info.ts';
import { serverAddresses } from '../../../src/server/platform/addresses.ts';
import { startPlatform } from '../../../src/server/platform/platform.ts';
import { startTestPlatform, testConfig } from '../../helpers/platform.ts';
import { eventually, handshake, testCa } from './tls-helpers.ts';

const portOf = (url: string) => Number(new URL(url).port);

describe('TLS with a certificate from the platform TLS CA', () => {
  it('serves https with a certificate for the listen host that verifies against <dataDir>/tls/ca.pem only', async () => {
    const t = await startTestPlatform('iotopia-tls-', { tls: true });
    try {
      const { platform, dataDir } = t;
      assert.match(platform.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(platform.tls?.caFile);
      assert.equal(platform.tls.caFile, join(dataDir, 'tls', 'ca.pem'));
      assert.equal(statSync(platform.tls.caFile).mode & 0o777, 0o600);
      assert.equal(statSync(join(dataDir, 'tls')).mode & 0o777, 0o700);
      const ca = readFileSync(platform.tls.caFile, 'utf8');
      const port = portOf(platform.url);
      for (const servername of ['localhost', '127.0.0.1']) {
        const seen = await handshake(port, { ca, servername });
        assert.equal(seen.fingerprint, platform.tls.fingerprint);
        assert.match(seen.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      }
      // Without the CA (the system's roots) the certificate is not trusted: nothing skips verification.
      await assert.rejects(handshake(port), /self-signed|unable to verify|SELF_SIGNED|UNABLE_TO_GET_ISSUER/i);
      // A name the certificate does not cover is refused even with the CA.
      await assert.rejects(
        handshake(port, { ca, servername: 'elsewhere.example' }),
        /altnames|does not match|ERR_TLS_CERT_ALTNAME_INVALID/i,
      );
      const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch((e: Error) => e);
      assert.ok(health instanceof Error, 'plain HTTP is not spoken on a TLS listener');
    } finally {
      await t.close();
    }
  });

  it('keeps the same certificate across a restart', async () => {
    const t = await startTestPlatform('iotopia-tls-restart-', { tls: true });
    const first = t.platform.tls?.fingerprint;
    const firstCa = readFileSync(t.platform.tls?.caFile as string, 'utf8');
    assert.ok(t.platform.tls?.created.includes('tls-ca'));
    await t.platform.close();
    const again = await startPlatform(testConfig({ dataDir: t.dataDir, tls: true }));
    try {
      assert.equal(again.tls?.fingerprint, first);
      assert.equal(readFileSync(again.tls?.caFile as string, 'utf8'), firstCa, 'the same CA certificate bytes in ca.pem');
      assert.deepEqual(again.tls?.created, []);
    } finally {
      await again.close();
      await t.close().catch(() => {});
    }
  });

  it('tells devices HTTPS: RVProtHttps in the rendezvous info and ProtHTTPS in the TO2 address, with the listener port', () => {
    const a = serverAddresses({ host: '127.0.0.1', port: 8443 }, true);
    assert.equal(a.url, 'https://127.0.0.1:8443');
    const rv = rendezvousDirectiveView(a.rvInfo[0] as never);
    assert.equal(rv.protocol, RVProtocolValue.RVProtHttps);
    assert.equal(rv.devPort, 8443);
    assert.equal(a.to2Address[0]?.protocol, TransportProtocol.ProtHTTPS);
    assert.equal(a.to2Address[0]?.port, 8443);
    const plain = serverAddresses({ host: '127.0.0.1', port: 8080 });
    assert.equal(rendezvousDirectiveView(plain.rvInfo[0] as never).protocol, RVProtocolValue.RVProtHttp);
    assert.equal(plain.to2Address[0]?.protocol, TransportProtocol.ProtHTTP);
  });
});

describe("TLS with the operator's files", () => {
  it('reloads a replaced certificate for the next handshake, and keeps the old one when the new pair is bad', async () => {
    const ca = await testCa('operator CA');
    const first = await ca.issue('first', ['localhost', '127.0.0.1']);
    const second = await ca.issue('second', ['localhost', '127.0.0.1']);
    const files = mkdtempSync(join(tmpdir(), 'iotopia-tls-files-'));
    const certFile = join(files, 'cert.pem');
    const keyFile = join(files, 'key.pem');
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const t = await startTestPlatform('iotopia-tls-reload-', { tlsCert: certFile, tlsKey: keyFile }, { logger });
    try {
      const port = portOf(t.platform.url);
      assert.equal(t.platform.tls?.caFile, undefined, 'no platform CA file when the operator gives the certificate');
      assert.equal((await handshake(port, { ca: ca.pem })).fingerprint, first.fingerprint);
      assert.equal(t.platform.tls?.fingerprint, first.fingerprint);

      writeFileSync(keyFile, second.key);
      writeFileSync(certFile, second.cert);
      await eventually('the new certificate', async () => {
        const seen = await handshake(port, { ca: ca.pem });
        return seen.fingerprint === second.fingerprint ? seen : undefined;
      });
      assert.equal(t.platform.tls?.fingerprint, second.fingerprint, 'the platform reports the certificate in use');

      // A certificate whose key is not the one on disk: logged, and the second pair stays in use.
      const third = await ca.issue('third', ['localhost']);
      writeFileSync(certFile, third.cert);
      await eventually('the refusal in the log', async () => (lines.some((l) => /do not load/.test(l)) ? true : undefined));
      assert.equal((await handshake(port, { ca: ca.pem })).fingerprint, second.fingerprint);
    } finally {
      await t.close();
      rmSync(files, { recursive: true, force: true });
    }
  });

  it('refuses to start on files that are not a usable pair', async () => {
    const ca = await testCa('operator CA');
    const a = await ca.issue('a', ['localhost']);
    const b = await ca.issue('b', ['localhost']);
    const files = mkdtempSync(join(tmpdir(), 'iotopia-tls-bad-'));
    writeFileSync(join(files, 'cert.pem'), a.cert);
    writeFileSync(join(files, 'key.pem'), b.key);
    try {
      await assert.rejects(startTestPlatform('iotopia-tls-bad-', { tlsCert: join(files, 'cert.pem'), tlsKey: join(files, 'key.pem') }), {
        code: 'ERR_CONFIG',
        message: /tls-cert\/tls-key .*not a usable certificate and key/,
      });
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});
