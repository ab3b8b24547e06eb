/**
 * The DNS resolver and the name cache against a real dnsmasq on loopback: A and AAAA answers with
 * their TTL, a changed record followed after the TTL, NXDOMAIN and timeouts as ERR_INTENT_DNS, and
 * the cache's clamping, expiry and learned answers.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { dnsResolver } from '../../../src/intent/dns/dns-resolver.ts';
import { createNameCache } from '../../../src/intent/dns/name-cache.ts';
import type { IntentError } from '../../../src/intent/errors.ts';
import { type Dnsmasq, hasDnsmasq, startDnsmasq } from './dnsmasq.ts';

const TTL = 7;

describe('dnsResolver against dnsmasq', { skip: hasDnsmasq ? false : 'dnsmasq is not installed: skipped' }, () => {
  let dns: Dnsmasq;
  before(async () => {
    dns = await startDnsmasq(
      ['198.51.100.7 cloud.example.com', '2001:db8::7 cloud.example.com', '203.0.113.9 v4only.example.com'],
      TTL,
      'example.com',
    );
  });
  after(() => dns?.stop());

  test('A and AAAA answers with their TTL; a final dot and capitals do not matter', async () => {
    const r = dnsResolver({ servers: [dns.server], timeoutMs: 1000, tries: 2 });
    const answer = await r.resolve('Cloud.Example.com.');
    assert.deepEqual([...answer.addresses].sort(), ['198.51.100.7', '2001:db8::7']);
    assert.equal(answer.ttl, TTL);
    assert.deepEqual((await r.resolve('v4only.example.com')).addresses, ['203.0.113.9']);
  });

  test('NXDOMAIN is ERR_INTENT_DNS saying NXDOMAIN', async () => {
    const r = dnsResolver({ servers: [dns.server], timeoutMs: 1000, tries: 1 });
    await assert.rejects(r.resolve('missing.example.com'), (e: IntentError) => e.code === 'ERR_INTENT_DNS' && /NXDOMAIN/.test(e.message));
    await assert.rejects(r.resolve('bad name;.example.com'), (e: IntentError) => e.code === 'ERR_INTENT_DNS');
  });

  test('a changed record is followed: the name is due after its TTL and resolves to the new address', async () => {
    const r = dnsResolver({ servers: [dns.server], timeoutMs: 1000, tries: 2 });
    const cache = createNameCache({ minTtl: 1, maxTtl: 3600 });
    const t0 = 1_000_000;
    cache.watch('cloud.example.com');
    assert.deepEqual(cache.due(t0), ['cloud.example.com']);
    const first = await r.resolve('cloud.example.com');
    assert.equal(cache.store('cloud.example.com', first.addresses, first.ttl, t0), true);
    assert.deepEqual(cache.due(t0 + TTL * 1000 - 1), []);
    await dns.setHosts(['198.51.100.8 cloud.example.com', '2001:db8::8 cloud.example.com']);
    const later = t0 + TTL * 1000;
    assert.deepEqual(cache.due(later), ['cloud.example.com']);
    let next = await r.resolve('cloud.example.com');
    // dnsmasq reads the file again when it handles SIGHUP; ask until it has (bounded).
    for (let i = 0; i < 50 && next.addresses.includes('198.51.100.7'); i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      next = await r.resolve('cloud.example.com');
    }
    assert.equal(cache.store('cloud.example.com', next.addresses, next.ttl, later), true);
    assert.deepEqual(cache.addresses('cloud.example.com', later), ['198.51.100.8', '2001:db8::8']);
    assert.deepEqual(cache.due(later), []);
  });

  test('a server that never answers is ERR_INTENT_DNS saying timeout', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((ok) => silent.bind(0, '127.0.0.1', ok));
    try {
      const r = dnsResolver({ servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 200, tries: 1 });
      await assert.rejects(r.resolve('cloud.example.com'), (e: IntentError) => e.code === 'ERR_INTENT_DNS' && /timeout/.test(e.message));
    } finally {
      silent.close();
    }
  });
});

describe('dnsResolver options', () => {
  test('servers must be ADDR, ADDR:PORT or [ADDR6]:PORT', () => {
    assert.doesNotThrow(() => dnsResolver({ servers: ['192.0.2.53', '192.0.2.53:5353', '[2001:db8::53]:53', '2001:db8::53'] }));
    for (const bad of ['dns.example.com', '192.0.2.53:0', '192.0.2.53:70000', '[2001:db8::53]:x', '192.0.2.53;rm'])
      assert.throws(
        () => dnsResolver({ servers: [bad] }),
        (e: IntentError) => e.code === 'ERR_INTENT_CONTEXT',
        bad,
      );
  });
});

describe('createNameCache', () => {
  test('TTLs are clamped to min and max', () => {
    const c = createNameCache({ minTtl: 30, maxTtl: 3600 });
    c.store('a.example.com', ['192.0.2.1'], 1, 0);
    c.store('b.example.com', ['192.0.2.2'], 999_999, 0);
    assert.deepEqual(c.due(29_999), []);
    assert.deepEqual(c.due(30_000), ['a.example.com']);
    assert.deepEqual(c.due(3_600_000), ['a.example.com', 'b.example.com']);
  });

  test('learned answers add addresses until their TTL; a resolver answer stands until replaced', () => {
    const c = createNameCache({ minTtl: 10, maxTtl: 100 });
    c.store('cdn.example.com', ['198.51.100.1'], 50, 0);
    assert.equal(c.learn('CDN.example.com.', ['198.51.100.2'], 20, 0), true);
    assert.equal(c.learn('cdn.example.com', ['198.51.100.2'], 20, 0), false, 'the same answer changes nothing');
    assert.deepEqual(c.addresses('cdn.example.com', 19_999), ['198.51.100.1', '198.51.100.2']);
    assert.deepEqual(c.addresses('cdn.example.com', 20_000), ['198.51.100.1']);
    assert.deepEqual(c.addresses('cdn.example.com', 1_000_000), ['198.51.100.1']);
    c.failed('cdn.example.com', 60_000);
    assert.deepEqual(c.due(60_000), []);
    assert.deepEqual(c.due(70_000), ['cdn.example.com']);
    assert.deepEqual(c.addresses('cdn.example.com', 70_000), ['198.51.100.1']);
  });

  test('limits: names and learned addresses per name', () => {
    const c = createNameCache({ maxNames: 1, maxLearned: 2 });
    c.watch('one.example.com');
    c.watch('two.example.com');
    assert.deepEqual(c.due(0), ['one.example.com']);
    c.learn('one.example.com', ['192.0.2.1'], 100, 0);
    c.learn('one.example.com', ['192.0.2.2'], 200, 0);
    c.learn('one.example.com', ['192.0.2.3'], 300, 0);
    assert.deepEqual(c.addresses('one.example.com', 0), ['192.0.2.2', '192.0.2.3']);
    assert.equal(c.learn('not a name', ['192.0.2.1'], 1, 0), false);
  });
});
