/**
 * Writes test/fuzz/corpus/mud-file.json: MUD files made by IoTopia's own builder (every peer kind,
 * both address families, transparency), the same file in the pre-RFC shape, and small broken
 * ones. Run it again only when the seeds should change: `node test/fuzz/seed-mud-file.ts`.
 */
import { writeFileSync } from 'node:fs';
import { mudFromSpec } from '../../src/mud/author/spec.ts';

const now = new Date('2026-12-01T00:00:00Z');
const full = mudFromSpec(
  {
    manufacturer: 'Fuzz Devices',
    model: 'F1',
    mudUrl: 'https://fuzz.example/mud/f1.json',
    documentation: 'https://fuzz.example/f1',
    cloud: [
      { domain: 'api.fuzz.example', protocol: 'tcp', port: 443 },
      { domain: 'ntp.fuzz.example', protocol: 'udp', port: 123 },
    ],
    local: [{ protocol: 'tcp', port: 80, initiatedBy: 'peer' }],
    controllers: [{ uri: 'urn:ietf:params:mud:dns', protocol: 'udp', port: 53 }],
    myController: [{ protocol: 'tcp', port: 8883 }],
    sameManufacturer: [{ protocol: 'udp' }],
    manufacturers: [{ authority: 'hub.fuzz.example', protocol: 'tcp', port: 8443 }],
    models: [{ mudUrl: 'https://fuzz.example/mud/f2.json', protocol: 'tcp', port: 9000 }],
    sbom: { url: 'https://fuzz.example/sbom.json', version: '1' },
    vulnerabilities: ['https://fuzz.example/csaf.json'],
  },
  now,
).json;
const small = mudFromSpec(
  { manufacturer: 'M', model: 'S', mudUrl: 'https://m.example/s', ipVersions: ['ipv4'], cloud: [{ domain: 'a.example', port: 443 }] },
  now,
).json;

// The same small file in the pre-RFC shape, with an Ethernet ACL and a port range.
const old = JSON.parse(JSON.stringify(small).replace('"ietf-access-control-list:acls"', '"ietf-access-control-list:access-lists"'));
old['ietf-access-control-list:access-lists'].acl.push({
  name: 'eth',
  type: 'ethernet-acl-type',
  aces: { ace: [{ name: 'e0', matches: { eth: { ethertype: '0x888e' } }, actions: { forwarding: 'accept' } }] },
});
old['ietf-access-control-list:access-lists'].acl[0].aces.ace[0].matches.tcp['destination-port'] = {
  operator: 'range',
  'lower-port': 1024,
  'upper-port': 65535,
};
old['ietf-mud:mud']['mudtx:transparency'] = { 'vuln-url': ['https://m.example/csaf.json'] };
old['ietf-mud:mud'].extensions = ['transparency'];

const seeds = [full, small, old, { 'ietf-mud:mud': { 'mud-version': 2, 'cache-validity': 0 } }, [], {}];
writeFileSync(
  new URL('./corpus/mud-file.json', import.meta.url),
  `${JSON.stringify(
    seeds.map((s) => Buffer.from(JSON.stringify(s)).toString('hex')),
    null,
    1,
  )}\n`,
);
