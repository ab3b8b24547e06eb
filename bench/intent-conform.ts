/**
 * Conformance of a large capture: a pcap file of BENCH_CONFORM_MB megabytes (default 100) written
 * here, of one device talking to allowed and denied peers (with the DNS answers that name them),
 * judged by `conform` (read, decode, DNS names, verdicts, violations) in MB/s. Beside it, in the
 * same run, the floors: reading the file's bytes, splitting it into frames, decoding the frames.
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePacket } from '../src/intent/capture/decode.ts';
import { readFrames, readPackets } from '../src/intent/capture/read-capture.ts';
import { conform } from '../src/intent/verdict/conform.ts';
import { parseMud } from '../src/mud/validate/parse-mud.ts';

const DEVICE = [0x02, 0, 0, 0, 0, 0x0a];
const GATEWAY = [0x02, 0, 0, 0, 0, 0x01];
const MUD_URL = 'https://things.example.com/bench';
const CLOUD = 'cloud.things.example.com';

function mudFile() {
  const json = {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': MUD_URL,
      'last-update': '2026-01-01T00:00:00Z',
      'is-supported': true,
      systeminfo: 'bench device',
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'from' }] } },
      'to-device-policy': { 'access-lists': { 'access-list': [{ name: 'to' }] } },
    },
    'ietf-access-control-list:acls': {
      acl: [
        {
          name: 'from',
          type: 'ipv4-acl-type',
          aces: {
            ace: [
              {
                name: 'cloud',
                matches: {
                  ipv4: { protocol: 17, 'ietf-acldns:dst-dnsname': CLOUD },
                  udp: { 'destination-port': { operator: 'eq', port: 443 } },
                },
                actions: { forwarding: 'accept' },
              },
            ],
          },
        },
        { name: 'to', type: 'ipv4-acl-type', aces: { ace: [] } },
      ],
    },
  };
  const parsed = parseMud(new TextEncoder().encode(JSON.stringify(json)));
  if (parsed.mud === undefined) throw new Error(`bench MUD file: ${JSON.stringify(parsed.errors)}`);
  return parsed.mud;
}

function checksum(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** An Ethernet/IPv4/UDP frame. */
function udpFrame(
  srcMac: number[],
  dstMac: number[],
  src: number[],
  dst: number[],
  sport: number,
  dport: number,
  payload: Uint8Array,
): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + payload.length);
  f.set(dstMac, 0);
  f.set(srcMac, 6);
  f[12] = 0x08;
  const ip = 14;
  f[ip] = 0x45;
  const total = 20 + 8 + payload.length;
  f[ip + 2] = total >> 8;
  f[ip + 3] = total & 0xff;
  f[ip + 8] = 64;
  f[ip + 9] = 17;
  f.set(src, ip + 12);
  f.set(dst, ip + 16);
  const cs = checksum(f, ip, ip + 20);
  f[ip + 10] = cs >> 8;
  f[ip + 11] = cs & 0xff;
  const u = ip + 20;
  f[u] = sport >> 8;
  f[u + 1] = sport & 0xff;
  f[u + 2] = dport >> 8;
  f[u + 3] = dport & 0xff;
  f[u + 4] = (8 + payload.length) >> 8;
  f[u + 5] = (8 + payload.length) & 0xff;
  f.set(payload, u + 8);
  return f;
}

/** A DNS response (RFC 1035 §4.1) answering `name` with one A record. */
function dnsAnswer(name: string, addr: number[]): Uint8Array {
  const labels = name.split('.').flatMap((l) => [l.length, ...new TextEncoder().encode(l)]);
  const q = [...labels, 0, 0, 1, 0, 1];
  const header = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
  const answer = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, ...addr];
  return new Uint8Array([...header, ...q, ...answer]);
}

