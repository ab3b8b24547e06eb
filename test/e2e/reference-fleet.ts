/**
 * The reference product's fleet for the compliance proof, made as a maker and an owner make one:
 * `iotopia up` in a gateway namespace (manufacturer, rendezvous, owner, mud and intent roles, TLS)
 * publishes the lamp's signed MUD file; a device in its own namespace is manufactured (DI, model
 * `lamp`) and onboarded (TO2) with the lamp's MUD URL, and the manager enforces that file; a signed
 * SUIT release of the lamp goes out in a campaign that the device's agent installs, proving it with a
 * verified report. Needs root, ip, nft, dnsmasq, busybox.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsmasq } from '../helpers/dnsmasq.ts';
import type { Topology } from '../helpers/netns.ts';
import { CLOUD, DEVICE_MAC, deviceUntil, type Gateway, lease, MUD_URL, ROOT, SERVER, startGateway } from './intent-gateway.ts';

export const MODEL = 'lamp';

export interface ReferenceFleet {
  gateway: Gateway;
  /** The onboarded device's GUID, as TO2 left it. */
  guid: string;
  /** The device's leased address. */
  address: string;
  releaseId: string;
  campaignId: string;
  /** Runs `iotopia ARGS --json` in the gateway namespace against the server; the parsed answer. */
  cli(args: string[], expectCode?: number): unknown;
}

/** `iotopia` in the gateway namespace with the admin token and the server's CA. */
function gatewayCli(net: Topology, g: Gateway, dir: string) {
  return (args: string[], expectCode = 0): unknown => {
    const env = [`IOTOPIA_SERVER=https://${SERVER}`, `IOTOPIA_TOKEN=${g.token}`, `IOTOPIA_TLS_CA=${g.ca}`];
    const r = net.exec('gateway', 'env', ['-C', dir, ...env, process.execPath, join(ROOT, 'bin/iotopia.js'), ...args, '--json']);
    assert.equal(r.status, expectCode, `iotopia ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout.trim() === '' ? undefined : JSON.parse(r.stdout);
  };
}

/** The device agent (`iotopia device …`) in the device namespace, trusting the server's CA. */
function agent(net: Topology, g: Gateway, args: string[]): string {
  const r = net.exec('device', process.execPath, [join(ROOT, 'bin/iotopia.js'), 'device', ...args, '--tls-ca', g.ca, '--json']);
  assert.equal(r.status, 0, `iotopia device ${args[0]}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds the fleet in `net` (made with the device's MAC and no fixed device address). */
export async function makeReferenceFleet(net: Topology, dir: string): Promise<ReferenceFleet> {
  // The campaign engine ticks every second (the gateway inherits the environment).
  process.env['IOTOPIA_CAMPAIGN_TICK_INTERVAL'] = '1';
  const gateway = await startGateway(net, dir, 'manufacturer,rendezvous,owner,mud,intent', ['--auto-owner']);
  await startDnsmasq(net, {
    dir,
    dhcpScript: gateway.dhcpHook(),
    hosts: { [CLOUD]: [net.links.internet.ipv4] },
    localDomains: ['example.com'],
  });
  lease(net, dir);
  const cli = gatewayCli(net, gateway, dir);

  const token = gateway.api('POST', '/manufacturer/di-tokens', { name: 'lamp line', maxDevices: 1 });
  assert.equal(token.status, 201, token.text);
  const credential = join(dir, 'device', 'credential.cbor');
  const secret = (token.json as { secret: string }).secret;
  agent(net, gateway, ['init', '--manufacturer', `https://${SERVER}`, '--credential', credential, '--di-token', secret, '--model', MODEL]);
  const onboarded = JSON.parse(
    agent(net, gateway, ['onboard', '--credential', credential, '--owner', `https://${SERVER}`, '--mud-url', MUD_URL]),
  ) as {
    guid: string;
  };
  const view = await deviceUntil(gateway, DEVICE_MAC, (v) => v.state === 'enforced' || v.lastError !== undefined);
  assert.equal(view.state, 'enforced', JSON.stringify(view));

  // The first poll of the device API makes the onboarded device active.
  agent(net, gateway, ['run', '--once', '--credential', credential]);
  writeFileSync(join(dir, 'lamp-2.0.0.bin'), Buffer.alloc(4096, 7));
  const release = cli(['release', 'create', '--model', MODEL, '--version', '2.0.0', '--seq', '2', '--component', 'fw=lamp-2.0.0.bin']) as {
    id: string;
  };
  const campaign = cli(['campaign', 'create', '--name', 'lamp 2.0.0', '--release', release.id, '--target', 'state==active']) as {
    id: string;
  };
  cli(['campaign', 'start', campaign.id]);
  for (let i = 0; i < 30; i++) {
    agent(net, gateway, ['run', '--once', '--credential', credential, '--accept-updates']);
    if ((cli(['campaign', 'show', campaign.id]) as { state: string }).state === 'finished') break;
    await pause(1000);
  }
  assert.equal((cli(['campaign', 'show', campaign.id]) as { state: string }).state, 'finished', 'the campaign reached the lamp');
  return {
    gateway,
    guid: onboarded.guid,
    address: view.ipv4 ?? assert.fail('no leased address'),
    releaseId: release.id,
    campaignId: campaign.id,
    cli,
  };
}
