/**
 * Fuzz targets of the capture readers: pcap and pcapng streams (read in chunks, every frame
 * decoded and searched for MUD URLs and DNS answers), Ethernet frames, DNS responses, DHCPv4,
 * DHCPv6 and LLDP MUD URL carriers. Seeds: the SmarterCoffee captures in ../shared/vectors (read
 * in place when present) and frames built in the tests. Only CaptureError and MudUrlError may
 * escape; anything else is a finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePacket } from '../../src/intent/capture/decode.ts';
import { dhcp4MudUrl, dhcp6MudUrl } from '../../src/intent/capture/dhcp-request.ts';
import { dnsAnswers, parseDnsResponse } from '../../src/intent/capture/dns.ts';
import { CaptureError } from '../../src/intent/capture/errors.ts';
import type { CapturedFrame } from '../../src/intent/capture/frame.ts';
import { lldpMudUrl } from '../../src/intent/capture/lldp-frame.ts';
import { mudUrlOf } from '../../src/intent/capture/mud-urls.ts';
import { readFrames } from '../../src/intent/capture/read-capture.ts';
import { MudUrlError } from '../../src/mud/url/errors.ts';
import { vectorPath } from '../helpers/vectors.ts';
import {
  chunked,
  concat,
  dnsName,
  dnsResponse,
  ether,
  ipv4,
  ipv6,
  pcapFile,
  pcapngFile,
  type Rec,
  tcp,
  udp,
  v6,
} from '../intent/capture/build.ts';
import { dhcp4Frame, dhcp4Request, dhcp6Frame, lldpFrame, requestedIp } from '../intent/capture/dhcp-build.ts';
import type { AsyncFuzzTarget } from './engine-async.ts';

export interface CaptureFuzzTarget {
  target: AsyncFuzzTarget;
  /** The seeds; may read the shared vectors. */
  corpus: () => Promise<Uint8Array[]>;
  /** False for a target that never throws on any input (every input is a result). */
  rejects: boolean;
}

const typed = (e: unknown): boolean => e instanceof CaptureError || e instanceof MudUrlError;
const MAC = '02:00:5e:00:53:01';
const URL = 'https://mud.example.com/fuzz.json';

/** The built frames: DHCPv4/v6 and LLDP with a MUD URL, DNS over UDP and TCP, tagged and IPv6 frames. */
function builtFrames(): Uint8Array[] {
  const dns = dnsResponse('api.example.com', 1, [
    ['api.example.com', 5, 60, dnsName('edge.example.net')],
    ['edge.example.net', 1, 30, Uint8Array.of(203, 0, 113, 9)],
    ['edge.example.net', 28, 30, v6('2001:db8::9')],
  ]);
  return [
    dhcp4Frame(MAC, URL, [requestedIp('192.0.2.50')]),
    dhcp6Frame(MAC, URL),
    lldpFrame(MAC, URL),
    ether(MAC, '02:00:5e:00:53:02', 0x0800, ipv4('192.0.2.1', '192.0.2.50', 17, udp(53, 40000, dns))),
    ether(
      MAC,
      '02:00:5e:00:53:02',
      0x0800,
      ipv4('192.0.2.1', '192.0.2.50', 6, tcp(53, 40000, 0x18, concat([Uint8Array.of(0, dns.length), dns]))),
    ),
    ether(
      MAC,
      '02:00:5e:00:53:02',
      0x86dd,
      ipv6(
        '2001:db8::1',
        '2001:db8::2',
        0,
        concat([Uint8Array.of(44, 0, 0, 0, 0, 0, 0, 0), Uint8Array.of(6, 0, 0, 1, 0, 0, 0, 1), tcp(443, 50000, 0x12)]),
      ),
      [
        [0x88a8, 10],
        [0x8100, 20],
      ],
    ),
  ];
}

/** The frames of the SmarterCoffee captures (empty when the shared vectors are absent). */
async function vectorFrames(): Promise<CapturedFrame[]> {
  const dir = vectorPath('mud', 'pcap', 'SmarterCoffee');
  if (dir === undefined) return [];
  const out: CapturedFrame[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.pcap'))) {
    for await (const frame of readFrames(chunked(new Uint8Array(readFileSync(join(dir, f))), 1 << 20)))
      out.push({ ...frame, data: frame.data.slice() });
  }
  return out;
}

