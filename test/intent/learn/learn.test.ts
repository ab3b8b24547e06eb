import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodePacket } from '../../../src/intent/capture/decode.ts';
import type { Packet } from '../../../src/intent/capture/packet.ts';
import { readPackets } from '../../../src/intent/capture/read-capture.ts';
import { LearnError } from '../../../src/intent/learn/errors.ts';
import { Learner, type LearnOptions, type LearnResult, learnMud } from '../../../src/intent/learn/learn.ts';
import { isEphemeral } from '../../../src/intent/learn/ports.ts';
import { parseMud } from '../../../src/mud/validate/parse-mud.ts';
import { runCli } from '../../helpers/cli.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';
import { pcapFile, pcapngFile } from '../capture/build.ts';
import { COAP6, DEVICE_MAC, deviceTraffic, GATEWAY_MAC, NTP, PINGED } from './traffic.ts';

const MUD_URL = 'https://mud.example.com/learned/device.json';
const SMARTER_MAC = '5c:cf:7f:07:ae:fb';

function packets(): Packet[] {
  return deviceTraffic().map((r) => decodePacket({ timeUs: r.timeUs, wireLength: r.data.length, linktype: 1, data: r.data })!);
}

function learnFrom(list: Packet[], o: Partial<LearnOptions> = {}): LearnResult {
  const l = new Learner({ mac: DEVICE_MAC, mudUrl: MUD_URL, ...o });
  for (const p of list) l.add(p);
  return l.finish();
}

/** One line per ACE: `acl-type name: matches` with the JSON of the matches, for readable golden checks. */
function aceLines(json: Record<string, unknown>): string[] {
  const acls = (json['ietf-access-control-list:acls'] as { acl: { name: string; aces: { ace: { name: string; matches: unknown }[] } }[] })
    .acl;
  return acls.flatMap((a) => a.aces.ace.map((e) => `${a.name.endsWith('fr') ? 'from' : 'to'} ${JSON.stringify(e.matches)}`));
}

function strictlyValid(json: Record<string, unknown>): void {
  const r = parseMud(new TextEncoder().encode(JSON.stringify(json)), { lenient: false });
  assert.deepEqual(r.errors, []);
  assert.ok(r.mud);
}

