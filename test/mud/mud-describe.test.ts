/** `describeMud`: rows and sentences say what each ACE allows, in the direction it applies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeMud, rulesTable } from '../../src/mud/describe/describe.ts';
import { validateMud } from '../../src/mud/validate/parse-mud.ts';

const file = {
  'ietf-mud:mud': {
    'mud-version': 1,
    'mud-url': 'https://cam.example/mud/c1.json',
    'last-update': '2026-06-01T00:00:00Z',
    'is-supported': false,
    'mfg-name': 'Cam Co',
    'model-name': 'C1',
    extensions: ['transparency'],
    'ietf-mud-transparency:transparency': {
      sboms: [{ 'version-info': '3.0', 'sbom-url': 'https://cam.example/sbom/3.0.json' }],
      'vuln-contact-uri': 'mailto:psirt@cam.example',
    },
    'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'fr' }] } },
    'to-device-policy': { 'access-lists': { 'access-list': [{ name: 'to' }] } },
    'example-q:quaranteed-device-policy': { 'access-lists': { 'access-list': [{ name: 'fr' }] } },
  },
  'ietf-access-control-list:acls': {
    acl: [
      {
        name: 'fr',
        type: 'ipv4-acl-type',
        aces: {
          ace: [
            {
              name: 'dns',
              matches: {
                'ietf-mud:mud': { controller: 'urn:ietf:params:mud:dns' },
                ipv4: { protocol: 17 },
                udp: { 'destination-port': { port: 53 } },
              },
              actions: { forwarding: 'accept' },
            },
            {
              name: 'ping',
              matches: { ipv4: { protocol: 1, 'destination-ipv4-network': '192.0.2.0/24' }, icmp: { type: 8 } },
              actions: { forwarding: 'accept' },
            },
            {
              name: 'smb',
              matches: {
                'ietf-mud:mud': { 'local-networks': [null] },
                ipv4: { protocol: 6 },
                tcp: { 'destination-port': { operator: 'gte', port: 1024 } },
              },
              actions: { forwarding: 'drop' },
            },
          ],
        },
      },
      {
        name: 'to',
        type: 'ipv4-acl-type',
        aces: {
          ace: [
            {
              name: 'peers',
              matches: {
                'ietf-mud:mud': { 'same-manufacturer': [null] },
                ipv4: { protocol: 6 },
                tcp: { 'ietf-mud:direction-initiated': 'to-device', 'destination-port': { 'lower-port': 8000, 'upper-port': 8080 } },
              },
              actions: { forwarding: 'accept' },
            },
          ],
        },
      },
    ],
  },
};

test('rows follow the policies, with the peer on the far side of each direction', () => {
  const r = validateMud(file);
  assert.deepEqual(r.errors, []);
  const d = describeMud(r.mud as NonNullable<typeof r.mud>);
  assert.deepEqual(
    d.rows.map((x) => [x.policy, x.ace, x.peer, x.protocol, x.ports, x.initiatedBy ?? '-', x.action]),
    [
      ['from-device', 'dns', 'controller urn:ietf:params:mud:dns', 'UDP', 'dst 53', '-', 'accept'],
      ['from-device', 'ping', '192.0.2.0/24', 'ICMP', '', '-', 'accept'],
      ['from-device', 'smb', 'the local networks', 'TCP', 'dst ≥1024', '-', 'drop'],
      ['to-device', 'peers', 'devices of the same manufacturer', 'TCP', 'dst 8000-8080', 'remote', 'accept'],
    ],
  );
  assert.deepEqual(d.device, {
    mudUrl: 'https://cam.example/mud/c1.json',
    lastUpdate: '2026-06-01T00:00:00Z',
    cacheValidityHours: 48,
    supported: false,
    extensions: ['transparency'],
    manufacturer: 'Cam Co',
    model: 'C1',
  });
});

test('sentences: support, SBOM and vulnerability pointers, each rule in words, quarantine', () => {
  const d = describeMud(validateMud(file).mud as NonNullable<ReturnType<typeof validateMud>['mud']>);
  assert.deepEqual(d.sentences, [
    'MUD file https://cam.example/mud/c1.json for Cam Co C1, last updated 2026-06-01T00:00:00Z; refresh after 48 hours.',
    'The manufacturer no longer supports the device.',
    'SBOM for version 3.0: https://cam.example/sbom/3.0.json.',
    'Report or ask about vulnerabilities at mailto:psirt@cam.example.',
    'The device may send UDP to controller urn:ietf:params:mud:dns on port 53 (IPv4).',
    'The device may send ICMP to 192.0.2.0/24 (IPv4).',
    'The device may not send TCP to the local networks on port ≥1024 (IPv4).',
    'The device may accept TCP connections from devices of the same manufacturer on its port 8000-8080 (IPv4).',
    'When quarantined, the device keeps only: ACL fr.',
  ]);
  const table = rulesTable(d.rows).split('\n');
  assert.equal(table.length, 5);
  assert.match(table[0] as string, /^POLICY\s+FAMILY\s+PEER/);
  // Columns line up: every row starts its PEER column where the header does.
  const at = (table[0] as string).indexOf('PEER');
  for (const [i, row] of d.rows.entries()) assert.ok((table[i + 1] as string).slice(at).startsWith(row.peer), table[i + 1]);
});
