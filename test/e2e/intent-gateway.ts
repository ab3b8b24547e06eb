/**
 * The gateway of the intent end-to-end tests: `iotopia up` with the mud and intent roles (and any
 * other) running in a Topology's gateway namespace, listening on the gateway's controller-link
 * address with a TLS certificate from a CA made here; a MUD signer CA; a signed lamp MUD file
 * published through the API; API calls made from the gateway namespace; dnsmasq's hook.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { cachedKeys } from '../helpers/keys.ts';
import type { Topology } from '../helpers/netns.ts';
import { certificateFor } from '../helpers/pki.ts';
import { testCa } from '../server/http/tls-helpers.ts';

export const DEVICE_MAC = '02:00:00:00:00:0a';
/** The gateway's address on the controller link: the server's listener, reachable from every namespace. */
export const SERVER = '203.0.113.1:8443';
export const MUD_URL = `https://${SERVER}/mud/lamp.json`;
export const CLOUD = 'cloud.example.com';
export const HUB = 'urn:example:hub';
export const ROOT = new URL('../..', import.meta.url).pathname;

const ace = (name: string, matches: object) => ({ name, matches, actions: { forwarding: 'accept' } });
const fromDevice = { 'ietf-mud:direction-initiated': 'from-device' };
const udpHub = (port: string) => ({
  'ietf-mud:mud': { controller: HUB },
  ipv4: { protocol: 17 },
  udp: { [port]: { operator: 'eq', port: 9999 } },
});

/** The lamp may open TCP 8080 to cloud.example.com and exchange UDP 9999 with its hub controller; nothing else. */
export const lampFile = (mudUrl: string) => ({
  'ietf-mud:mud': {
    'mud-version': 1,
    'mud-url': mudUrl,
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
            ace('hub', udpHub('destination-port')),
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
            ace('hub', udpHub('source-port')),
          ],
        },
      },
    ],
  },
});

/** The lamp served by the gateway's mud role. */
export const LAMP = lampFile(MUD_URL);

/** One HTTPS request to the management API; prints `STATUS BODY`. Arguments: url, token, method, body. */
export const API_CALL = `const [url,token,method,body]=process.argv.slice(1);
fetch(url,{method,headers:{authorization:'Bearer '+token,...(body?{'content-type':'application/json'}:{})},...(body?{body}:{})})
.then(async r=>{console.log(r.status+' '+await r.text())},e=>{console.log('0 '+e.message)})`;