describe('learning from built traffic', () => {
  const result = learnFrom(packets(), { gatewayMac: GATEWAY_MAC });
  const lines = aceLines(result.json);

  it('writes a strictly valid MUD file with the given mud-url and the last packet time', () => {
    strictlyValid(result.json);
    const mud = result.json['ietf-mud:mud'] as Record<string, unknown>;
    assert.equal(mud['mud-url'], MUD_URL);
    assert.equal(mud['last-update'], new Date(Math.floor(deviceTraffic().at(-1)!.timeUs / 1000)).toISOString());
  });

  it('names the CDN address by the name the device asked for, with the service port only', () => {
    assert.ok(
      lines.includes(
        'from {"ipv4":{"ietf-acldns:dst-dnsname":"api.example.com","protocol":6},"tcp":{"ietf-mud:direction-initiated":"from-device","destination-port":{"operator":"eq","port":443}}}',
      ),
    );
    assert.ok(
      lines.includes(
        'to {"ipv4":{"ietf-acldns:src-dnsname":"api.example.com","protocol":6},"tcp":{"ietf-mud:direction-initiated":"from-device","source-port":{"operator":"eq","port":443}}}',
      ),
    );
    assert.ok(!JSON.stringify(result.json).includes('50123'), 'the ephemeral client port is collapsed');
    assert.ok(!JSON.stringify(result.json).includes('cdn.example.net'), 'the canonical CDN name is not used');
    const rule = result.rules.find((r) => r.peer.kind === 'domain')!;
    assert.equal(rule.episodes, 2);
    assert.deepEqual(rule.addresses, ['203.0.113.7']);
  });

  it('keeps DNS to the gateway and a local client as local-networks, with who initiated', () => {
    assert.ok(
      lines.includes(
        'from {"ietf-mud:mud":{"local-networks":[null]},"ipv4":{"protocol":17},"udp":{"destination-port":{"operator":"eq","port":53}}}',
      ),
    );
    assert.ok(
      lines.includes(
        'to {"ietf-mud:mud":{"local-networks":[null]},"ipv4":{"protocol":6},"tcp":{"ietf-mud:direction-initiated":"to-device","destination-port":{"operator":"eq","port":8080}}}',
      ),
    );
  });

  it('writes unnamed internet peers as host prefixes: NTP, ping with its type, CoAP over IPv6', () => {
    assert.ok(
      lines.includes(
        `from {"ipv4":{"destination-ipv4-network":"${NTP}/32","protocol":17},"udp":{"destination-port":{"operator":"eq","port":123}}}`,
      ),
    );
    assert.ok(lines.includes(`from {"ipv4":{"destination-ipv4-network":"${PINGED}/32","protocol":1},"icmp":{"type":8}}`));
    assert.ok(lines.includes(`to {"ipv4":{"source-ipv4-network":"${PINGED}/32","protocol":1},"icmp":{"type":0}}`));
    assert.ok(
      lines.includes(
        `from {"ipv6":{"destination-ipv6-network":"${COAP6}/128","protocol":17},"udp":{"destination-port":{"operator":"eq","port":5683}}}`,
      ),
    );
  });

  it('leaves out the network basics (DHCP, neighbour discovery) unless asked', () => {
    assert.equal(result.stats.basics, 3);
    assert.equal(result.stats.nonIp, 1);
    assert.equal(result.rules.length, 6);
    assert.ok(!lines.some((l) => /"port":6[78]\}/.test(l)));
    const withBasics = aceLines(learnFrom(packets(), { gatewayMac: GATEWAY_MAC, includeBasics: true }).json);
    assert.ok(
      withBasics.some((l) =>
        l.startsWith(
          'from {"ipv4":{"destination-ipv4-network":"255.255.255.255/32","protocol":17},"udp":{"destination-port":{"operator":"eq","port":67}}}',
        ),
      ),
    );
    assert.ok(withBasics.some((l) => l.includes('"protocol":58},"icmp":{"type":135}')));
  });

  it('is deterministic: the same captures, read in another order, give the same file', () => {
    const list = packets();
    const half = list.findIndex((p) => p.ip?.srcPort === 123);
    const again = learnFrom([...list.slice(half), ...list.slice(0, half)], { gatewayMac: GATEWAY_MAC });
    assert.deepEqual(again.json, result.json);
    assert.deepEqual(learnFrom(list, { gatewayMac: GATEWAY_MAC }).json, result.json);
  });

  it('refuses a bad MAC, an http MUD URL and captures without the device', () => {
    assert.throws(
      () => new Learner({ mac: 'nope', mudUrl: MUD_URL }),
      (e: unknown) => e instanceof LearnError && e.code === 'ERR_INTENT_LEARN_INPUT',
    );
    assert.throws(() => new Learner({ mac: DEVICE_MAC, mudUrl: 'http://mud.example.com/x.json' }), /https/);
    assert.throws(
      () => learnFrom(packets(), { mac: '02:00:5e:00:53:99' }),
      (e: unknown) => e instanceof LearnError && e.code === 'ERR_INTENT_LEARN_EMPTY',
    );
  });
});

describe('ephemeral ports', () => {
  it('are 49152 and above, and on the device side also the Linux range 32768-60999', () => {
    assert.equal(isEphemeral(49151, 'peer'), false);
    assert.equal(isEphemeral(49152, 'peer'), true);
    assert.equal(isEphemeral(40000, 'peer'), false);
    assert.equal(isEphemeral(40000, 'device'), true);
    assert.equal(isEphemeral(32767, 'device'), false);
    assert.equal(isEphemeral(8080, 'device'), false);
  });
});

const dir = vectorPath('mud', 'pcap', 'SmarterCoffee');
const smarter =
  dir === undefined
    ? []
    : readdirSync(dir)
        .filter((f) => f.endsWith('.pcap'))
        .sort()
        .map((f) => join(dir, f));

async function* all(paths: string[]): AsyncGenerator<Packet> {
  for (const p of paths) yield* readPackets(p);
}

