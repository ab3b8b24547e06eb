/**
 * Writing the model back (mudToJson): every MUD vector that reads (strictly or leniently) is
 * written in the RFC shape, which then validates strictly and reads back to the same model. For
 * the pre-RFC files this is the proof that lenient normalisation yields conforming files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mudToJson } from '../../src/mud/model/to-json.ts';
import { parseMud, validateMud } from '../../src/mud/validate/parse-mud.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const root = vectorPath('mud');

test('every MUD vector written back in the RFC shape validates strictly and reads to the same model', {
  skip: root === undefined ? vectorsMissing('mud') : false,
}, () => {
  const files = readdirSync(root as string, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.json') && !/sdnmud-config|controllerclass|device-association|cpenodes|signed\//.test(f),
  );
  let written = 0;
  let normalised = 0;
  for (const f of files) {
    const r = parseMud(readFileSync(join(root as string, f)), { lenient: true });
    if (r.mud === undefined) continue;
    const strictBefore = parseMud(readFileSync(join(root as string, f))).mud !== undefined;
    const again = validateMud(mudToJson(r.mud));
    assert.deepEqual(again.errors, [], f);
    assert.deepEqual(again.mud, r.mud, f);
    written++;
    if (!strictBefore) normalised++;
  }
  // All but the file with a duplicate ACL name read; the pre-RFC ones (UNSW, the Echo, the RFC 9472 example) among them.
  assert.ok(written >= 40, `${written} files`);
  assert.ok(normalised >= 16, `${normalised} normalised`);
});

test('optional members and extensions survive the round trip', () => {
  const json = {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': 'https://x.example/m',
      'last-update': '2026-01-01T00:00:00Z',
      'is-supported': true,
      extensions: ['ietf-mud-tls', 'ol', 'vendor-thing'],
      'ietf-mud-tls:is-tls-dtls-profile-supported': true,
      'ietf-ol:ol': { owners: ['X Inc.'], license: [{ 'license-url': 'https://x.example/license' }] },
      'vendor:thing': { a: 1 },
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'a' }] } },
    },
    'ietf-access-control-list:acls': {
      acl: [
        {
          name: 'a',
          type: 'mixed-eth-ipv6-acl-type',
          aces: {
            ace: [
              {
                name: 'e',
                matches: {
                  eth: { 'source-mac-address': '00:11:22:33:44:55', ethertype: 34525 },
                  ipv6: { 'flow-label': 7, dscp: 46, 'source-ipv6-network': '2001:db8::/32' },
                  tcp: { flags: 'syn ack', 'data-offset': 5, options: 'AQID', 'source-port': { operator: 'neq', port: 22 } },
                  'ietf-acl-tls:client-profiles': {
                    'tls-dtls-profile': [{ name: 'p', 'supported-tls-version': ['tls12', 'tls13'], 'certificate-authorities': ['CN=x'] }],
                  },
                },
                actions: { forwarding: 'reject', logging: 'log-syslog' },
              },
            ],
          },
        },
      ],
    },
  };
  const r = validateMud(json);
  assert.deepEqual(r.errors, []);
  const m = r.mud as NonNullable<typeof r.mud>;
  const back = mudToJson(m);
  assert.deepEqual(validateMud(back).mud, m);
  // Unknown extension members are written as they were read.
  assert.deepEqual((back['ietf-mud:mud'] as Record<string, unknown>)['vendor:thing'], { a: 1 });
});
