/**
 * The MUD URL's way in through DHCP, and DNS answers that change, on real components: dnsmasq in a
 * gateway namespace, busybox udhcpc in the device namespace sending DHCPv4 option 161 (RFC 8520
 * §10), a `--dhcp-script` hook that records what dnsmasq hands it, and DNS queries from the device.
 * Needs root, ip, dnsmasq and busybox.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Dnsmasq, startDnsmasq } from '../helpers/dnsmasq.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { tempDir } from '../helpers/temp.ts';

/** RFC 8520 §10: the DHCPv4 and DHCPv6 options carrying the MUD URL. */
const MUD_URL_DHCPV4_OPTION = 161;
const MUD_URL_DHCPV6_OPTION = 112;
const MUD_URL_V6 = 'https://things.example.com/lamp/v1-ipv6.json';
const MUD_URL = 'https://things.example.com/lamp/v1.json';
const DEVICE_MAC = '02:00:00:00:00:0a';
const NAME = 'cloud.example.com';

const skip = skipReason() || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `ok` holds of its value (at most `tries` times), and returns the last value. */
async function until<T>(read: () => T, ok: (v: T) => boolean, tries = 100): Promise<T> {
  let v = read();
  for (let i = 0; i < tries && !ok(v); i++) {
    await pause(100);
    v = read();
  }
  return v;
}

/** The dnsmasq hook: one line per call with its arguments and the MUD URL dnsmasq passes in the environment. */
const HOOK = (out: string) => `#!/bin/sh
echo "args=$* mud-url=\${DNSMASQ_MUD_URL:-none} mac=\${DNSMASQ_MAC:-none}" >> '${out}'
`;

/** busybox udhcpc's event script: configures the leased address and default route, records the lease. */
const UDHCPC_SCRIPT = (out: string) => `#!/bin/sh
case "$1" in
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    ip route add default via "$router"
    echo "ip=$ip router=$router dns=$dns" > '${out}'
    ;;
esac
`;

const QUERY =
  "const d=require('dns');const r=new d.promises.Resolver();r.setServers([process.argv[1]]);r.resolve4(process.argv[2],{ttl:true}).then(a=>console.log(JSON.stringify(a)),e=>console.log(JSON.stringify({error:e.code})));";

