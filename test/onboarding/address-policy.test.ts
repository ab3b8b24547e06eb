/** The rendezvous address policy: SSRF targets are refused in every spelling, ordinary addresses pass. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { addressRefusal, canonicalHost, STRICT_ADDRESSES } from '../../src/onboarding/address-policy.ts';
import { setRendezvousList } from '../../src/onboarding/rendezvous-list.ts';
import { setRvDirectives } from '../../src/onboarding/rv-info.ts';
import { SettingError } from '../../src/onboarding/settings.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempDirs } from '../helpers/temp.ts';

const LOOPBACK_SERVER = { allowInternal: false, loopbackServer: true };
const ALLOW_ALL = { allowInternal: true, loopbackServer: false };

const REFUSED: [string, RegExp][] = [
  ['169.254.169.254', /metadata/],
  ['[fd00:ec2::254]', /metadata/],
  ['fd00:ec2:0:0:0:0:0:254', /metadata/],
  ['100.100.100.200', /metadata/],
  ['metadata.google.internal', /metadata/],
  ['METADATA.GOOGLE.INTERNAL.', /metadata/],
  ['metadata', /metadata/],
  ['::ffff:169.254.169.254', /it is ::ffff:a9fe:a9fe, a cloud metadata/],
  ['[::ffff:a9fe:a9fe]', /metadata/],
  ['64:ff9b::169.254.169.254', /metadata/],
  ['2852039166', /it is 169\.254\.169\.254, a cloud metadata/],
  ['0xa9.0xfe.0xa9.0xfe', /metadata/],
  ['169.254.1.1', /link-local/],
  ['fe80::1', /link-local/],
  ['[febf::1]', /link-local/],
  ['127.0.0.1', /loopback/],
  ['127.8.9.10', /loopback/],
  ['0x7f.1', /it is 127\.0\.0\.1, a loopback/],
  ['::1', /loopback/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['::ffff:127.0.0.1', /loopback/],
  ['localhost', /loopback/],
  ['rv.localhost', /loopback/],
  ['0.0.0.0', /unspecified/],
  ['0', /unspecified/],
  ['::', /unspecified/],
  ['::ffff:0.0.0.0', /unspecified/],
  ['224.0.0.251', /multicast/],
  ['239.1.2.3', /multicast/],
  ['ff02::fb', /multicast/],
  ['::ffff:224.0.0.1', /multicast/],
  ['255.255.255.255', /broadcast/],
  ['::1.2.3.4', /IPv4-compatible/],
  ['exa mple.com', /not a host name/],
];

const ALLOWED = [
  '203.0.113.7',
  '192.0.2.1',
  '10.0.0.5',
  '192.168.1.20',
  '172.16.0.1',
  'fd12:3456::1',
  '2001:db8::1',
  'rv.example.com',
  'rv',
];

describe('rendezvous address policy', () => {
  test('loopback, link-local, multicast, unspecified and metadata addresses are refused in every spelling, naming the setting', () => {
    for (const [host, reason] of REFUSED) {
      const why = addressRefusal(host, STRICT_ADDRESSES);
      assert.ok(why !== undefined, `${host} passed`);
      assert.match(why, reason, host);
      if (!/not a host name/.test(why)) assert.match(why, /allowInternalRendezvous/, host);
    }
  });

  test('public, documentation and private-network addresses and names pass', () => {
    for (const host of ALLOWED) assert.equal(addressRefusal(host, STRICT_ADDRESSES), undefined, host);
  });

  test('a server on loopback only may name loopback rendezvous, nothing else internal; allowInternalRendezvous allows all', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1'])
      assert.equal(addressRefusal(host, LOOPBACK_SERVER), undefined, host);
    for (const host of ['169.254.169.254', 'fe80::1', '0.0.0.0', 'metadata']) assert.ok(addressRefusal(host, LOOPBACK_SERVER), host);
    for (const [host] of REFUSED) assert.equal(addressRefusal(host, ALLOW_ALL), undefined, host);
  });

  test('canonical forms are the ones a URL connects to', () => {
    assert.equal(canonicalHost('2130706433'), '127.0.0.1');
    assert.equal(canonicalHost('[0:0:0:0:0:ffff:7f00:1]'), '::ffff:7f00:1');
    assert.equal(canonicalHost('RV.Example.'), 'rv.example');
  });

  test('the owner rendezvous list and the manufacturer rendezvous info refuse them when set, naming the field', async () => {
    const store = await openStore({ path: join(tempDirs('iotopia-addresses-')(), 'db.sqlite') }, { kek: new Uint8Array(randomBytes(32)) });
    try {
      const refusedField = async (set: Promise<void>, field: string) =>
        assert.rejects(set, (e: unknown) => e instanceof SettingError && e.code === 'ERR_SETTING_INVALID' && e.field === field);
      await refusedField(
        setRendezvousList(store, 't', { urls: ['https://rv.example', 'http://169.254.169.254'] }, STRICT_ADDRESSES),
        'urls[1]',
      );
      await refusedField(setRendezvousList(store, 't', { urls: ['http://[::ffff:127.0.0.1]:8080'] }, STRICT_ADDRESSES), 'urls[0]');
      await refusedField(setRendezvousList(store, 't', { urls: ['http://metadata.google.internal'] }, LOOPBACK_SERVER), 'urls[0]');
      await refusedField(
        setRvDirectives(store, 't', [{ dns: 'rv.example' }, { ipAddress: 'fe80::1' }], STRICT_ADDRESSES),
        'directives[1].ipAddress',
      );
      await refusedField(setRvDirectives(store, 't', [{ dns: 'localhost', devPort: 80 }], STRICT_ADDRESSES), 'directives[0].dns');
      assert.equal(await store.settings.get('owner', 'rendezvous'), undefined, 'nothing stored');
      assert.equal(await store.settings.get('manufacturer', 'rv-info'), undefined, 'nothing stored');
      await setRendezvousList(store, 't', { urls: ['http://127.0.0.1:8080'] }, LOOPBACK_SERVER);
      await setRvDirectives(store, 't', [{ ipAddress: '169.254.169.254' }], ALLOW_ALL);
      assert.deepEqual(await store.settings.get('owner', 'rendezvous'), { urls: ['http://127.0.0.1:8080'] });
    } finally {
      await store.close();
    }
  });
});
