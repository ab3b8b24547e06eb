/**
 * Simulated traffic of the demo's devices, fed to the intent pillar's traffic watch as a capture
 * on the gateway would feed it: each flow is judged by the verdict engine against the policies
 * the manager enforces, and the dropped ones are reported as violations (which quarantine a
 * device past the threshold).
 */
import type { Packet } from '../../intent/capture/packet.ts';
import type { IntentManager } from '../../intent/manager/types.ts';
import { createTrafficWatch, type TrafficWatch } from '../../intent/manager/watch.ts';
import { DEMO_MODELS, deviceLink, GATEWAY } from './models.ts';
import type { DemoDevice } from './seed-fleet.ts';

/** Peers no demo MUD file allows: telnet and IRC on documentation addresses. */
export const FORBIDDEN = [
  { address: '198.51.100.66', protocol: 6, port: 23 },
  { address: '198.51.100.77', protocol: 6, port: 6667 },
  { address: '192.0.2.99', protocol: 17, port: 1900 },
] as const;

export interface DemoTraffic {
  /** One packet from the device: to its model's cloud service (allowed), or to a forbidden peer. */
  send(d: DemoDevice, kind: 'cloud' | 'forbidden', pick?: number): void;
  /** Judged so far, and violations reported so far. */
  stats(): { judged: number; violations: number; reported: number };
  /** Reports what was judged a violation since the last flush. */
  flush(): Promise<number>;
}

let ephemeral = 40000;

function packet(d: DemoDevice, peer: { address: string; protocol: number; port: number }): Packet {
  const link = deviceLink(d.index);
  ephemeral = ephemeral >= 60999 ? 40000 : ephemeral + 1;
  return {
    timeUs: Date.now() * 1000,
    wireLength: 74,
    srcMac: link.mac,
    dstMac: GATEWAY.mac,
    ethertype: 0x0800,
    ip: {
      family: 4,
      src: link.ipv4,
      dst: peer.address,
      protocol: peer.protocol,
      laterFragment: false,
      srcPort: ephemeral,
      dstPort: peer.port,
      ...(peer.protocol === 6 ? { tcpFlags: 0x02 } : {}),
    },
  };
}

export function demoTraffic(manager: IntentManager): DemoTraffic {
  const watch: TrafficWatch = createTrafficWatch({
    manager,
    gatewayMac: GATEWAY.mac,
    gatewayAddresses: [GATEWAY.ipv4],
    capturing: true,
    snoopDns: false,
  });
  let pending: { d: DemoDevice; peer: { address: string; protocol: number; port: number } }[] = [];
  return {
    send(d, kind, pick = Math.floor(Math.random() * 1000)) {
      const model = DEMO_MODELS.find((m) => m.model === d.model);
      const c = model?.cloud[pick % model.cloud.length];
      const peer =
        kind === 'cloud' && c !== undefined
          ? { address: c.address, protocol: c.protocol === 'tcp' ? 6 : 17, port: c.port }
          : (FORBIDDEN[pick % FORBIDDEN.length] as (typeof FORBIDDEN)[number]);
      pending.push({ d, peer });
    },
    stats: () => {
      const s = watch.stats();
      return { judged: s.judged, violations: s.violations, reported: s.reported };
    },
    async flush() {
      // The policies the firewall enforces now, then every packet sent since the last flush.
      await watch.refresh();
      const batch = pending;
      pending = [];
      for (const p of batch) watch.packet(packet(p.d, p.peer));
      return watch.flush();
    },
  };
}