describe('a device on a dnsmasq network', { skip }, () => {
  const dir = tempDir('iotopia-dhcp-');
  let net: Topology | undefined;
  let dnsmasq: Dnsmasq | undefined;
  const hookOut = join(dir, 'hook.log');
  after(() => net?.destroy());
  before(async () => {
    const hook = join(dir, 'hook.sh');
    writeFileSync(hook, HOOK(hookOut));
    chmodSync(hook, 0o755);
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    dnsmasq = await startDnsmasq(net, {
      dir,
      dhcpScript: hook,
      hosts: { [NAME]: ['198.51.100.2'] },
      localDomains: ['example.com'],
      dhcpv6: true,
      ttl: 1,
    });
  });

  test('gets a lease; the DHCP option 161 MUD URL reaches the --dhcp-script as DNSMASQ_MUD_URL', async () => {
    const n = net as Topology;
    const script = join(dir, 'udhcpc.sh');
    const leaseOut = join(dir, 'lease');
    writeFileSync(script, UDHCPC_SCRIPT(leaseOut));
    chmodSync(script, 0o755);
    const hex = Buffer.from(MUD_URL).toString('hex');
    const r = n.exec('device', 'busybox', [
      'udhcpc',
      '-i',
      n.links.device.ifname,
      '-f',
      '-q',
      '-n',
      '-t',
      '5',
      '-T',
      '1',
      '-s',
      script,
      '-x',
      `0x${MUD_URL_DHCPV4_OPTION.toString(16)}:${hex}`,
    ]);
    assert.equal(r.status, 0, `udhcpc: ${r.stderr}`);
    const lease = readFileSync(leaseOut, 'utf8');
    const ip = /ip=(192\.0\.2\.\d+) router=192\.0\.2\.1 /.exec(lease)?.[1];
    assert.ok(ip !== undefined, `the lease is in the device link's range and names the gateway: ${lease}`);
    const lines = await until(
      () => (existsSync(hookOut) ? readFileSync(hookOut, 'utf8') : ''),
      (v) => v.includes('args=add'),
    );
    assert.match(lines, new RegExp(`^args=add ${DEVICE_MAC} ${ip.replaceAll('.', '\\.')} mud-url=${MUD_URL} mac=`, 'm'));
    assert.match(readFileSync((dnsmasq as Dnsmasq).leaseFile, 'utf8'), new RegExp(`${DEVICE_MAC} ${ip.replaceAll('.', '\\.')} `));
    await n.serve('internet', { tcp: [8080] });
    assert.equal(n.probe('device', 'tcp', n.links.internet.ipv4, 8080), 'open', 'the leased address and route reach the internet host');
  });

  test('a DHCPv6 lease (dhclient) carries option 112: the --dhcp-script gets the DUID, the address, the MAC and the MUD URL', {
    skip: toolMissing('dhclient', ['--version']),
  }, async () => {
    const n = net as Topology;
    const ifname = n.links.device.ifname;
    // The client sends from its link-local address, usable once duplicate address detection is over.
    const ready = (v: string) => v.includes('fe80') && !v.includes('tentative');
    const addrs = await until(() => n.run('device', 'ip', ['-6', 'addr', 'show', 'dev', ifname]), ready);
    assert.ok(ready(addrs), `the device has a usable link-local address: ${addrs}`);
    const conf = join(dir, 'dhclient6.conf');
    writeFileSync(conf, `option dhcp6.mudurl code ${MUD_URL_DHCPV6_OPTION} = string;\nsend dhcp6.mudurl "${MUD_URL_V6}";\n`);
    const files = ['-lf', join(dir, 'dhclient6.leases'), '-pf', join(dir, 'dhclient6.pid')];
    const client = n.spawn('device', 'dhclient', ['-6', '-d', '-cf', conf, ...files, '-sf', '/bin/true', ifname]);
    let said = '';
    client.stderr?.on('data', (d) => {
      said += d;
    });
    const lines = await until(
      () => (existsSync(hookOut) ? readFileSync(hookOut, 'utf8') : ''),
      (v) => v.includes(`mud-url=${MUD_URL_V6}`),
    );
    assert.match(
      lines,
      new RegExp(`^args=add [0-9a-f:]+ 2001:db8:1::1[0-9a-f]{2} mud-url=${MUD_URL_V6} mac=${DEVICE_MAC}$`, 'm'),
      `dhclient: ${said.slice(-600)}\ndnsmasq: ${(dnsmasq as Dnsmasq).readLog().slice(-1200)}`,
    );
  });

  test('a DNS name answered with the configured TTL follows a changed record', async () => {
    const n = net as Topology;
    const ask = (): { address: string; ttl: number }[] | { error: string } =>
      JSON.parse(n.run('device', process.execPath, ['-e', QUERY, n.links.device.gatewayIpv4, NAME]));
    assert.deepEqual(ask(), [{ address: '198.51.100.2', ttl: 1 }]);
    (dnsmasq as Dnsmasq).setHosts({ [NAME]: ['198.51.100.3'] });
    const changed = await until(ask, (v) => Array.isArray(v) && v[0]?.address === '198.51.100.3');
    assert.deepEqual(changed, [{ address: '198.51.100.3', ttl: 1 }]);
    assert.deepEqual(
      JSON.parse(n.run('device', process.execPath, ['-e', QUERY, n.links.device.gatewayIpv4, 'absent.example.com'])),
      { error: 'ENOTFOUND' },
      'a name of the local domain that is not in the records does not exist',
    );
  });
});
