/** What counts as loopback for every rule that depends on it (TLS, DI authorisation, rate limits). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost } from '../../src/platform/loopback.ts';

test('loopback: 127.0.0.0/8, ::1 in every spelling, IPv4-mapped loopback and the name localhost', () => {
  for (const h of [
    '127.0.0.1',
    '127.0.0.2',
    '127.8.9.1',
    '127.255.255.254',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    'localhost',
    'LocalHost',
    '::ffff:127.0.0.1',
  ])
    assert.equal(isLoopbackHost(h), true, h);
});

test('not loopback: wildcards, other addresses, look-alike names and junk', () => {
  for (const h of [
    '0.0.0.0',
    '::',
    '192.0.2.10',
    '2001:db8::1',
    '::ffff:192.0.2.1',
    'example.com',
    'localhost.example',
    '128.0.0.1',
    '',
    '127.0.0.1.example',
  ])
    assert.equal(isLoopbackHost(h), false, h);
});
