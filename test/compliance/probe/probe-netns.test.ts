/**
 * The probe as it is meant to run: a test device in its own network namespace listening on two TCP
 * ports (and dropping a third), the `iotopia probe` command run from another namespace of the lab
 * network through its gateway. Needs root and `ip` (and `nft` for the dropped port); traffic stays
 * inside the namespaces, which are deleted afterwards.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MudBuilder } from '../../../src/mud/author/builder.ts';
import { skipReason, Topology, toolMissing } from '../../helpers/netns.ts';
import { tempDir } from '../../helpers/temp.ts';
import { MUD_URL } from './mud-fixtures.ts';

const BIN = new URL('../../../bin/iotopia.js', import.meta.url).pathname;
/** A debug shell left on: the kind of service EN 303 645 5.6-1 asks to be disabled. */
const TELNET = 8023;
const WEB = 8080;
const DROPPED = 8081;
const skip = skipReason() || toolMissing('nft', ['--version']);

/** A MUD file letting the controller open connections to `ports` on the device, in IPv4 ACLs only. */
function mudAllowing(ports: number[]): string {
  const b = new MudBuilder({ mudUrl: MUD_URL, lastUpdate: '2026-12-01T08:00:00Z', ipVersions: ['ipv4'] });
  for (const port of ports) b.allow({ kind: 'controller', uri: 'urn:example:lab-hub' }, { protocol: 'tcp', port, initiatedBy: 'peer' });
  b.allow({ kind: 'domain', name: 'cloud.example.com' }, { protocol: 'tcp', port: 443 });
  return JSON.stringify(b.build().json);
}

describe('iotopia probe across network namespaces', { skip }, () => {
  let topo: Topology;
  const dir = tempDir('iotopia-probe-netns-');
  before(async () => {
    topo = new Topology();
    topo.run(
      'device',
      'nft',
      ['-f', '-'],
      `table inet lab {\n chain inp {\n  type filter hook input priority filter; policy accept;\n  tcp dport ${DROPPED} drop\n }\n}\n`,
    );
    await topo.serve('device', { tcp: [TELNET, WEB] });
    writeFileSync(join(dir, 'web-only.json'), mudAllowing([WEB]));
    writeFileSync(join(dir, 'both.json'), mudAllowing([WEB, TELNET]));
  });
  after(() => topo?.destroy());

  const probe = (address: string, mud: string, ports: string) => {
    const r = topo.exec('internet', process.execPath, [
      BIN,
      'probe',
      '--address',
      address,
      '--mud',
      join(dir, mud),
      '--ports',
      ports,
      '--timeout',
      '300',
      '--json',
    ]);
    assert.ok(r.stdout.length > 0, `no output: exit ${r.status}: ${r.stderr}`);
    return { code: r.status, result: JSON.parse(r.stdout), err: r.stderr };
  };

  test('one port allowed, one unexpected: exit 1; the dropped port is filtered', () => {
    const { code, result, err } = probe(topo.links.device.ipv4, 'web-only.json', '8000-8100');
    assert.equal(code, 1, err);
    assert.deepEqual(result.open, [TELNET, WEB]);
    assert.deepEqual(result.allowed, [WEB]);
    assert.deepEqual(result.unexpected, [TELNET]);
    assert.equal(result.filtered, 1);
    assert.equal(result.closed, 101 - 3);
    assert.match(err, new RegExp(`does not allow: ${TELNET}`));
  });

  test('with the MUD file allowing both: exit 0', () => {
    const { code, result, err } = probe(topo.links.device.ipv4, 'both.json', '8000-8100');
    assert.equal(code, 0, err);
    assert.deepEqual(result.allowed, [TELNET, WEB]);
    assert.deepEqual(result.unexpected, []);
  });

  test('over IPv6 the IPv4-only ACLs allow nothing: both open ports are unexpected', () => {
    const { code, result } = probe(topo.links.device.ipv6, 'both.json', `${TELNET}-${WEB}`);
    assert.equal(code, 1);
    assert.deepEqual(result.open, [TELNET, WEB]);
    assert.deepEqual(result.unexpected, [TELNET, WEB]);
  });
});
