/**
 * `iotopia intent dhcp-event` as dnsmasq's --dhcp-script. In namespaces made here, a real dnsmasq
 * serves DHCP on a veth and runs the command for each lease; a busybox udhcpc in the device
 * namespace sends the MUD URL in option 161 (twice: a new lease, then the same one again), then a
 * DHCPRELEASE from the device ends it; an HTTPS stand-in for the manager's API on the gateway side
 * receives the POSTs (MAC, address, MUD URL) and the DELETE. The same for DHCPv6 (option 112)
 * with ISC dhclient.
 * Without root, dnsmasq or udhcpc that part is skipped. The argument and environment checks run
 * everywhere.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { leaseOf } from '../../src/cli/commands/intent-dhcp-event.ts';
import { runCli } from '../helpers/cli.ts';
import { loopbackTls } from '../helpers/tls.ts';
import { deleteNamespaces, sh, skipReason } from '../intent/nft/netns.ts';
import { releaseLease } from './intent-dhcp-release.ts';
import { type ApiStandIn, startApiStandIn } from './intent-dhcp-server.ts';

const MUD_URL = 'https://things.example.com/lamp';
const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;
const TOKEN = 'dhcp-event-test-token';
const hasUdhcpc = spawnSync('busybox', ['udhcpc', '--help']).error === undefined;
const skip = skipReason(['dnsmasq', '--version']) || (hasUdhcpc ? false : 'busybox udhcpc is not installed: skipped');
const hasDhclient = spawnSync('dhclient', ['--version']).error === undefined;

describe('dnsmasq runs intent dhcp-event for a lease with a MUD URL', { skip }, () => {
  const tag = `${process.pid % 10000}${randomBytes(2).toString('hex')}`;
  const [G, D] = [`iot-dhcp-${tag}g`, `iot-dhcp-${tag}d`];
  const MAC = '02:00:00:00:02:0d';
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-dhcp-'));
  let api: ApiStandIn | undefined;
  let dnsmasq: ChildProcess | undefined;
  let log = '';

  before(async () => {
    chmodSync(dir, 0o755);
    sh('ip', 'netns', 'add', G);
    sh('ip', 'netns', 'add', D);
    sh('ip', 'link', 'add', `vg${tag}`, 'type', 'veth', 'peer', 'name', 'vd', 'netns', D);
    sh('ip', 'link', 'set', `vg${tag}`, 'netns', G);
    sh('ip', '-n', G, 'link', 'set', `vg${tag}`, 'name', 'vg');
    sh('ip', '-n', D, 'link', 'set', 'vd', 'address', MAC);
    sh('ip', '-n', G, 'addr', 'add', '192.0.2.1/24', 'dev', 'vg');
    // No duplicate address detection: the addresses are usable at once.
    for (const ns of [G, D])
      sh('ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
    sh('ip', '-n', G, 'addr', 'add', '2001:db8::1/64', 'dev', 'vg', 'nodad');
    for (const [ns, dev] of [
      [G, 'vg'],
      [G, 'lo'],
      [D, 'vd'],
      [D, 'lo'],
    ] as const)
      sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    const tls = await loopbackTls(dir, 'manager');
    api = await startApiStandIn(tls.certFile, tls.keyFile, G, join(dir, 'api.log'));
    const wrapper = join(dir, 'dhcp-script');
    const cmd = [process.execPath, BIN, 'intent', 'dhcp-event', '--server', api.url, '--tls-ca', tls.caFile, '--timeout', '5000', '--'];
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `echo "$(date +%T.%N) event: $*" >>'${join(dir, 'script.log')}'`,
        `IOTOPIA_TOKEN='${TOKEN}' ${cmd.map((a) => `'${a}'`).join(' ')} "$@" >>'${join(dir, 'script.log')}' 2>&1`,
        `rc=$?; echo "$(date +%T.%N) exit $rc" >>'${join(dir, 'script.log')}'; exit $rc`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    dnsmasq = spawn(
      'ip',
      [
        'netns',
        'exec',
        G,
        'dnsmasq',
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--pid-file=',
        '--user=root',
        '--port=0',
        '--no-resolv',
        '--no-hosts',
        '--interface=vg',
        '--bind-interfaces',
        '--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h',
        '--dhcp-range=2001:db8::100,2001:db8::1ff,64,1h',
        `--dhcp-leasefile=${join(dir, 'leases')}`,
        `--dhcp-script=${wrapper}`,
        '--log-facility=-',
        '--log-dhcp',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    dnsmasq.stderr?.on('data', (b: Buffer) => {
      log += b.toString();
    });
  });

  after(() => {
    api?.stop();
    dnsmasq?.kill();
    // dhclient stays in the background with its lease until released; a failed test may leave it.
    const pidFile = join(dir, 'dhclient6.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
    if (pid > 0) spawnSync('kill', [String(pid)]);
    deleteNamespaces(G, D);
    rmSync(dir, { recursive: true, force: true });
  });

  /** What dnsmasq and the script said, for a failure message. */
  const said = (): string => {
    const file = join(dir, 'script.log');
    const apiLog = join(dir, 'api.log');
    return `dnsmasq:\n${log}\nscript:\n${existsSync(file) ? readFileSync(file, 'utf8') : '(nothing)'}\napi:\n${existsSync(apiLog) ? readFileSync(apiLog, 'utf8') : '(nothing)'}`;
  };
  const nextRequest = async () => {
    assert.ok(api !== undefined);
    try {
      return await api.next(30_000);
    } catch (e) {
      assert.fail(`${(e as Error).message}\n${said()}`);
    }
  };

  const udhcpc = (): void => {
    const hex = Buffer.from(MUD_URL).toString('hex');
    // -q: quit once leased; -B: ask for broadcast answers (the raw socket misses unicast offers on a veth).
    const client = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        D,
        'busybox',
        'udhcpc',
        '-i',
        'vd',
        '-f',
        '-q',
        '-n',
        '-B',
        '-t',
        '10',
        '-T',
        '1',
        '-s',
        '/bin/true',
        '-x',
        `0xa1:${hex}`,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(client.status, 0, `udhcpc: ${client.stderr}\n${said()}`);
  };

  test('a new lease is POSTed with MAC, IPv4 and the MUD URL; the same client again (old) too', async () => {
    udhcpc();
    const post = await nextRequest();
    assert.equal(post.method, 'POST');
    assert.equal(post.url, '/api/v1/intent/devices');
    assert.equal(post.authorization, `Bearer ${TOKEN}`);
    const body = JSON.parse(post.body) as { mac: string; ipv4: string; mudUrl: string; source: string };
    assert.equal(body.mac, MAC);
    assert.match(body.ipv4, /^192\.0\.2\.(1[0-4]\d|150)$/);
    assert.equal(body.mudUrl, MUD_URL);
    assert.equal(body.source, 'dhcp');
    udhcpc();
    const again = await nextRequest();
    assert.equal(again.method, 'POST');
    assert.deepEqual(JSON.parse(again.body), body);
    assert.match(readFileSync(join(dir, 'script.log'), 'utf8'), /event: old 02:00:00:00:02:0d/);
  });

  test('a released lease is DELETEd', async () => {
    const leased = /192\.0\.2\.\d+/.exec(readFileSync(join(dir, 'leases'), 'utf8'))?.[0];
    assert.ok(leased !== undefined, said());
    releaseLease(D, 'vd', MAC, leased, '192.0.2.1');
    const del = await nextRequest();
    assert.equal(del.method, 'DELETE');
    assert.equal(del.url, `/api/v1/intent/devices/${encodeURIComponent(MAC)}`);
    assert.equal(del.authorization, `Bearer ${TOKEN}`);
  });

  test('DHCPv6 (option 112): the MAC from DNSMASQ_MAC and the IPv6 address are POSTed; the release DELETEd', {
    skip: hasDhclient ? false : 'dhclient is not installed: skipped',
  }, async () => {
    const conf = join(dir, 'dhclient6.conf');
    writeFileSync(conf, `option dhcp6.mud-url code 112 = string;\nsend dhcp6.mud-url "${MUD_URL}";\n`);
    const dhclient = (...extra: string[]) =>
      spawnSync(
        'ip',
        [
          'netns',
          'exec',
          D,
          'dhclient',
          '-6',
          '-1',
          ...extra,
          '-cf',
          conf,
          '-lf',
          join(dir, 'dhclient6.leases'),
          '-pf',
          join(dir, 'dhclient6.pid'),
          '-sf',
          '/bin/true',
          'vd',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
    const got = dhclient();
    assert.equal(got.status, 0, `dhclient: ${got.stderr}\n${said()}`);
    const post = await nextRequest();
    assert.equal(post.method, 'POST');
    const body = JSON.parse(post.body) as { mac: string; ipv6: string; mudUrl: string; source: string };
    assert.equal(body.mac, MAC);
    assert.match(body.ipv6, /^2001:db8::1[0-9a-f]{2}$/);
    assert.equal(body.mudUrl, MUD_URL);
    assert.equal(body.source, 'dhcp');
    const released = dhclient('-r');
    assert.equal(released.status, 0, `dhclient -r: ${released.stderr}`);
    rmSync(join(dir, 'dhclient6.pid'), { force: true });
    const del = await nextRequest();
    assert.equal(del.method, 'DELETE');
    assert.equal(del.url, `/api/v1/intent/devices/${encodeURIComponent(MAC)}`);
  });
});

