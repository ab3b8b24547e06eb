/**
 * Conformance of a capture: MB/s of `conform` (read pcap, decode, judge with connection tracking,
 * aggregate violations) over a generated capture of the hub of the verdict tests — TLS to its cloud
 * after a DNS answer, replies, and strays — of BENCH_CONFORM_MB megabytes (default 100).
 */
import { decodeFrames, readFrames } from '../src/intent/capture/read-capture.ts';
import { conform } from '../src/intent/verdict/conform.ts';
import { parseMud } from '../src/mud/validate/parse-mud.ts';
import { ACK, dnsResponse, ether, ipv4, pcapFile, type Rec, SYN, tcp, udp } from '../test/intent/capture/build.ts';
import { fixture, HUB } from '../test/intent/verdict/policies.ts';

const GATEWAY = '02:00:00:00:ff:01';

function capture(megabytes: number): Uint8Array {
  const payload = new Uint8Array(1200);
  const answer = dnsResponse('cloud.example.com', 1, [['cloud.example.com', 1, 300, Uint8Array.of(203, 0, 113, 30)]]);
  const up = (t: number, dst: string, l4: Uint8Array, proto = 6): Rec => ({
    timeUs: t,
    data: ether(GATEWAY, HUB.mac, 0x0800, ipv4(HUB.ipv4, dst, proto, l4)),
  });
  const down = (t: number, src: string, l4: Uint8Array, proto = 6): Rec => ({
    timeUs: t,
    data: ether(HUB.mac, GATEWAY, 0x0800, ipv4(src, HUB.ipv4, proto, l4)),
  });
  const recs: Rec[] = [up(0, '203.0.113.53', udp(40000, 53, new Uint8Array(20)), 17), down(1, '203.0.113.53', udp(53, 40000, answer), 17)];
  let bytes = 0;
  for (let i = 0; bytes < megabytes * 1e6; i++) {
    const t = 1000 + i * 100;
    const port = 32768 + (i % 20000);
    const batch =
      i % 10 === 9
        ? [up(t, `203.0.113.${100 + (i % 100)}`, tcp(port, 8080, SYN))]
        : [
            up(t, '203.0.113.30', tcp(port, 443, i % 50 === 0 ? SYN : ACK, payload)),
            down(t + 50, '203.0.113.30', tcp(443, port, ACK, payload)),
          ];
    for (const r of batch) bytes += r.data.length + 16;
    recs.push(...batch);
  }
  return pcapFile(recs);
}

async function* chunks(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < b.length; at += 256 * 1024) yield b.subarray(at, at + 256 * 1024);
}

export async function intentConformBench(): Promise<Record<string, unknown>> {
  const megabytes = Number(process.env.BENCH_CONFORM_MB ?? 100);
  const file = capture(megabytes);
  const mud = parseMud(fixture('hub.json')).mud;
  if (mud === undefined) throw new Error('the hub fixture does not parse');
  const ctx = {
    mac: HUB.mac,
    ipv4: HUB.ipv4,
    controllers: new Map([['urn:example:broker', ['203.0.113.10']]]),
    myControllers: ['203.0.113.20'],
    localNetworks: ['192.0.2.0/24', '2001:db8:1::/64'],
    names: new Map<string, string[]>(),
    manufacturers: new Map([
      ['maker.example.com', ['203.0.113.64/28']],
      ['things.example.com', ['192.0.2.11']],
    ]),
    models: new Map([['https://things.example.com/sensor', ['192.0.2.11']]]),
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  const r = await conform(decodeFrames(readFrames(chunks(file))), mud, ctx, { dnsServers: ['203.0.113.53'] });
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    captureMB: Number((file.length / 1e6).toFixed(1)),
    packets: r.packets,
    violations: r.violations.length,
    seconds: Number(seconds.toFixed(2)),
    mbPerSec: Number((file.length / 1e6 / seconds).toFixed(1)),
    mbPerCpuSec: Number((file.length / 1e6 / ((used.user + used.system) / 1e6)).toFixed(1)),
    packetsPerSec: Math.round(r.packets / seconds),
  };
}