async function allRecs(): Promise<Rec[]> {
  const built = builtFrames().map((data, i) => ({ timeUs: 1_700_000_000_000_000 + i, data }));
  const vec = (await vectorFrames()).map((f) => ({ timeUs: f.timeUs, data: f.data, wireLength: f.wireLength }));
  return [...built, ...vec];
}

/** Small capture files: a few records each, both byte orders (pcap also nanosecond). */
async function fileSeeds(kind: 'pcap' | 'pcapng'): Promise<Uint8Array[]> {
  const recs = await allRecs();
  const out: Uint8Array[] = [];
  for (let i = 0; i < recs.length; i += 4) {
    const group = recs.slice(i, i + 4);
    const little = (i / 4) % 2 === 0;
    out.push(kind === 'pcap' ? pcapFile(group, { little, nano: (i / 4) % 3 === 0 }) : pcapngFile(group, little));
  }
  return out;
}

function visit(frame: CapturedFrame): void {
  const p = decodePacket(frame);
  if (p === undefined) return;
  if (p.ip !== undefined && (p.ip.protocol === 6 || p.ip.protocol === 17) && !p.ip.laterFragment && p.ip.srcPort === undefined)
    throw new Error('a TCP/UDP packet that is not a later fragment must have ports');
  mudUrlOf(p);
  dnsAnswers(p);
}

async function readAll(b: Uint8Array): Promise<void> {
  // Chunk sizes vary with the input, so records also straddle chunk edges.
  for await (const frame of readFrames(chunked(b, 1 + (b.length % 61)))) visit(frame);
}

const frameOf = (data: Uint8Array): CapturedFrame => ({ timeUs: 0, wireLength: data.length, linktype: 1, data });
const payloadOf = (frames: Uint8Array[], pick: (f: Uint8Array) => Uint8Array | undefined): Uint8Array[] =>
  frames.map(pick).filter((x): x is Uint8Array => x !== undefined);
const udpPayload = (f: Uint8Array): Uint8Array | undefined => decodePacket(frameOf(f))?.ip?.payload;

export const TARGETS_CAPTURE: readonly CaptureFuzzTarget[] = [
  {
    target: { name: 'capture pcap reader, packet decoding, MUD URLs and DNS answers', run: readAll, expected: typed },
    corpus: () => fileSeeds('pcap'),
    rejects: true,
  },
  {
    target: { name: 'capture pcapng reader, packet decoding, MUD URLs and DNS answers', run: readAll, expected: typed },
    corpus: () => fileSeeds('pcapng'),
    rejects: true,
  },
  {
    target: { name: 'capture Ethernet frame decode', run: async (b) => visit(frameOf(b)), expected: () => false },
    corpus: async () => (await allRecs()).map((r) => r.data),
    rejects: false,
  },
  {
    target: { name: 'capture DNS response parse', run: async (b) => void parseDnsResponse(b), expected: typed },
    corpus: async () => payloadOf(builtFrames().slice(3, 4), udpPayload),
    rejects: true,
  },
  {
    target: { name: 'capture DHCPv4 request MUD URL', run: async (b) => void dhcp4MudUrl(b), expected: typed },
    corpus: async () => [
      dhcp4Request(MAC, [requestedIp('192.0.2.50'), Uint8Array.of(161, URL.length, ...Buffer.from(URL))]),
      ...payloadOf(
        (await vectorFrames()).map((f) => f.data),
        (f) => {
          const ip = decodePacket(frameOf(f))?.ip;
          return ip?.dstPort === 67 ? ip.payload : undefined;
        },
      ),
    ],
    rejects: true,
  },
  {
    target: { name: 'capture DHCPv6 client message MUD URL', run: async (b) => void dhcp6MudUrl(b), expected: typed },
    corpus: async () => payloadOf([dhcp6Frame(MAC, URL), dhcp6Frame(MAC, URL, 3)], udpPayload),
    rejects: true,
  },
  {
    target: { name: 'capture LLDP frame MUD URL', run: async (b) => void lldpMudUrl(b), expected: typed },
    corpus: async () => [lldpFrame(MAC, URL).subarray(14)],
    rejects: true,
  },
];
