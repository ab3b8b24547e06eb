/**
 * Intent for the demo: each model's MUD file written from a short description (as `iotopia mud
 * new`), signed by the demo's signer (as `mud sign`) and published on the mud role (as `mud
 * publish`); then every device registered with the MUD manager under its link MAC and address
 * (POST /intent/devices), which fetches, verifies and enforces its model's file.
 */
import { mudFromSpec } from '../../mud/author/spec.ts';
import type { DemoApi } from './api.ts';
import { DEMO_MAKER, type DemoModel, deviceLink, mudUrlOf } from './models.ts';
import type { DemoMudSigner } from './mud-signer.ts';
import type { DemoDevice } from './seed-fleet.ts';

/** The MUD file of a model: its cloud flows, device-initiated. */
export function mudFileOf(m: DemoModel, now: Date): Uint8Array {
  const spec = {
    manufacturer: DEMO_MAKER,
    model: m.model,
    mudUrl: mudUrlOf(m.model),
    systeminfo: m.name,
    ipVersions: ['ipv4'],
    cacheValidity: 48,
    cloud: m.cloud.map((c) => ({ domain: c.domain, protocol: c.protocol, port: c.port })),
  };
  return new TextEncoder().encode(`${JSON.stringify(mudFromSpec(spec, now).json, null, 2)}\n`);
}

export async function publishMudFiles(api: DemoApi, signer: DemoMudSigner, models: readonly DemoModel[], now: Date): Promise<void> {
  for (const m of models) {
    const content = mudFileOf(m, now);
    const body = { content: Buffer.from(content).toString('base64'), signature: Buffer.from(signer.sign(content)).toString('base64') };
    await api('PUT', `/mud-files/${encodeURIComponent(`${m.model}.json`)}`, body);
  }
}

interface IntentDeviceView {
  mac: string;
  state: string;
  lastError?: unknown;
}

/** Registers every device with the MUD manager; resolves how many ended enforced. */
export async function registerIntentDevices(api: DemoApi, devices: readonly DemoDevice[]): Promise<number> {
  let enforced = 0;
  for (const d of devices) {
    const link = deviceLink(d.index);
    const view = await api<IntentDeviceView>('POST', '/intent/devices', {
      mac: link.mac,
      ipv4: link.ipv4,
      mudUrl: mudUrlOf(d.model),
      guid: d.guid,
      name: `${d.model}-${d.index}`,
      source: 'api',
    });
    if (view.state === 'enforced') enforced++;
  }
  return enforced;
}
