import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePacket } from '../../../src/intent/capture/decode.ts';
import { type MudUrlProblem, mudUrlOf } from '../../../src/intent/capture/mud-urls.ts';
import { runCli } from '../../helpers/cli.ts';
import { concat, ether, ipv4, pcapFile, pcapngFile, udp } from './build.ts';
import { dhcp4Frame, dhcp4Request, dhcp6Frame, lldpFrame, requestedIp } from './dhcp-build.ts';

const MAC = '02:00:5e:10:00:01';
const URL1 = 'https://mud.example.com/lightbulb2000.json';
const packet = (data: Uint8Array, timeUs = 7) => decodePacket({ timeUs, wireLength: data.length, linktype: 1, data })!;

describe('mudUrlOf', () => {
  it('reads DHCPv4 option 161 with the client MAC from chaddr and the requested address', () => {
    assert.deepEqual(mudUrlOf(packet(dhcp4Frame(MAC, URL1, [requestedIp('192.0.2.77')]))), {
      mac: MAC,
      url: URL1,
      source: 'dhcpv4',
      timeUs: 7,
      ipv4: '192.0.2.77',
    });
  });

  it('takes ciaddr when no address is requested; ignores replies and requests without the option', () => {
    const renew = ether(
      MAC,
      MAC,
      0x0800,
      ipv4(
        '192.0.2.9',
        '192.0.2.1',
        17,
        udp(68, 67, dhcp4Request(MAC, [Uint8Array.of(161, URL1.length, ...Buffer.from(URL1))], { ciaddr: '192.0.2.9' })),
      ),
    );
    assert.equal(mudUrlOf(packet(renew))?.ipv4, '192.0.2.9');
    assert.equal(mudUrlOf(packet(dhcp4Frame(MAC, undefined))), undefined);
    const reply = ether(MAC, MAC, 0x0800, ipv4('192.0.2.1', '192.0.2.9', 17, udp(67, 67, dhcp4Request(MAC, [], { op: 2 }))));
    assert.equal(mudUrlOf(packet(reply)), undefined);
  });

  it('reads DHCPv6 option 112 from client messages, with the MAC of the frame', () => {
    assert.deepEqual(mudUrlOf(packet(dhcp6Frame(MAC, URL1))), { mac: MAC, url: URL1, source: 'dhcpv6', timeUs: 7 });
    assert.equal(mudUrlOf(packet(dhcp6Frame(MAC, URL1, 11)))?.url, URL1);
    assert.equal(mudUrlOf(packet(dhcp6Frame(MAC, URL1, 7))), undefined, 'a Reply is not a client message');
  });

  it('reads the LLDP MUD URL TLV built by src/mud/url/lldp.ts', () => {
    assert.deepEqual(mudUrlOf(packet(lldpFrame(MAC, URL1))), { mac: MAC, url: URL1, source: 'lldp', timeUs: 7 });
  });

  it('reports carriers that do not decode as problems with typed codes, never throwing', () => {
    const problems: MudUrlProblem[] = [];
    const http = dhcp4Frame(MAC, undefined, [Uint8Array.of(161, 17, ...Buffer.from('http://x.example/'))]);
    assert.equal(
      mudUrlOf(packet(http), (p) => problems.push(p)),
      undefined,
    );
    const cut = lldpFrame(MAC, URL1);
    assert.equal(
      mudUrlOf(packet(cut.subarray(0, cut.length - 10)), (p) => problems.push(p)),
      undefined,
    );
    const overrun = dhcp4Frame(MAC, undefined, [Uint8Array.of(161, 200, 1, 2)]);
    assert.equal(
      mudUrlOf(packet(overrun.subarray(0, overrun.length - 1)), (p) => problems.push(p)),
      undefined,
    );
    assert.deepEqual(
      problems.map((p) => [p.source, p.code]),
      [
        ['dhcpv4', 'ERR_MUD_URL_SCHEME'],
        ['lldp', 'ERR_CAPTURE_LLDP'],
        ['dhcpv4', 'ERR_CAPTURE_DHCP'],
      ],
    );
  });
});

describe('iotopia intent urls', () => {
  const URL2 = 'https://mud.example.org/cam.json';
  const MAC2 = '02:00:5e:10:00:02';
  const recs = [
    { timeUs: 1_700_000_000_000_000, data: dhcp4Frame(MAC, URL1, [requestedIp('192.0.2.77')]) },
    { timeUs: 1_700_000_001_000_000, data: lldpFrame(MAC, URL1) },
    { timeUs: 1_700_000_002_000_000, data: dhcp6Frame(MAC2, URL2) },
    { timeUs: 1_700_000_003_000_000, data: ether(MAC, MAC2, 0x0800, ipv4('192.0.2.1', '192.0.2.2', 17, udp(1, 2, new Uint8Array(4)))) },
  ];

  it('lists each MAC with its MUD URL and where it was seen, from a pcapng on stdin', async () => {
    const r = await runCli(['intent', 'urls', '--pcap', '-', '--json'], process.cwd(), process.env, pcapngFile(recs));
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as {
      devices: { mac: string; urls: { url: string; sources: string[]; ipv4: string[]; count: number }[] }[];
      stats: { frames: number };
    };
    assert.equal(j.stats.frames, 4);
    assert.deepEqual(
      j.devices.map((d) => [d.mac, d.urls.map((u) => [u.url, u.sources, u.ipv4, u.count])]),
      [
        [MAC, [[URL1, ['dhcpv4', 'lldp'], ['192.0.2.77'], 2]]],
        [MAC2, [[URL2, ['dhcpv6'], [], 1]]],
      ],
    );
    const t = await runCli(['intent', 'urls', '--pcap', '-'], process.cwd(), process.env, pcapFile(recs, { little: false }));
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /^02:00:5e:10:00:01 {2}https:\/\/mud\.example\.com\/lightbulb2000\.json {2}via dhcpv4,lldp {2}ipv4 192\.0\.2\.77/m);
    assert.match(t.out, /2 device\(s\) with a MUD URL in 4 frame\(s\)/);
  });

  it('exits 2 with the typed error for a truncated or non-pcap input', async () => {
    const whole = pcapFile(recs);
    const cut = await runCli(['intent', 'urls', '--pcap', '-'], process.cwd(), process.env, whole.subarray(0, whole.length - 5));
    assert.equal(cut.code, 2);
    assert.match(cut.err, /ERR_CAPTURE_TRUNCATED/);
    const junk = await runCli(['intent', 'urls', '--pcap', '-'], process.cwd(), process.env, concat([Buffer.from('<html>')]));
    assert.equal(junk.code, 2);
    assert.match(junk.err, /ERR_CAPTURE_FORMAT/);
    const missing = await runCli(['intent', 'urls', '--pcap', '/nonexistent.pcap'], process.cwd());
    assert.equal(missing.code, 2);
    assert.match(missing.err, /ERR_CAPTURE_READ/);
  });
});
