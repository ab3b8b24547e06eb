/**
 * The MUD manager end to end on real components in network namespaces: `iotopia up --roles
 * mud,intent` runs in the gateway (the mud role serves a signed MUD file over https with a
 * certificate from a CA made here; the intent role programs the gateway's nftables). The device
 * asks busybox udhcpc for a lease carrying its MUD URL (DHCPv4 option 161); dnsmasq's
 * `--dhcp-script` hands MAC, address and DNSMASQ_MUD_URL to the manager (POST
 * /api/v1/intent/devices, source dhcp); the manager fetches, verifies, resolves and enforces. Real
 * TCP and UDP from the device namespace then pass only where the file allows; a changed DNS record
 * is followed after its TTL; an operator's quarantine closes the device and a release reopens it.
 * Needs root, ip, nft, dnsmasq, busybox.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { type Dnsmasq, startDnsmasq } from '../helpers/dnsmasq.ts';
import { cachedKeys } from '../helpers/keys.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { certificateFor } from '../helpers/pki.ts';
import { tempDir } from '../helpers/temp.ts';
import { testCa } from '../server/http/tls-helpers.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);

const DEVICE_MAC = '02:00:00:00:00:0a';
/** The gateway's address on the controller link: the server's listener, reachable from every namespace. */
const SERVER = '203.0.113.1:8443';
const MUD_URL = `https://${SERVER}/mud/lamp.json`;
const CLOUD = 'cloud.example.com';
const HUB = 'urn:example:hub';
const ROOT = new URL('../..', import.meta.url).pathname;

const ace = (name: string, matches: object) => ({ name, matches, actions: { forwarding: 'accept' } });
const fromDevice = { 'ietf-mud:direction-initiated': 'from-device' };

/** The lamp may open TCP 8080 to cloud.example.com and exchange UDP 9999 with its hub controller; nothing else. */
const LAMP = {
  'ietf-mud:mud': {
    'mud-version': 1,
    'mud-url': MUD_URL,
    'last-update': '2026-01-01T00:00:00Z',
    'cache-validity': 24,
    'is-supported': true,
    systeminfo: 'IoTopia end-to-end lamp',
    'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'from' }] } },
    'to-device-policy': { 'access-lists': { 'access-list': [{ name: 'to' }] } },
  },
  'ietf-access-control-list:acls': {
    acl: [
      {
        name: 'from',
        type: 'ipv4-acl-type',
        aces: {
          ace: [
            ace('cloud', {
              ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': CLOUD },
              tcp: { ...fromDevice, 'destination-port': { operator: 'eq', port: 8080 } },
            }),
            ace('hub', {
              'ietf-mud:mud': { controller: HUB },
              ipv4: { protocol: 17 },
              udp: { 'destination-port': { operator: 'eq', port: 9999 } },
            }),
          ],
        },
      },
      {
        name: 'to',
        type: 'ipv4-acl-type',
        aces: {
          ace: [
            ace('cloud', {
              ipv4: { protocol: 6, 'ietf-acldns:src-dnsname': CLOUD },
              tcp: { ...fromDevice, 'source-port': { operator: 'eq', port: 8080 } },
            }),
            ace('hub', {
              'ietf-mud:mud': { controller: HUB },
              ipv4: { protocol: 17 },
              udp: { 'source-port': { operator: 'eq', port: 9999 } },
            }),
          ],
        },
      },
    ],
  },
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the whole stdout once `iotopia up` has printed its banner. */
function banner(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('Ctrl-C stops the server.')) ok(out);
    });
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => fail(new Error(`iotopia up exited ${code}: ${err}${out}`)));
  });
}

/** One HTTPS request to the management API; prints `STATUS BODY`. Arguments: url, token, method, body. */
const API_CALL = `const [url,token,method,body]=process.argv.slice(1);
fetch(url,{method,headers:{authorization:'Bearer '+token,...(body?{'content-type':'application/json'}:{})},...(body?{body}:{})})
.then(async r=>{console.log(r.status+' '+await r.text())},e=>{console.log('0 '+e.message)})`;

interface DeviceView {
  state?: string;
  ipv4?: string;
  mudUrl?: string;
  urlSource?: string;
  mud?: { signer?: string; signed?: boolean };
  resolved?: { name: string; addresses: string[] }[];
  lastError?: { code: string; message: string };
}

