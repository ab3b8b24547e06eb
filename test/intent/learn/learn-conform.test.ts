/**
 * The acceptance check of learning: the captures a file was learned from, judged against that file
 * by the verdict engine (as the gateway's nftables rules would judge them), show no violation.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodePacket } from '../../../src/intent/capture/decode.ts';
import type { Packet } from '../../../src/intent/capture/packet.ts';
import { readPackets } from '../../../src/intent/capture/read-capture.ts';
import { learnMud } from '../../../src/intent/learn/learn.ts';
import type { DeviceContext } from '../../../src/intent/resolve-types.ts';
import { conform } from '../../../src/intent/verdict/conform.ts';
import type { MudFile } from '../../../src/mud/model/mud-file.ts';
import { runCli } from '../../helpers/cli.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';
import { ACK, ether, ipv4, pcapFile, tcp, udp } from '../capture/build.ts';
import { CDN, DEVICE, DEVICE_MAC, deviceTraffic, GATEWAY_MAC, NTP } from './traffic.ts';

const context = (mac: string, localNetworks: string[]): DeviceContext => ({
  mac,
  controllers: new Map(),
  myControllers: [],
  localNetworks,
  names: new Map(),
});

const at = (data: Uint8Array, i: number): Packet =>
  decodePacket({ timeUs: 1_765_000_000_000_000 + i, wireLength: data.length, linktype: 1, data })!;
let seq = 0;
const toDevPacket = (ip: Uint8Array): Packet => at(ether(DEVICE_MAC, GATEWAY_MAC, 0x0800, ip), seq++);
const fromDevPacket = (ip: Uint8Array): Packet => at(ether(GATEWAY_MAC, DEVICE_MAC, 0x0800, ip), seq++);

async function* list(packets: Packet[]): AsyncGenerator<Packet> {
  yield* packets;
}

async function violations(packets: AsyncIterable<Packet>, mud: MudFile, ctx: DeviceContext, gatewayMac?: string): Promise<string[]> {
  const r = await conform(packets, mud, ctx, gatewayMac === undefined ? {} : { gatewayMac });
  assert.ok(r.judged > 0, 'packets of the device were judged');
  return r.violations.map((v) => `${v.direction} ${v.peer}:${v.peerPort} ${v.decision}`);
}

describe('traffic conforms to the file learned from it', () => {
  const packets = deviceTraffic().map((r) => decodePacket({ timeUs: r.timeUs, wireLength: r.data.length, linktype: 1, data: r.data })!);

  it('built traffic: names resolved from the capture, local client, IPv6 — no violation, with or without the gateway MAC', async () => {
    const { mud } = await learnMud([list(packets)], { mac: DEVICE_MAC, gatewayMac: GATEWAY_MAC, mudUrl: 'https://mud.example.com/l.json' });
    const ctx = context(DEVICE_MAC, ['192.0.2.0/24', '2001:db8::/64']);
    assert.deepEqual(await violations(list(packets), mud, ctx), []);
    assert.deepEqual(await violations(list(packets), mud, ctx, GATEWAY_MAC), []);
  });

  it('captures that begin with replies: the service port is kept and the traffic still conforms', async () => {
    const late = [
      // The NTP answer and the HTTPS server's data arrive first: the requests were before the capture.
      toDevPacket(ipv4(NTP, DEVICE, 17, udp(123, 40100, new Uint8Array(48)))),
      toDevPacket(ipv4(CDN, DEVICE, 6, tcp(443, 50500, ACK, new Uint8Array(20)))),
      fromDevPacket(ipv4(DEVICE, CDN, 6, tcp(50500, 443, ACK))),
    ];
    const r = await learnMud([list(late)], { mac: DEVICE_MAC, gatewayMac: GATEWAY_MAC, mudUrl: 'https://mud.example.com/l.json' });
    assert.deepEqual(
      r.rules.map((x) => [
        x.peer.kind === 'address' ? x.peer.network : x.peer.kind,
        x.flow.protocol,
        x.flow.port,
        x.flow.initiatedBy,
        x.flow.directionInitiated,
      ]),
      [
        [`${NTP}/32`, 'udp', 123, 'device', undefined],
        [`${CDN}/32`, 'tcp', 443, 'device', false],
      ],
    );
    assert.deepEqual(await violations(list(late), r.mud, context(DEVICE_MAC, ['192.0.2.0/24'])), []);
  });

  it('and the check can fail: traffic outside the learned file is a violation', async () => {
    const { mud } = await learnMud([list(packets.filter((p) => p.ip?.dstPort !== 5683 && p.ip?.srcPort !== 5683))], {
      mac: DEVICE_MAC,
      mudUrl: 'https://mud.example.com/l.json',
    });
    const found = await violations(list(packets), mud, context(DEVICE_MAC, ['192.0.2.0/24', '2001:db8::/64']));
    assert.deepEqual(found, ['from-device 2001:db8:1::5:5683 default-deny', 'to-device 2001:db8:1::5:5683 default-deny']);
  });

  it('through the CLI: intent learn, then intent conform exits 0', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const tmp = await mkdtemp(join(tmpdir(), 'iotopia-learn-conform-'));
    try {
      await writeFile(join(tmp, 'c.pcap'), pcapFile(deviceTraffic()));
      const learned = await runCli(
        [
          'intent',
          'learn',
          '--pcap',
          'c.pcap',
          '--mac',
          DEVICE_MAC,
          '--gateway-mac',
          GATEWAY_MAC,
          '--mud-url',
          'https://mud.example.com/l.json',
          '-o',
          'l.json',
        ],
        tmp,
      );
      assert.equal(learned.code, 0, learned.err);
      const args = ['intent', 'conform', '--pcap', 'c.pcap', '--mud', 'l.json', '--mac', DEVICE_MAC, '--local-network', '192.0.2.0/24'];
      const r = await runCli([...args, '--local-network', '2001:db8::/64'], tmp);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^0 violation\(s\)/m);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

const dir = vectorPath('mud', 'pcap', 'SmarterCoffee');
describe('the SmarterCoffee captures conform to the file learned from them', {
  skip: dir === undefined && vectorsMissing('mud/pcap/SmarterCoffee'),
}, () => {
  const MAC = '5c:cf:7f:07:ae:fb';
  const files =
    dir === undefined
      ? []
      : readdirSync(dir)
          .filter((f) => f.endsWith('.pcap'))
          .sort()
          .map((f) => join(dir, f));

  it('each capture, judged on its own, has no violation', async () => {
    const { mud } = await learnMud(
      files.map((f) => readPackets(f)),
      { mac: MAC, mudUrl: 'https://mud.example.com/smartercoffee.json' },
    );
    const ctx = context(MAC, ['10.10.10.0/24']);
    let judged = 0;
    for (const f of files) {
      const r = await conform(readPackets(f), mud, ctx);
      judged += r.judged;
      assert.deepEqual(r.violations, [], f);
    }
    assert.ok(judged > 50, `${judged} packets judged`);
  });
});