/** Resolves with the whole stdout once `iotopia up` has printed its banner. */
export function banner(child: ChildProcess): Promise<string> {
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

export interface ApiAnswer {
  status: number;
  json: unknown;
  text: string;
}

export interface Gateway {
  token: string;
  /** The PEM file of the CA of the server's TLS certificate. */
  ca: string;
  api(method: string, path: string, body?: object): ApiAnswer;
  /** dnsmasq's `--dhcp-script`: `iotopia intent dhcp-event` reporting each lease (and its MUD URL) to this server. */
  dhcpHook(): string;
}

/**
 * Starts `iotopia up --roles ROLES` in the gateway with the intent settings of these tests (the hub
 * controller, the gateway's dnsmasq as resolver and DNS server, a one-second tick) and publishes
 * the signed lamp file.
 */
export async function startGateway(net: Topology, dir: string, roles: string, extra: string[] = []): Promise<Gateway> {
  const tls = await testCa('IoTopia e2e server CA');
  const host = SERVER.split(':')[0] as string;
  const leaf = await tls.issue(host, [host]);
  const ca = join(dir, 'server-ca.pem');
  writeFileSync(ca, tls.pem);
  writeFileSync(join(dir, 'server.pem'), `${leaf.cert}${tls.pem}`);
  writeFileSync(join(dir, 'server.key'), leaf.key);
  const anchorKeys = await cachedKeys('secp256r1', 31);
  const anchor = { keys: anchorKeys, certificate: certificateFor(anchorKeys, { commonName: 'IoTopia e2e MUD signer CA', ca: true }) };
  const signerKeys = await cachedKeys('secp256r1', 32);
  const signer = certificateFor(signerKeys, { commonName: 'mud.example.com', issuer: anchor });
  const signerCa = join(dir, 'signer-ca.pem');
  writeFileSync(signerCa, anchor.certificate.toString());

  const gw = net.links.device.gatewayIpv4;
  const args = [
    ...['up', '--roles', roles, '--listen', SERVER, '--tls-cert', join(dir, 'server.pem'), '--tls-key', join(dir, 'server.key')],
    ...['--data-dir', join(dir, 'server'), '--log-level', 'warn', '--intent-gateway', 'e2e'],
    ...['--intent-mud-server-ca', ca, '--intent-mud-signer-ca', signerCa, '--intent-controllers', `${HUB}=${net.links.controller.ipv4}`],
    ...['--intent-dns-servers', gw, '--intent-resolver', gw, '--intent-tick-interval', '1', ...extra],
  ];
  const text = await banner(net.spawn('gateway', process.execPath, [join(ROOT, 'bin/iotopia.js'), ...args]));
  const token = /admin API token[^:]*: (\S+)/.exec(text)?.[1] ?? assert.fail(`no admin token in: ${text}`);

  const api = (method: string, path: string, body?: object): ApiAnswer => {
    const url = `https://${SERVER}/api/v1${path}`;
    const payload = body === undefined ? '' : JSON.stringify(body);
    const out = net.run('gateway', 'env', [`NODE_EXTRA_CA_CERTS=${ca}`, process.execPath, '-e', API_CALL, url, token, method, payload]);
    const space = out.indexOf(' ');
    const answer = out.slice(space + 1).trim();
    let json: unknown;
    try {
      json = JSON.parse(answer);
    } catch {
      json = undefined;
    }
    return { status: Number(out.slice(0, space)), json, text: answer };
  };

  const content = new TextEncoder().encode(JSON.stringify(LAMP));
  const signature = signMudFile(content, { privateKey: signerKeys.privateKey, certificate: signer });
  const published = api('PUT', '/mud-files/lamp.json', {
    content: Buffer.from(content).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  });
  assert.equal(published.status, 200, published.text);

  const dhcpHook = (): string => {
    const hook = join(dir, 'dhcp-event.sh');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    writeFileSync(
      hook,
      `#!/bin/sh
IOTOPIA_TOKEN="$(cat '${tokenFile}')" exec '${process.execPath}' '${join(ROOT, 'bin/iotopia.js')}' intent dhcp-event \\
  --server 'https://${SERVER}' --tls-ca '${ca}' -- "$@" >> '${join(dir, 'dhcp-event.log')}' 2>&1
`,
      { mode: 0o755 },
    );
    return hook;
  };

  return { token, ca, api, dhcpHook };
}

/** A busybox udhcpc event script that configures the leased IPv4 address and default route. */
export function udhcpcScript(dir: string): string {
  const script = join(dir, 'udhcpc.sh');
  writeFileSync(
    script,
    '#!/bin/sh\ncase "$1" in bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface"; ip route replace default via "$router";; esac\n',
    { mode: 0o755 },
  );
  return script;
}

/** Asks for a DHCPv4 lease from the device namespace, with the MUD URL in option 161 when given. */
export function lease(net: Topology, dir: string, mudUrl?: string): void {
  const option = mudUrl === undefined ? [] : ['-x', `0xa1:${Buffer.from(mudUrl).toString('hex')}`];
  const args = ['udhcpc', '-i', net.links.device.ifname, '-f', '-q', '-n', '-t', '5', '-T', '1', '-s', udhcpcScript(dir), ...option];
  const r = net.exec('device', 'busybox', args);
  assert.equal(r.status, 0, `udhcpc: ${r.stderr}`);
}

/** What the tests read of `GET /api/v1/intent/devices/{mac}`. */
export interface DeviceView {
  state?: string;
  guid?: string;
  ipv4?: string;
  mudUrl?: string;
  urlSource?: string;
  mud?: { signer?: string; signed?: boolean };
  resolved?: { name: string; addresses: string[] }[];
  lastError?: { code: string; message: string };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the device's view until `ok` holds (at most `seconds`), and returns the last view ({} while unknown). */
export async function deviceUntil(g: Gateway, mac: string, ok: (d: DeviceView) => boolean, seconds = 30): Promise<DeviceView> {
  const read = (): DeviceView => {
    const r = g.api('GET', `/intent/devices/${mac}`);
    return r.status === 200 ? (r.json as DeviceView) : {};
  };
  let d = read();
  for (let i = 0; i < seconds * 5 && !ok(d); i++) {
    await pause(200);
    d = read();
  }
  return d;
}
