/**
 * The demo's fleet: four device models of one maker, each with its cloud service (a name under
 * the reserved `.example` domain, answered with a documentation address of RFC 5737) and the
 * flows its MUD file allows. Devices sit behind a simulated gateway on 10.42.0.0/24.
 */

export interface DemoModel {
  /** The model DI writes into the voucher, and the product's model. */
  model: string;
  name: string;
  devices: number;
  cloud: { domain: string; address: string; protocol: 'tcp' | 'udp'; port: number }[];
}

export const DEMO_MAKER = 'IoTopia Demo Devices';
export const DEMO_DOMAIN = 'demo.iotopia.example';

export const DEMO_MODELS: readonly DemoModel[] = [
  { model: 'demo-lamp', name: 'Demo smart lamp', devices: 12, cloud: [cloud('lamp', '203.0.113.10', 'tcp', 443)] },
  { model: 'demo-plug', name: 'Demo smart plug', devices: 12, cloud: [cloud('plug', '203.0.113.20', 'tcp', 8883)] },
  {
    model: 'demo-camera',
    name: 'Demo camera',
    devices: 12,
    cloud: [cloud('camera', '203.0.113.30', 'tcp', 443), cloud('time', '203.0.113.123', 'udp', 123)],
  },
  { model: 'demo-thermostat', name: 'Demo thermostat', devices: 12, cloud: [cloud('thermostat', '203.0.113.40', 'tcp', 443)] },
];

function cloud(service: string, address: string, protocol: 'tcp' | 'udp', port: number) {
  return { domain: `${service}.${DEMO_DOMAIN}`, address, protocol, port };
}

/** The model whose release the demo rolls out (and whose campaign pauses on failures). */
export const RELEASE_MODEL = 'demo-camera';
/** The model one of whose devices misbehaves until it is quarantined. */
export const ROGUE_MODEL = 'demo-lamp';

/** Where the demo's MUD files are published (the mud role serves them by their last path segment). */
export const mudUrlOf = (model: string): string => `https://mud.${DEMO_DOMAIN}/${model}.json`;

/** Every cloud name of the fleet, with its address, for the demo's resolver. */
export function cloudNames(): Map<string, string[]> {
  return new Map(DEMO_MODELS.flatMap((m) => m.cloud.map((c) => [c.domain, [c.address]] as [string, string[]])));
}

/** The simulated gateway's MAC and address on the devices' link. */
export const GATEWAY = { mac: '02:00:00:00:ff:fe', ipv4: '10.42.0.1' };

/** A device's MAC (locally administered) and address on the link, from its fleet index. */
export function deviceLink(index: number): { mac: string; ipv4: string } {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return { mac: `02:00:00:00:${hex(index >> 8)}:${hex(index & 0xff)}`, ipv4: `10.42.${1 + (index >> 8)}.${10 + (index & 0xff)}` };
}