describe('learning the SmarterCoffee captures', { skip: dir === undefined && vectorsMissing('mud/pcap/SmarterCoffee') }, () => {
  it('gives a strictly valid file: the app connects to TCP 2081 on the local network, IGMP to 224.0.0.1, no DHCP', async () => {
    const r = await learnMud(all(smarter), { mac: SMARTER_MAC, mudUrl: 'https://mud.example.com/smartercoffee.json' });
    strictlyValid(r.json);
    assert.equal(smarter.length, 20);
    assert.deepEqual(
      r.rules.map((x) => [
        x.peer.kind === 'address' ? x.peer.network : x.peer.kind,
        x.flow.protocol,
        x.flow.port ?? x.flow.ipProtocol,
        x.flow.initiatedBy,
      ]),
      [
        ['local-networks', 'tcp', 2081, 'peer'],
        ['224.0.0.1/32', 'ip', 2, 'device'],
      ],
    );
    assert.equal(r.stats.basics, 82);
    assert.ok(r.stats.nonIp > 100, 'ARP and EAPOL frames are not IP');
    const again = await learnMud(all([...smarter].reverse()), { mac: SMARTER_MAC, mudUrl: 'https://mud.example.com/smartercoffee.json' });
    assert.deepEqual(again.json, r.json);
  });
});

describe('iotopia intent learn', () => {
  const args = ['intent', 'learn', '--mac', DEVICE_MAC, '--gateway-mac', GATEWAY_MAC, '--mud-url', MUD_URL];

  it('learns from a pcapng on stdin and a pcap file, writes -o FILE, and prints JSON', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'iotopia-learn-'));
    try {
      const recs = deviceTraffic();
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(tmp, 'b.pcap'), pcapFile(recs.slice(10), { little: false }));
      const r = await runCli(
        [...args, '--pcap', '-', '--pcap', join(tmp, 'b.pcap'), '-o', join(tmp, 'out.json')],
        tmp,
        process.env,
        pcapngFile(recs.slice(0, 10)),
      );
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /6 rule\(s\)/);
      assert.match(r.out, /-> api\.example\.com ipv4 tcp\/443 \(internet, 2x, 203\.0\.113\.7\)/);
      const written = JSON.parse(await readFile(join(tmp, 'out.json'), 'utf8')) as Record<string, unknown>;
      strictlyValid(written);
      assert.deepEqual(written, learnFrom(packets(), { gatewayMac: GATEWAY_MAC }).json);
      const j = await runCli([...args, '--pcap', '-', '--json'], tmp, process.env, pcapngFile(recs));
      assert.equal(j.code, 0, j.err);
      const doc = JSON.parse(j.out) as { mud: Record<string, unknown>; rules: unknown[]; stats: { basics: number } };
      assert.deepEqual(doc.mud, written);
      assert.equal(doc.rules.length, 6);
      assert.equal(doc.stats.basics, 3);
      const plain = await runCli([...args, '--pcap', '-'], tmp, process.env, pcapngFile(recs));
      assert.deepEqual(JSON.parse(plain.out), written);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('exits 2 for a truncated capture, a bad MAC, or a device with no traffic', async () => {
    const bytes = pcapFile(deviceTraffic());
    const cut = await runCli([...args, '--pcap', '-'], process.cwd(), process.env, bytes.subarray(0, bytes.length - 7));
    assert.equal(cut.code, 2);
    assert.match(cut.err, /ERR_CAPTURE_TRUNCATED/);
    const mac = await runCli(['intent', 'learn', '--mac', 'zz', '--mud-url', MUD_URL, '--pcap', '-'], process.cwd(), process.env, bytes);
    assert.equal(mac.code, 2);
    assert.match(mac.err, /ERR_INTENT_LEARN_INPUT/);
    const none = await runCli(
      ['intent', 'learn', '--mac', '02:00:5e:00:53:77', '--mud-url', MUD_URL, '--pcap', '-'],
      process.cwd(),
      process.env,
      bytes,
    );
    assert.equal(none.code, 2);
    assert.match(none.err, /ERR_INTENT_LEARN_EMPTY/);
  });
});