describe('intent dhcp-event checks what comes from the network', () => {
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    IOTOPIA_SERVER: 'https://127.0.0.1:9',
    IOTOPIA_TOKEN: 't',
    ...extra,
  });
  const run = (args: string[], extra?: Record<string, string>) => runCli(['intent', 'dhcp-event', ...args], process.cwd(), env(extra));

  test('a DHCPv4 lease: MAC normalised, IPv4, the URL of a MUDstring', () => {
    assert.deepEqual(leaseOf('02:00:00:00:02:0D', '192.0.2.7', { DNSMASQ_MUD_URL: `${MUD_URL} reserved` }), {
      mac: '02:00:00:00:02:0d',
      ipv4: '192.0.2.7',
      mudUrl: MUD_URL,
    });
    assert.deepEqual(leaseOf('02:00:00:00:02:0d', '192.0.2.7', {}), { mac: '02:00:00:00:02:0d', ipv4: '192.0.2.7' });
  });

  test('a DHCPv6 lease: the MAC comes from DNSMASQ_MAC (the argument is the DUID), the address is IPv6', () => {
    const v6 = { DNSMASQ_IAID: '1', DNSMASQ_MAC: '02:00:00:00:02:0e', DNSMASQ_MUD_URL: MUD_URL };
    assert.deepEqual(leaseOf('00:01:00:01:2a:bc:de:f0:02:00:00:00:02:0e', '2001:db8::7', v6), {
      mac: '02:00:00:00:02:0e',
      ipv6: '2001:db8::7',
      mudUrl: MUD_URL,
    });
  });

  test('bad values exit 2 before anything is sent; ignored actions exit 0', async () => {
    const cases: [string[], Record<string, string>?][] = [
      [['add', 'not-a-mac', '192.0.2.7']],
      [['add', '02:00:00:00:02:0d', '192.0.2.300']],
      [['add', '02:00:00:00:02:0d', '2001:db8::7']],
      [['add', '02:00:00:00:02:0d', '192.0.2.7'], { DNSMASQ_MUD_URL: 'http://things.example.com/lamp' }],
      [['add', '02:00:00:00:02:0d', '192.0.2.7'], { DNSMASQ_MUD_URL: `https://things.example.com/${'a'.repeat(300)}` }],
      [['add', '02:00:00:00:02:0d', '192.0.2.7'], { DNSMASQ_MUD_URL: 'https://things.example.com/a\tb' }],
      [['add', '00:01:00:01:2a:bc', '2001:db8::7'], { DNSMASQ_IAID: '1' }],
      [['add', '02:00:00:00:02:0d', '192.0.2.7', '--timeout', '0']],
    ];
    for (const [args, extra] of cases) {
      const r = await run(args, extra);
      assert.equal(r.code, 2, `${args.join(' ')} ${JSON.stringify(extra)}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
    for (const action of ['init', 'tftp', 'arp-add', 'arp-del', 'relay-snoop'])
      assert.equal((await run([action, '1', '2'])).code, 0, action);
  });

  test('del sends DELETE for the MAC to the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-dhcp-del-'));
    const tls = await loopbackTls(dir, 'manager');
    const api = await startApiStandIn(tls.certFile, tls.keyFile);
    try {
      const r = await run(['del', '02:00:00:00:02:0D', '192.0.2.7', '--tls-ca', tls.caFile], { IOTOPIA_SERVER: api.url });
      assert.equal(r.code, 0, r.err);
      const del = await api.next(10_000);
      assert.equal(del.method, 'DELETE');
      assert.equal(del.url, `/api/v1/intent/devices/${encodeURIComponent('02:00:00:00:02:0d')}`);
      assert.equal(del.authorization, 'Bearer t');
    } finally {
      api.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an API that cannot be reached exits 1 with one line', async () => {
    const r = await run(['add', '02:00:00:00:02:0d', '192.0.2.7', '--timeout', '2000']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /cannot reach https:\/\/127\.0\.0\.1:9/);
  });
});