describe('the MUD manager enforces a device that announced its MUD URL by DHCP', { skip }, () => {
  const dir = tempDir('iotopia-enforce-');
  let net: Topology | undefined;
  let dnsmasq: Dnsmasq | undefined;
  let token = '';
  let ca = '';
  let leased = '';
  after(() => net?.destroy());

  /** Calls the API from the gateway namespace (where the server listens), trusting the test CA. */
  function api(method: string, path: string, body?: object): { status: number; json: unknown; text: string } {
    const out = (net as Topology).run('gateway', 'env', [
      `NODE_EXTRA_CA_CERTS=${ca}`,
      process.execPath,
      '-e',
      API_CALL,
      `https://${SERVER}/api/v1${path}`,
      token,
      method,
      body === undefined ? '' : JSON.stringify(body),
    ]);
    const space = out.indexOf(' ');
    const text = out.slice(space + 1).trim();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: Number(out.slice(0, space)), json, text };
  }

  const device = (): DeviceView => {
    const r = api('GET', `/intent/devices/${DEVICE_MAC}`);
    return r.status === 200 ? (r.json as DeviceView) : {};
  };

  /** Polls the device until `ok` holds (at most `seconds`), and returns the last view. */
  async function deviceUntil(ok: (d: DeviceView) => boolean, seconds = 30): Promise<DeviceView> {
    let d = device();
    for (let i = 0; i < seconds * 5 && !ok(d); i++) {
      await pause(200);
      d = device();
    }
    return d;
  }

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    const n = net;
    const tls = await testCa('IoTopia e2e server CA');
    const leaf = await tls.issue('203.0.113.1', ['203.0.113.1']);
    ca = join(dir, 'server-ca.pem');
    writeFileSync(ca, tls.pem);
    writeFileSync(join(dir, 'server.pem'), `${leaf.cert}${tls.pem}`);
    writeFileSync(join(dir, 'server.key'), leaf.key);

    const anchorKeys = await cachedKeys('secp256r1', 31);
    const anchor = { keys: anchorKeys, certificate: certificateFor(anchorKeys, { commonName: 'IoTopia e2e MUD signer CA', ca: true }) };
    const signerKeys = await cachedKeys('secp256r1', 32);
    const signer = certificateFor(signerKeys, { commonName: 'mud.example.com', issuer: anchor });
    const signerCa = join(dir, 'signer-ca.pem');
    writeFileSync(signerCa, anchor.certificate.toString());

    const gw = n.links.device.gatewayIpv4;
    const up = n.spawn('gateway', process.execPath, [
      join(ROOT, 'bin/iotopia.js'),
      'up',
      '--roles',
      'mud,intent',
      '--listen',
      SERVER,
      '--tls-cert',
      join(dir, 'server.pem'),
      '--tls-key',
      join(dir, 'server.key'),
      '--data-dir',
      join(dir, 'server'),
      '--log-level',
      'warn',
      '--intent-gateway',
      'e2e',
      '--intent-mud-server-ca',
      ca,
      '--intent-mud-signer-ca',
      signerCa,
      '--intent-controllers',
      `${HUB}=${n.links.controller.ipv4}`,
      '--intent-dns-servers',
      gw,
      '--intent-resolver',
      gw,
      '--intent-tick-interval',
      '1',
    ]);
    const text = await banner(up);
    token = /admin API token[^:]*: (\S+)/.exec(text)?.[1] ?? assert.fail(`no admin token in: ${text}`);

    const content = new TextEncoder().encode(JSON.stringify(LAMP));
    const signature = signMudFile(content, { privateKey: signerKeys.privateKey, certificate: signer });
    const published = api('PUT', '/mud-files/lamp.json', {
      content: Buffer.from(content).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
    });
    assert.equal(published.status, 200, published.text);

    // The dhcp-script: a lease with a MUD URL goes to the manager as a DHCP observation.
    const hook = join(dir, 'hook.sh');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, token);
    writeFileSync(
      hook,
      `#!/bin/sh
[ -n "$DNSMASQ_MUD_URL" ] || exit 0
case "$1" in add|old) ;; *) exit 0;; esac
body="{\\"mac\\":\\"$2\\",\\"ipv4\\":\\"$3\\",\\"mudUrl\\":\\"$DNSMASQ_MUD_URL\\",\\"source\\":\\"dhcp\\"}"
NODE_EXTRA_CA_CERTS='${ca}' '${process.execPath}' -e '${API_CALL.replaceAll("'", "'\\''")}' 'https://${SERVER}/api/v1/intent/devices' "$(cat '${tokenFile}')" POST "$body" >> '${join(dir, 'hook.log')}' 2>&1
`,
    );
    chmodSync(hook, 0o755);
    dnsmasq = await startDnsmasq(n, {
      dir,
      dhcpScript: hook,
      hosts: { [CLOUD]: [n.links.internet.ipv4] },
      localDomains: ['example.com'],
      ttl: 1,
    });
    n.run('internet', 'ip', ['addr', 'add', '198.51.100.3/24', 'dev', n.links.internet.ifname]);
    await n.serve('internet', { tcp: [8080, 8081], udp: [9999] });
    await n.serve('controller', { udp: [9998, 9999] });
    await n.serve('device', { tcp: [8080] });
  });

  const probe = (from: 'device' | 'internet', proto: 'tcp' | 'udp', addr: string, port: number) =>
    (net as Topology).probe(from, proto, addr, port);

  test('the lease with option 161 reaches the manager, which fetches, verifies and enforces the file', async () => {
    const n = net as Topology;
    const script = join(dir, 'udhcpc.sh');
    writeFileSync(
      script,
      '#!/bin/sh\ncase "$1" in bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface"; ip route replace default via "$router";; esac\n',
    );
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
      `0xa1:${hex}`,
    ]);
    assert.equal(r.status, 0, `udhcpc: ${r.stderr}`);
    const d = await deviceUntil((v) => v.state === 'enforced' || v.lastError !== undefined);
    assert.equal(d.state, 'enforced', JSON.stringify(d));
    assert.equal(d.mudUrl, MUD_URL);
    assert.equal(d.urlSource, 'dhcp');
    assert.match(d.ipv4 ?? '', /^192\.0\.2\.\d+$/);
    leased = d.ipv4 as string;
    assert.equal(d.mud?.signed, true);
    assert.match(d.mud?.signer ?? '', /CN=mud\.example\.com/);
    assert.deepEqual(
      d.resolved?.map((x) => [x.name, x.addresses]),
      [[CLOUD, ['198.51.100.2']]],
    );
  });

  test('only the flows the file allows pass, opened from the device', () => {
    assert.equal(probe('device', 'tcp', '198.51.100.2', 8080), 'open', 'TCP 8080 to cloud.example.com');
    assert.equal(probe('device', 'udp', '203.0.113.2', 9999), 'open', 'UDP 9999 to the hub controller');
    assert.equal(probe('device', 'tcp', '198.51.100.2', 8081), 'blocked', 'another TCP port');
    assert.equal(probe('device', 'udp', '203.0.113.2', 9998), 'blocked', 'another UDP port of the controller');
    assert.equal(probe('device', 'udp', '198.51.100.2', 9999), 'blocked', 'UDP 9999 to a host that is not the controller');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'blocked', 'TCP 8080 to an address cloud.example.com does not have');
    assert.equal(probe('internet', 'tcp', leased, 8080), 'blocked', 'the cloud may not open a connection to the device');
  });

  test('a changed DNS record is followed after its TTL, without opening anything else', async () => {
    (dnsmasq as Dnsmasq).setHosts({ [CLOUD]: ['198.51.100.3'] });
    // The manager re-resolves once the TTL (clamped to at least 30 s) has passed.
    const d = await deviceUntil((v) => v.resolved?.[0]?.addresses[0] === '198.51.100.3', 90);
    assert.deepEqual(d.resolved?.[0]?.addresses, ['198.51.100.3'], JSON.stringify(d));
    assert.equal(d.state, 'enforced');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'open', 'the new address of cloud.example.com');
    assert.equal(probe('device', 'tcp', '198.51.100.2', 8080), 'blocked', 'the old address no longer');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8081), 'blocked', 'another TCP port of the new address');
  });

  test('an operator quarantines the device (basics only) and releases it', async () => {
    const q = api('POST', `/intent/devices/${DEVICE_MAC}/quarantine`, { reason: 'end-to-end test' });
    assert.equal(q.status, 200, q.text);
    assert.equal((await deviceUntil((v) => v.state === 'quarantined')).state, 'quarantined');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'blocked', 'the allowed flow is closed in quarantine');
    assert.equal(probe('device', 'udp', '203.0.113.2', 9999), 'blocked');
    const actions = api('GET', `/intent/quarantine-actions?mac=${DEVICE_MAC}`);
    assert.equal(actions.status, 200, actions.text);
    assert.match(actions.text, /"action":"quarantine"/);
    const rel = api('POST', `/intent/devices/${DEVICE_MAC}/release`, { reason: 'done' });
    assert.equal(rel.status, 200, rel.text);
    assert.equal((await deviceUntil((v) => v.state === 'enforced')).state, 'enforced');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8080), 'open', 'released: the file applies again');
    assert.equal(probe('device', 'tcp', '198.51.100.3', 8081), 'blocked');
  });
});
