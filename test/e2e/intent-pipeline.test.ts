/**
 * From a DHCP lease to enforcement, on real components in network namespaces: the manufacturer's
 * `iotopia up --roles mud` serves a signed MUD file over https on the internet host; the device asks
 * busybox udhcpc for a lease carrying the MUD URL (DHCPv4 option 161); dnsmasq in the gateway hands
 * it to its `--dhcp-script` (intent-pipeline-hook.ts), which fetches and verifies the file, resolves
 * its DNS name through dnsmasq and applies the compiled policy with nft. Real TCP and UDP from the
 * device namespace then pass only where the file allows. Needs root, ip, nft, dnsmasq, busybox.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { startDnsmasq } from '../helpers/dnsmasq.ts';
import { cachedKeys } from '../helpers/keys.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { certificateFor } from '../helpers/pki.ts';
import { tempDir } from '../helpers/temp.ts';
import { banner, CLOUD, HUB, lampFile, ROOT } from './intent-gateway.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);

const DEVICE_MAC = '02:00:00:00:00:0a';
const MUD_HOST = '198.51.100.2:8443';
const MUD_URL = `https://${MUD_HOST}/mud/lamp.json`;
const LAMP = lampFile(MUD_URL);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PUBLISH = `const [url,token,content,signature]=process.argv.slice(1);
fetch(url,{method:'PUT',headers:{authorization:'Bearer '+token,'content-type':'application/json'},body:JSON.stringify({content,signature})})
.then(async r=>{console.log(r.status+' '+await r.text())},e=>{console.log('error '+e.message)})`;

describe('a device leased by DHCP with a MUD URL ends up enforced', { skip }, () => {
  const dir = tempDir('iotopia-pipeline-');
  const out = join(dir, 'events.jsonl');
  let net: Topology | undefined;
  after(() => net?.destroy());

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    const n = net;
    const up = n.spawn('internet', process.execPath, [
      join(ROOT, 'bin/iotopia.js'),
      'up',
      '--roles',
      'mud',
      '--listen',
      MUD_HOST,
      '--data-dir',
      join(dir, 'mud-server'),
      '--log-level',
      'warn',
    ]);
    const text = await banner(up);
    const token = /admin API token[^:]*: (\S+)/.exec(text)?.[1];
    const ca = /--tls-ca (\S+)/.exec(text)?.[1];
    assert.ok(token !== undefined && ca !== undefined, text);

    const anchorKeys = await cachedKeys('secp256r1', 31);
    const anchor = { keys: anchorKeys, certificate: certificateFor(anchorKeys, { commonName: 'IoTopia e2e MUD signer CA', ca: true }) };
    const signerKeys = await cachedKeys('secp256r1', 32);
    const signer = certificateFor(signerKeys, { commonName: 'mud.example.com', issuer: anchor });
    const content = new TextEncoder().encode(JSON.stringify(LAMP));
    const signature = signMudFile(content, { privateKey: signerKeys.privateKey, certificate: signer });
    const published = n.run('gateway', 'env', [
      `NODE_EXTRA_CA_CERTS=${ca}`,
      process.execPath,
      '-e',
      PUBLISH,
      `https://${MUD_HOST}/api/v1/mud-files/lamp.json`,
      token,
      Buffer.from(content).toString('base64'),
      Buffer.from(signature).toString('base64'),
    ]);
    assert.match(published, /^200 /, published);

    const anchorPem = join(dir, 'signer-ca.pem');
    writeFileSync(anchorPem, anchor.certificate.toString());
    const config = join(dir, 'hook.json');
    writeFileSync(
      config,
      JSON.stringify({
        out,
        serverCa: ca,
        signerAnchor: anchorPem,
        dnsServer: n.links.device.gatewayIpv4,
        controllers: { [HUB]: [n.links.controller.ipv4] },
      }),
    );
    const hook = join(dir, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'test/e2e/intent-pipeline-hook.ts')}' '${config}' "$@"\n`);
    chmodSync(hook, 0o755);
    await startDnsmasq(n, { dir, dhcpScript: hook, hosts: { [CLOUD]: [n.links.internet.ipv4] }, localDomains: ['example.com'], ttl: 5 });
    await n.serve('internet', { tcp: [8080, 8081], udp: [9999] });
    await n.serve('controller', { udp: [9998, 9999] });
    await n.serve('device', { tcp: [8080] });
  });

  const events = (): Record<string, unknown>[] =>
    existsSync(out)
      ? readFileSync(out, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];

  async function lease(withMudUrl: boolean): Promise<void> {
    const n = net as Topology;
    const script = join(dir, 'udhcpc.sh');
    writeFileSync(
      script,
      '#!/bin/sh\ncase "$1" in bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface"; ip route replace default via "$router";; esac\n',
    );
    chmodSync(script, 0o755);
    const option = withMudUrl ? ['-x', `0xa1:${Buffer.from(MUD_URL).toString('hex')}`] : [];
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
      ...option,
    ]);
    assert.equal(r.status, 0, `udhcpc: ${r.stderr}`);
  }

  async function nextEvent(count: number): Promise<Record<string, unknown>> {
    for (let i = 0; i < 300 && events().length < count; i++) await pause(100);
    const all = events();
    assert.ok(all.length >= count, `the dhcp-script reported ${all.length} events, expected ${count}`);
    return all[count - 1] as Record<string, unknown>;
  }

  const probe = (from: 'device' | 'internet', proto: 'tcp' | 'udp', to: 'device' | 'internet' | 'controller', port: number) => {
    const n = net as Topology;
    const addr = to === 'device' ? (leased ?? '') : n.links[to].ipv4;
    return n.probe(from, proto, addr, port);
  };
  let leased: string | undefined;

  test('without a MUD URL the lease changes nothing: every flow passes', async () => {
    await lease(false);
    const e = await nextEvent(1);
    assert.equal(e.ignored, true, JSON.stringify(e));
    leased = e.ip as string;
    assert.match(leased, /^192\.0\.2\.\d+$/);
    assert.equal(probe('device', 'tcp', 'internet', 8081), 'open');
    assert.equal(probe('device', 'udp', 'controller', 9998), 'open');
    assert.equal(probe('internet', 'tcp', 'device', 8080), 'open');
  });

  test('with the MUD URL in option 161 the signed file is fetched, verified and enforced', async () => {
    await lease(true);
    const e = await nextEvent(2);
    assert.equal(e.error, undefined, JSON.stringify(e));
    assert.equal(e.url, MUD_URL);
    assert.equal(e.mac, DEVICE_MAC);
    assert.equal(e.ip, leased);
    assert.equal(e.enforced, true);
    assert.match(String(e.signer), /CN=mud\.example\.com/);
    assert.deepEqual(e.names, { [CLOUD]: ['198.51.100.2'] });
  });

  test('then only the flows the file allows pass, opened from the device', () => {
    assert.equal(probe('device', 'tcp', 'internet', 8080), 'open', 'TCP 8080 to cloud.example.com');
    assert.equal(probe('device', 'udp', 'controller', 9999), 'open', 'UDP 9999 to the hub controller');
    assert.equal(probe('device', 'tcp', 'internet', 8081), 'blocked', 'another TCP port');
    assert.equal(probe('device', 'udp', 'controller', 9998), 'blocked', 'another UDP port of the controller');
    assert.equal(probe('device', 'udp', 'internet', 9999), 'blocked', 'UDP 9999 to a host that is not the controller');
    assert.equal(probe('internet', 'tcp', 'device', 8080), 'blocked', 'the cloud may not open a connection to the device');
  });
});
