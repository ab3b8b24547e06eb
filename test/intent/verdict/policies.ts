/** The two devices of the verdict tests, resolved from the MUD files in fixtures/ with documentation addresses. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveMud } from '../../../src/intent/resolve.ts';
import type { DeviceContext, ResolvedPolicy } from '../../../src/intent/resolve-types.ts';
import { parseMud } from '../../../src/mud/validate/parse-mud.ts';

export const HUB = { mac: '02:00:00:00:00:0a', ipv4: '192.0.2.10', ipv6: '2001:db8:1::10' };
export const SENSOR = { mac: '02:00:00:00:00:0b', ipv4: '192.0.2.11', ipv6: '2001:db8:1::11' };
export const DNS_SERVERS = ['203.0.113.53', '2001:db8:3::35'];

function shared(): Omit<DeviceContext, 'mac'> {
  return {
    controllers: new Map([['urn:example:broker', ['203.0.113.10', '2001:db8:3::a']]]),
    myControllers: ['203.0.113.20', '2001:db8:3::14', '192.0.2.20'],
    localNetworks: ['192.0.2.0/24', '2001:db8:1::/64'],
    names: new Map([['cloud.example.com', ['203.0.113.30', '203.0.113.31', '2001:db8:3::1e']]]),
    manufacturers: new Map([
      ['maker.example.com', ['203.0.113.64/28', '2001:db8:3:40::/60']],
      ['things.example.com', [HUB.ipv4, SENSOR.ipv4, '203.0.113.128/27', HUB.ipv6, SENSOR.ipv6]],
    ]),
    models: new Map([
      ['https://things.example.com/sensor', [SENSOR.ipv4, SENSOR.ipv6, '203.0.113.200/30']],
      ['https://things.example.com/hub', [HUB.ipv4, HUB.ipv6]],
    ]),
  };
}

export function fixture(name: string): Uint8Array {
  return readFileSync(new URL(`fixtures/${name}`, import.meta.url));
}

function resolve(file: string, device: typeof HUB): ResolvedPolicy {
  const parsed = parseMud(fixture(file));
  assert.deepEqual(parsed.errors, []);
  assert.ok(parsed.mud !== undefined);
  return resolveMud(parsed.mud, { ...shared(), ...device });
}

/** The hub and the sensor, each resolved for its own addresses. */
export function testPolicies(): ResolvedPolicy[] {
  return [resolve('hub.json', HUB), resolve('sensor.json', SENSOR)];
}
