/**
 * `iotopia intent conform`: a capture judged against the hub's MUD file. DNS answers in the
 * capture resolve the file's names for the packets after them; exit 1 with violations, 0 when the
 * traffic conforms, 2 for a capture that is truncated or not a capture, or a context that cannot
 * resolve the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../helpers/cli.ts';
import { ACK, dnsResponse, ether, ipv4, pcapFile, type Rec, SYN, tcp, udp } from '../capture/build.ts';
import { fixture, HUB } from './policies.ts';

const GATEWAY = '02:00:00:00:ff:01';
const DNS = '203.0.113.53';
const CLOUD = '203.0.113.30';
const dir = mkdtempSync(join(tmpdir(), 'iotopia-conform-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'hub.json'), fixture('hub.json'));

const CONTEXT = [
  '--mac',
  HUB.mac,
  '--ipv4',
  HUB.ipv4,
  '--controller',
  'urn:example:broker=203.0.113.10',
  '--my-controller',
  '203.0.113.20',
  '--local-network',
  '192.0.2.0/24',
  '--local-network',
  '2001:db8:1::/64',
  '--manufacturer',
  'maker.example.com=203.0.113.64/28',
  '--manufacturer',
  'things.example.com=192.0.2.11',
  '--model',
  'https://things.example.com/sensor=192.0.2.11',
  '--dns-server',
  DNS,
];

const up = (t: number, dst: string, proto: number, l4: Uint8Array): Rec => ({
  timeUs: t,
  data: ether(GATEWAY, HUB.mac, 0x0800, ipv4(HUB.ipv4, dst, proto, l4)),
});
const down = (t: number, src: string, proto: number, l4: Uint8Array): Rec => ({
  timeUs: t,
  data: ether(HUB.mac, GATEWAY, 0x0800, ipv4(src, HUB.ipv4, proto, l4)),
});
const T0 = Date.UTC(2026, 11, 7) * 1000;
const answer = dnsResponse('cloud.example.com', 1, [['cloud.example.com', 1, 300, Uint8Array.of(203, 0, 113, 30)]]);

/** The hub looks the cloud up, then opens TLS to it; `extra` packets go after. */
function capture(extra: Rec[] = [], early: Rec[] = []): string {
  const recs = [
    ...early,
    up(T0 + 1, DNS, 17, udp(40000, 53, new Uint8Array(12))),
    down(T0 + 2, DNS, 17, udp(53, 40000, answer)),
    up(T0 + 3, CLOUD, 6, tcp(40001, 443, SYN)),
    down(T0 + 4, CLOUD, 6, tcp(443, 40001, SYN | ACK)),
    up(T0 + 5, CLOUD, 6, tcp(40001, 443, ACK)),
    ...extra,
  ];
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.pcap`);
  writeFileSync(path, pcapFile(recs));
  return path;
}

const conform = (pcap: string, more: string[] = []) =>
  runCli(['intent', 'conform', '--pcap', pcap, '--mud', join(dir, 'hub.json'), ...CONTEXT, ...more], dir);

test('traffic the file allows conforms: exit 0, the name resolved from the capture', async () => {
  const r = await conform(capture(), ['--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { conforming: boolean; judged: number; names: { name: string; addresses: string[] }[] };
  assert.equal(j.conforming, true);
  assert.equal(j.judged, 5);
  assert.deepEqual(j.names, [{ name: 'cloud.example.com', addresses: [CLOUD] }]);
});

test('violations: exit 1, one line per flow with the ACL fallen through and a count', async () => {
  const stray = [up(T0 + 10, '203.0.113.99', 6, tcp(50000, 8080, SYN)), up(T0 + 20, '203.0.113.99', 6, tcp(50001, 8080, SYN))];
  // Before its DNS answer, the cloud's address is not the name's yet.
  const early = [up(T0, CLOUD, 6, tcp(40100, 443, SYN))];
  const r = await conform(capture(stray, early));
  assert.equal(r.code, 1, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 3, r.out);
  assert.match(
    lines[0] ?? '',
    /^02:00:00:00:00:0a from-device tcp 203\.0\.113\.30:443 local port ephemeral: fell through ACL hub-from-time to default deny; 1 packet\(s\)/,
  );
  assert.match(
    lines[1] ?? '',
    /^02:00:00:00:00:0a from-device tcp 203\.0\.113\.99:8080 local port ephemeral: .* 2 packet\(s\) 2026-12-07T00:00:00\.000Z \.\. 2026-12-07T00:00:00\.000Z$/,
  );
  assert.match(lines[2] ?? '', /^2 violation\(s\) in 8 packet\(s\)/);
  const j = await conform(capture(stray), ['--json']);
  const doc = JSON.parse(j.out) as { violations: { peer: string; count: number; acl: string; decision: string }[] };
  assert.deepEqual(
    doc.violations.map((v) => [v.peer, v.count, v.decision, v.acl]),
    [['203.0.113.99', 2, 'default-deny', 'hub-from-time']],
  );
});

test('--gateway-mac judges only what the gateway sees; on-link frames are counted apart', async () => {
  const onLink: Rec = {
    timeUs: T0 + 9,
    data: ether('02:00:00:00:01:19', HUB.mac, 0x0800, ipv4(HUB.ipv4, '192.0.2.25', 6, tcp(1, 23, SYN))),
  };
  const without = await conform(capture([onLink]));
  assert.equal(without.code, 1, 'telnet on the LAN is dropped by lan-no-telnet');
  const r = await conform(capture([onLink]), ['--gateway-mac', GATEWAY, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { onLink: number }).onLink, 1);
});

test('bad input exits 2: not a capture, a truncated one, a context that cannot resolve the file', async () => {
  const notPcap = join(dir, 'not.pcap');
  writeFileSync(notPcap, 'hello, this is not a capture');
  const a = await conform(notPcap);
  assert.equal(a.code, 2);
  assert.match(a.err, /ERR_CAPTURE_FORMAT/);
  const whole = pcapFile([up(T0, CLOUD, 6, tcp(40001, 443, SYN))]);
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, whole.length - 5));
  const b = await conform(cut);
  assert.equal(b.code, 2);
  assert.match(b.err, /ERR_CAPTURE_TRUNCATED/);
  const c = await runCli(['intent', 'conform', '--pcap', capture(), '--mud', join(dir, 'hub.json'), '--mac', HUB.mac], dir);
  assert.equal(c.code, 2);
  assert.match(c.err, /ERR_INTENT_UNRESOLVED/);
  const d = await conform(capture(), ['--gateway-mac', 'nope']);
  assert.equal(d.code, 2);
});

test('the capture can come on standard input (tcpdump -w -); not both inputs at once', async () => {
  const stray = [up(T0 + 10, '203.0.113.99', 6, tcp(50000, 8080, SYN))];
  const bytes = readFileSync(capture(stray));
  const r = await runCli(
    ['intent', 'conform', '--pcap', '-', '--mud', join(dir, 'hub.json'), ...CONTEXT, '--json'],
    dir,
    process.env,
    bytes,
  );
  assert.equal(r.code, 1, r.err);
  assert.equal((JSON.parse(r.out) as { violations: unknown[] }).violations.length, 1);
  const both = await runCli(['intent', 'conform', '--pcap', '-', '--mud', '-', ...CONTEXT], dir, process.env, bytes);
  assert.equal(both.code, 2);
});

test('--gateway-address: packets to the gateway itself are delivered locally, not judged', async () => {
  const ping = up(T0 + 9, '192.0.2.1', 6, tcp(40500, 8443, SYN));
  const judged = await conform(capture([ping]));
  assert.equal(judged.code, 1, 'TCP to 192.0.2.1:8443 is not allowed by the file');
  const r = await conform(capture([ping]), ['--gateway-address', '192.0.2.1', '--gateway-address', '2001:db8:1:0::1', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { local: number }).local, 1);
  const bad = await conform(capture(), ['--gateway-address', 'gateway']);
  assert.equal(bad.code, 2);
});

test('--device-interface: traffic to an address of the hub the context lacks is judged as the routed gateway does', async () => {
  const OTHER = '192.0.2.77';
  const from = (t: number, dst: string, proto: number, l4: Uint8Array): Rec => ({
    timeUs: t,
    data: ether(GATEWAY, HUB.mac, 0x0800, ipv4(OTHER, dst, proto, l4)),
  });
  const to = (t: number, src: string, dst: string, proto: number, l4: Uint8Array): Rec => ({
    timeUs: t,
    data: ether(HUB.mac, GATEWAY, 0x0800, ipv4(src, dst, proto, l4)),
  });
  // The hub's own TLS connection from the other address: the reply is established traffic.
  const own = [
    from(T0 + 10, CLOUD, 6, tcp(40002, 443, SYN)),
    to(T0 + 11, CLOUD, OTHER, 6, tcp(443, 40002, SYN | ACK)),
    from(T0 + 12, CLOUD, 6, tcp(40002, 443, ACK)),
  ];
  // CoAP from the hub's controller: the file allows it (mine-coap).
  const coap = (dst: string) => to(T0 + 20, '203.0.113.20', dst, 17, udp(40100, 5683, new Uint8Array(4)));
  const run = async (extra: Rec[], more: string[]) => {
    const r = await conform(capture(extra), [...more, '--json']);
    return { code: r.code, err: r.err, violations: (JSON.parse(r.out) as { violations: Record<string, unknown>[] }).violations };
  };
  const iface = ['--device-interface', 'lan0'];
  const known = await run([...own, coap(HUB.ipv4)], iface);
  assert.equal(known.code, 0, JSON.stringify(known.violations));
  const unknown = await run([...own, coap(OTHER)], iface);
  assert.equal(unknown.code, 1, unknown.err);
  assert.deepEqual(
    unknown.violations.map((v) => [v['mac'], v['direction'], v['decision'], v['acl'], v['peer'], v['peerPort'], v['localPort']]),
    [[HUB.mac, 'to-device', 'unknown-address', 'unknown-device-address', '203.0.113.20', 40100, 5683]],
  );
  const text = await conform(capture([...own, coap(OTHER)]), iface);
  assert.match(text.out, /new traffic to an address of the device the gateway was not given \(unknown-device-address\)/);
  // Without the option, packets to the hub's MAC are judged by its policy whatever their address.
  const plain = await run([...own, coap(OTHER)], []);
  assert.equal(plain.code, 0, JSON.stringify(plain.violations));
  const bad = await conform(capture(), ['--device-interface', 'lan0 accept']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /ERR_INTENT_CONTEXT: device-interface/);
});