/** Writes the capture: a DNS answer, then frames to allowed (cloud:443) and denied peers, cycling. */
function writeCapture(path: string, bytes: number): { packets: number; bytes: number } {
  const cloud = [198, 51, 100, 7];
  const payload = new Uint8Array(1200);
  const frames = [
    udpFrame(GATEWAY, DEVICE, [192, 0, 2, 1], [192, 0, 2, 10], 53, 40000, dnsAnswer(CLOUD, cloud)),
    udpFrame(DEVICE, GATEWAY, [192, 0, 2, 10], cloud, 40001, 443, payload),
    udpFrame(GATEWAY, DEVICE, cloud, [192, 0, 2, 10], 443, 40001, payload.subarray(0, 400)),
    udpFrame(DEVICE, GATEWAY, [192, 0, 2, 10], [203, 0, 113, 9], 40002, 8883, payload.subarray(0, 200)),
  ];
  const chunks: Uint8Array[] = [];
  const global = new Uint8Array(24);
  new DataView(global.buffer).setUint32(0, 0xa1b2c3d4, true);
  const gv = new DataView(global.buffer);
  gv.setUint16(4, 2, true);
  gv.setUint16(6, 4, true);
  gv.setUint32(16, 262144, true);
  gv.setUint32(20, 1, true);
  chunks.push(global);
  let size = 24;
  let packets = 0;
  for (let i = 0; size < bytes; i++) {
    const f = frames[i === 0 ? 0 : 1 + (i % 3)] as Uint8Array;
    const rec = new Uint8Array(16 + f.length);
    const v = new DataView(rec.buffer);
    v.setUint32(0, 1_700_000_000 + Math.floor(i / 1000), true);
    v.setUint32(4, (i % 1000) * 1000, true);
    v.setUint32(8, f.length, true);
    v.setUint32(12, f.length, true);
    rec.set(f, 16);
    chunks.push(rec);
    size += rec.length;
    packets++;
  }
  writeFileSync(path, Buffer.concat(chunks));
  return { packets, bytes: size };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

export async function intentConformBench(): Promise<Record<string, unknown>> {
  const mb = Number(process.env.BENCH_CONFORM_MB ?? 100);
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-conform-'));
  try {
    const file = join(dir, 'capture.pcap');
    const written = writeCapture(file, mb * 1e6);
    const size = statSync(file).size;
    const rate = (s: number) => Number((size / 1e6 / s).toFixed(1));
    // Untimed: brings the file into the page cache, so every row reads it from memory alike.
    for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 }));
    const read = await timed(async () => {
      let n = 0;
      for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) n += (c as Buffer).length;
      return n;
    });
    const frames = await timed(async () => {
      let n = 0;
      for await (const _ of readFrames(createReadStream(file, { highWaterMark: 1 << 20 }))) n++;
      return n;
    });
    const decoded = await timed(async () => {
      let n = 0;
      for await (const f of readFrames(createReadStream(file, { highWaterMark: 1 << 20 }))) if (decodePacket(f) !== undefined) n++;
      return n;
    });
    const mac = '02:00:00:00:00:0a';
    const judged = await timed(() =>
      conform(
        readPackets(file),
        mudFile(),
        { mac, ipv4: '192.0.2.10', controllers: new Map(), myControllers: [], localNetworks: [], names: new Map() },
        { gatewayMac: '02:00:00:00:00:01' },
      ),
    );
    const violations = judged.value.violations.reduce((n, v) => n + v.count, 0);
    return {
      captureMB: Number((size / 1e6).toFixed(1)),
      packets: written.packets,
      mbPerSecond: {
        readBytes: rate(read.seconds),
        splitFrames: rate(frames.seconds),
        decodeFrames: rate(decoded.seconds),
        conform: rate(judged.seconds),
      },
      conformPacketsPerSecond: Math.round(written.packets / judged.seconds),
      conformSeconds: Number(judged.seconds.toFixed(2)),
      judged: judged.value.judged,
      violationPackets: violations,
      note: 'one device, UDP to an allowed name (learned from a DNS answer in the capture) and to a denied peer; every third frame is a violation',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
