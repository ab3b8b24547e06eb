/**
 * The traffic watch: captured packets judged against the enforced policies become violation
 * reports; traffic to the gateway itself and allowed flows do not; nftables counters add what a
 * capture cannot see.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from '../../../src/intent/capture/packet.ts';
import type { IntentViolationReport } from '../../../src/intent/manager/types.ts';
import { createTrafficWatch } from '../../../src/intent/manager/watch.ts';
import { resolveMud } from '../../../src/intent/resolve.ts';
import type { IntentFlowInput } from '../../../src/store/intent-flow-repository.ts';
import { mudJson, parse } from '../mud-fixture.ts';

const DEVICE = '02:00:00:00:00:0a';
const GATEWAY = '02:00:00:00:00:01';

const policy = resolveMud(
  parse(
    mudJson([
      {
        ipv4: { protocol: 6, 'destination-ipv4-network': '198.51.100.0/24' },
        tcp: { 'destination-port': { operator: 'eq', port: 443 } },
      },
    ]),
  ),
  { mac: DEVICE, ipv4: '192.0.2.10', controllers: new Map(), myControllers: [], localNetworks: [], names: new Map() },
);

function tcp(dst: string, port: number, at: number, flags = 0x02): Packet {
  return {
    timeUs: at,
    wireLength: 60,
    srcMac: DEVICE,
    dstMac: GATEWAY,
    ethertype: 0x0800,
    ip: { family: 4, src: '192.0.2.10', dst, protocol: 6, laterFragment: false, srcPort: 40000 + at, dstPort: port, tcpFlags: flags },
  };
}

function fakeManager() {
  const reported = new Map<string, IntentViolationReport[]>();
  const flows: IntentFlowInput[] = [];
  return {
    reported,
    flows,
    manager: {
      recordFlows: async (f: IntentFlowInput[]) => {
        flows.push(...f);
        return f.length;
      },
      policies: async () => [policy],
      reportViolations: async (mac: string, r: IntentViolationReport[]) => {
        reported.set(mac, [...(reported.get(mac) ?? []), ...r]);
        return {} as never;
      },
      learnNames: async () => undefined,
    },
  };
}

describe('traffic watch', () => {
  test('drops are reported per flow with count and times; allowed flows and traffic to the gateway are not', async () => {
    const f = fakeManager();
    const watch = createTrafficWatch({ manager: f.manager, gatewayMac: GATEWAY, gatewayAddresses: ['192.0.2.1'], capturing: true });
    await watch.refresh();
    watch.packet(tcp('198.51.100.7', 443, 1_000_000));
    watch.packet(tcp('198.51.100.7', 22, 2_000_000));
    watch.packet(tcp('198.51.100.7', 22, 3_000_000));
    watch.packet(tcp('192.0.2.1', 22, 4_000_000));
    assert.equal(await watch.flush(), 1);
    const [r] = f.reported.get(DEVICE) ?? [];
    assert.equal(r?.direction, 'from-device');
    assert.equal(r?.protocol, 6);
    assert.equal(r?.peer, '198.51.100.7');
    assert.equal(r?.peerPort, 22);
    assert.equal(r?.count, 2);
    assert.equal(r?.at.getTime(), 3000);
    assert.equal(r?.localPort, undefined, 'an ephemeral local port is not kept');
    assert.deepEqual(watch.stats(), { packets: 4, judged: 3, violations: 2, reported: 1, flows: 2, flowsOverflow: 0 });
    assert.equal(await watch.flush(), 0, 'a flush reports only what was seen since the last one');
  });

  test('on a device interface, new traffic to an address of the device no policy has is reported as unknown-device-address', async () => {
    const down = (src: string, dst: string, sport: number, dport: number, at: number, flags: number): Packet => ({
      timeUs: at,
      wireLength: 60,
      srcMac: GATEWAY,
      dstMac: DEVICE,
      ethertype: src.includes(':') ? 0x86dd : 0x0800,
      ip: {
        family: src.includes(':') ? 6 : 4,
        src,
        dst,
        protocol: 6,
        laterFragment: false,
        srcPort: sport,
        dstPort: dport,
        tcpFlags: flags,
      },
    });
    const traffic = (watch: ReturnType<typeof createTrafficWatch>) => {
      // The device's own connection from 192.0.2.99 (an address no policy has): the reply is established.
      const syn = tcp('198.51.100.7', 443, 1_000_000);
      watch.packet({ ...syn, ip: { ...(syn.ip as NonNullable<Packet['ip']>), src: '192.0.2.99', srcPort: 40001 } });
      watch.packet(down('198.51.100.7', '192.0.2.99', 443, 40001, 2_000_000, 0x12));
      watch.packet(down('2001:db8:2::7', '2001:db8:1::99', 50000, 8080, 3_000_000, 0x02));
      watch.packet(down('198.51.100.7', '192.0.2.10', 50001, 8080, 4_000_000, 0x02));
    };
    const guarded = fakeManager();
    const on = createTrafficWatch({
      manager: guarded.manager,
      gatewayMac: GATEWAY,
      gatewayAddresses: [],
      capturing: true,
      deviceInterfaces: ['lan0'],
      captureIsDeviceInterface: true,
    });
    await on.refresh();
    traffic(on);
    assert.equal(await on.flush(), 2);
    assert.deepEqual(
      (guarded.reported.get(DEVICE) ?? []).map((r) => [r.direction, r.peer, r.localPort, r.acl]),
      [
        ['to-device', '2001:db8:2::7', 8080, 'unknown-device-address'],
        ['to-device', '198.51.100.7', 8080, 'to'],
      ],
    );
    // Without device interfaces, packets to the device's MAC are judged by its policy, whatever their address.
    const plain = fakeManager();
    const off = createTrafficWatch({ manager: plain.manager, gatewayMac: GATEWAY, gatewayAddresses: [], capturing: true });
    await off.refresh();
    traffic(off);
    assert.equal(await off.flush(), 2);
    assert.deepEqual(
      (plain.reported.get(DEVICE) ?? []).map((r) => [r.peer, r.acl]),
      [
        ['2001:db8:2::7', 'to'],
        ['198.51.100.7', 'to'],
      ],
    );
  });

  test('before refresh nothing is managed; frames that do not cross the gateway are not judged', async () => {
    const f = fakeManager();
    const watch = createTrafficWatch({ manager: f.manager, gatewayMac: GATEWAY, gatewayAddresses: [], capturing: true });
    watch.packet(tcp('198.51.100.7', 22, 1));
    await watch.refresh();
    watch.packet({ ...tcp('198.51.100.7', 22, 2), dstMac: '02:00:00:00:00:99' });
    assert.equal(await watch.flush(), 0);
    assert.equal(watch.stats().judged, 1);
  });

  test('nftables counters: the first reading is the baseline; with a capture only to-device drops are added', async () => {
    const readings = [new Map([[DEVICE, { from: 5, to: 1 }]]), new Map([[DEVICE, { from: 9, to: 4 }]])];
    for (const capturing of [true, false]) {
      const f = fakeManager();
      let i = 0;
      const counters = async () => readings[Math.min(i++, 1)] as Map<string, { from: number; to: number }>;
      const watch = createTrafficWatch({ manager: f.manager, gatewayMac: GATEWAY, gatewayAddresses: [], capturing, counters });
      assert.equal(await watch.flush(), 0);
      await watch.flush();
      const got = (f.reported.get(DEVICE) ?? []).map((r) => [r.direction, r.count]);
      assert.deepEqual(
        got,
        capturing
          ? [['to-device', 3]]
          : [
              ['from-device', 4],
              ['to-device', 3],
            ],
      );
    }
  });

  test('recent flows: accepted and dropped new flows of managed devices, with the rule; replies and unmanaged traffic are not', async () => {
    const f = fakeManager();
    const watch = createTrafficWatch({ manager: f.manager, gatewayMac: GATEWAY, gatewayAddresses: ['192.0.2.1'], capturing: true });
    await watch.refresh();
    watch.packet(tcp('198.51.100.7', 443, 1_000_000));
    watch.packet(tcp('198.51.100.7', 443, 1_500_000));
    // The reply of the accepted connection is established: part of the same flow, not a new one.
    watch.packet({
      timeUs: 1_600_000,
      wireLength: 60,
      srcMac: GATEWAY,
      dstMac: DEVICE,
      ethertype: 0x0800,
      ip: {
        family: 4,
        src: '198.51.100.7',
        dst: '192.0.2.10',
        protocol: 6,
        laterFragment: false,
        srcPort: 443,
        dstPort: 40_000 + 1_000_000,
        tcpFlags: 0x12,
      },
    });
    watch.packet(tcp('198.51.100.9', 23, 2_000_000));
    // Another device behind the gateway, with no policy: not managed, not kept.
    watch.packet({ ...tcp('198.51.100.7', 23, 3_000_000), srcMac: '02:00:00:00:00:99' });
    await watch.flush();
    assert.deepEqual(
      f.flows.map((x) => [x.mac, x.direction, x.peer, x.peerPort, x.localPort, x.verdict, x.count, x.at.getTime()]),
      [
        [DEVICE, 'from-device', '198.51.100.7', 443, 0, 'accept', 2, 1500],
        [DEVICE, 'from-device', '198.51.100.9', 23, 0, 'drop', 1, 2000],
      ],
    );
    assert.match(f.flows[0]?.rule ?? '', /^[^/]+\/[^/]+$/, 'an accepted flow names its ACL and ACE');
    assert.match(f.flows[1]?.rule ?? '', /^default-deny/);
    assert.equal(watch.stats().flows, 2);
    await watch.flush();
    assert.equal(f.flows.length, 2, 'a flush records only what was seen since the last one');
  });

  test('recent flows: a failing store is logged and the violations are still reported; recordFlows false keeps none', async () => {
    const f = fakeManager();
    const logged: string[] = [];
    const failing = { ...f.manager, recordFlows: async () => Promise.reject(new Error('disk full')) };
    const watch = createTrafficWatch({
      manager: failing,
      gatewayMac: GATEWAY,
      gatewayAddresses: [],
      capturing: true,
      log: (_level, message, fields) => logged.push(`${message} ${String(fields?.err)}`),
    });
    await watch.refresh();
    watch.packet(tcp('198.51.100.9', 23, 1_000_000));
    assert.equal(await watch.flush(), 1);
    assert.deepEqual(logged, ['intent: recent flows could not be recorded disk full']);
    const off = fakeManager();
    const quiet = createTrafficWatch({
      manager: off.manager,
      gatewayMac: GATEWAY,
      gatewayAddresses: [],
      capturing: true,
      recordFlows: false,
    });
    await quiet.refresh();
    quiet.packet(tcp('198.51.100.9', 23, 1_000_000));
    assert.equal(await quiet.flush(), 1);
    assert.deepEqual(off.flows, []);
  });
});
