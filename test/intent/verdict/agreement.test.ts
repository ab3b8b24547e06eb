/**
 * The verdict engine agrees with the Linux kernel: a router namespace applies the nftables script
 * of two devices' policies, generated packets are sent through it with raw AF_PACKET sockets, and
 * the packets it forwards must be exactly the ones the engine accepts — at least 10,000 flows per
 * abstraction, both directions, in phases (first packets, replies, third packets) so connection
 * tracking decides the later ones. Once without and once with the router's device-side interface
 * as a device interface, with flows to and from device addresses no policy has. Needs root, nft
 * and python3; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Packet } from '../../../src/intent/capture/packet.ts';
import { compileNft } from '../../../src/intent/nft-compile.ts';
import { macNumber } from '../../../src/intent/verdict/addr.ts';
import { flowFromPacket, newFlow } from '../../../src/intent/verdict/flow.ts';
import { createFlowJudge } from '../../../src/intent/verdict/judge.ts';
import { newVerdict } from '../../../src/intent/verdict/matcher.ts';
import {
  type GenFlow,
  GROUPS,
  generateFlows,
  LAN_MACS,
  LAN_POOL4,
  LAN_POOL6,
  type Step,
  UNKNOWN_POOL4,
  UNKNOWN_POOL6,
  WAN_MACS,
} from './flowgen.ts';
import { buildFrame, type FrameSpec } from './frames.ts';
import { DNS_SERVERS, HUB, SENSOR, testPolicies } from './policies.ts';

const FLOWS_PER_GROUP = Number(process.env.VERDICT_AGREEMENT_FLOWS ?? 10_000);
const SEED = Number(process.env.VERDICT_AGREEMENT_SEED ?? 20261207);
const has = (cmd: string, arg: string): boolean => spawnSync(cmd, [arg]).status === 0;
const skip =
  process.getuid?.() !== 0
    ? 'not root: no network namespaces, the agreement test is skipped'
    : !has('nft', '--version')
      ? 'nft is not installed: the agreement test is skipped'
      : !has('python3', '--version')
        ? 'python3 is not installed: the agreement test is skipped'
        : false;

const id = `${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const R = `iotopia-vr-${id}`;
const H = `iotopia-vh-${id}`;
const HOST_LAN_MAC = '02:00:00:00:fe:01';
const HOST_WAN_MAC = '02:00:00:00:fe:02';
const WIRE = new URL('wire.py', import.meta.url).pathname;

function sh(...args: string[]): string {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const inR = (...args: string[]): string => sh('ip', 'netns', 'exec', R, ...args);

function topology(): void {
  sh('ip', 'netns', 'add', R);
  sh('ip', 'netns', 'add', H);
  for (const [host, router, hostMac, routerMac] of [
    ['hd', 'rd', HOST_LAN_MAC, LAN_MACS.router],
    ['hi', 'ri', HOST_WAN_MAC, WAN_MACS.router],
  ] as const) {
    sh('ip', 'link', 'add', `${host}${id}`, 'type', 'veth', 'peer', 'name', `${router}${id}`);
    sh('ip', 'link', 'set', `${host}${id}`, 'netns', H);
    sh('ip', 'link', 'set', `${router}${id}`, 'netns', R);
    sh('ip', '-n', H, 'link', 'set', `${host}${id}`, 'name', host, 'address', hostMac);
    sh('ip', '-n', R, 'link', 'set', `${router}${id}`, 'name', router, 'address', routerMac);
  }
  sh('ip', 'netns', 'exec', H, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
  for (const dev of ['hd', 'hi']) sh('ip', '-n', H, 'link', 'set', dev, 'up');
  for (const s of [
    'net.ipv4.ip_forward=1',
    'net.ipv6.conf.all.forwarding=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.all.send_redirects=0',
  ])
    inR('sysctl', '-qw', s);
  for (const dev of ['rd', 'ri']) {
    inR('sysctl', '-qw', `net.ipv4.conf.${dev}.send_redirects=0`, `net.ipv4.conf.${dev}.rp_filter=0`);
    sh('ip', '-n', R, 'link', 'set', dev, 'up');
  }
  sh('ip', '-n', R, 'addr', 'add', '192.0.2.1/24', 'dev', 'rd');
  sh('ip', '-n', R, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'rd', 'nodad');
  sh('ip', '-n', R, 'addr', 'add', '198.51.100.1/24', 'dev', 'ri');
  sh('ip', '-n', R, 'addr', 'add', '2001:db8:2::1/64', 'dev', 'ri', 'nodad');
  sh('ip', '-n', R, 'neigh', 'replace', '198.51.100.254', 'lladdr', HOST_WAN_MAC, 'dev', 'ri', 'nud', 'permanent');
  sh('ip', '-n', R, 'neigh', 'replace', '2001:db8:2::ff', 'lladdr', HOST_WAN_MAC, 'dev', 'ri', 'nud', 'permanent');
  sh('ip', '-n', R, 'route', 'add', '203.0.113.0/24', 'via', '198.51.100.254');
  sh('ip', '-n', R, 'route', 'add', '2001:db8:3::/48', 'via', '2001:db8:2::ff');
  for (const a of [HUB.ipv4, HUB.ipv6, SENSOR.ipv4, SENSOR.ipv6, ...LAN_POOL4, ...LAN_POOL6, ...UNKNOWN_POOL4, ...UNKNOWN_POOL6])
    sh('ip', '-n', R, 'neigh', 'replace', a, 'lladdr', HOST_LAN_MAC, 'dev', 'rd', 'nud', 'permanent');
}

function cleanup(): void {
  for (const n of [R, H]) spawnSync('ip', ['netns', 'del', n]);
}

interface Sent {
  tag: number;
  flow: GenFlow;
  step: number;
  accept: boolean;
  label: number;
  ct: number;
}

const TCP_SYN = 0x02;
const TCP_FIN = 0x01;
const TCP_ACK = 0x10;

/** The frame of step `s` of `f`, advancing the flow's sequence numbers. */
function frameSpec(f: GenFlow, s: Step, tag: number): FrameSpec {
  const [from, to] = s.from === 0 ? [f.a, f.b] : [f.b, f.a];
  const spec: FrameSpec = {
    srcMac: from.mac,
    dstMac: from.side === 0 ? LAN_MACS.router : WAN_MACS.router,
    src: from.address,
    dst: to.address,
    protocol: f.protocol,
    tag,
  };
  if (f.protocol === 6 || f.protocol === 17) [spec.srcPort, spec.dstPort] = [from.port, to.port];
  if (f.protocol === 6) {
    const flags = s.tcpFlags ?? TCP_ACK;
    spec.tcpFlags = flags;
    spec.seq = s.from === 0 ? f.seqA : f.seqB;
    if (flags & TCP_ACK) spec.ack = s.from === 0 ? f.seqB : f.seqA;
    const advance = 8 + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
    if (s.from === 0) f.seqA = (f.seqA + advance) >>> 0;
    else f.seqB = (f.seqB + advance) >>> 0;
  }
  if (f.protocol === 1 || f.protocol === 58) {
    spec.icmpType = s.icmpType ?? 0;
    spec.icmpCode = s.icmpCode ?? 0;
    spec.icmpId = f.icmpId;
  }
  return spec;
}

function asPacket(spec: FrameSpec, timeUs: number): Packet {
  const family = spec.src.includes(':') ? 6 : 4;
  return {
    timeUs,
    wireLength: 0,
    srcMac: spec.srcMac,
    dstMac: spec.dstMac,
    ethertype: family === 4 ? 0x0800 : 0x86dd,
    ip: {
      family,
      src: spec.src,
      dst: spec.dst,
      protocol: spec.protocol,
      laterFragment: false,
      ...(spec.srcPort === undefined ? {} : { srcPort: spec.srcPort, dstPort: spec.dstPort as number }),
      ...(spec.tcpFlags === undefined ? {} : { tcpFlags: spec.tcpFlags }),
      ...(spec.icmpType === undefined ? {} : { icmpType: spec.icmpType, icmpCode: spec.icmpCode as number }),
    },
  };
}

/** The router's interface toward the devices (and the other hosts of their link). */
const DEVICE_IF = 'rd';

/**
 * Sends the flows in phases and checks that the router forwards exactly the packets the engine
 * accepts; returns what was sent. `deviceInterfaces` is given to the compiler and the engine alike.
 */
function agree(dir: string, seed: number, deviceInterfaces: string[]): { sent: Sent[]; labels: { kind: string }[] } {
  const policies = testPolicies();
  const opts = { dnsServers: DNS_SERVERS, deviceInterfaces };
  writeFileSync(join(dir, 'rules.nft'), policies.map((p) => compileNft(p, opts)).join(''));
  inR('nft', '-f', join(dir, 'rules.nft'));
  const loose = inR('sysctl', '-n', 'net.netfilter.nf_conntrack_tcp_loose').trim();
  assert.equal(loose, '1', 'nf_conntrack_tcp_loose is at its default');
  const flows = generateFlows(policies, [HUB, SENSOR], FLOWS_PER_GROUP, seed);
  const judge = createFlowJudge(policies, opts);
  const flow = newFlow();
  const verdict = newVerdict();
  const sent: Sent[] = [];
  const guarded = deviceInterfaces.includes(DEVICE_IF);
  const phases = Math.max(...flows.map((f) => f.steps.length));
  for (let phase = 0; phase < phases; phase++) {
    const chunks: Uint8Array[] = [];
    const firstTag = sent.length;
    for (const f of flows) {
      const s = f.steps[phase];
      if (s === undefined) continue;
      const tag = sent.length;
      const spec = frameSpec(f, s, tag);
      assert.ok(flowFromPacket(asPacket(spec, 1_000_000 + tag), flow));
      flow.icmpId = spec.icmpId ?? 0;
      // Every host of the device side is behind the router's DEVICE_IF, at HOST_LAN_MAC.
      const to = s.from === 0 ? f.b : f.a;
      flow.deviceLink = guarded && to.side === 0;
      flow.linkDstMac = flow.deviceLink ? macNumber(HOST_LAN_MAC) : -1;
      const accept = judge.judge(flow, verdict);
      sent.push({ tag, flow: f, step: phase, accept, label: verdict.label, ct: verdict.ct });
      const frame = buildFrame(spec);
      const from = s.from === 0 ? f.a : f.b;
      chunks.push(Uint8Array.of(from.side, frame.length >> 8, frame.length & 255), frame);
    }
    writeFileSync(join(dir, 'frames'), Buffer.concat(chunks));
    sh('ip', 'netns', 'exec', H, 'python3', WIRE, join(dir, 'frames'), join(dir, 'seen'), 'hd', 'hi');
    const seen = new Set(
      readFileSync(join(dir, 'seen'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map(Number),
    );
    const wrong = sent.slice(firstTag).filter((p) => p.accept !== seen.has(p.tag));
    const show = wrong.slice(0, 8).map((p) => {
      const l = judge.labels[p.label];
      const f = p.flow;
      return `${f.group} ${f.protocol} ${f.a.address}:${f.a.port} → ${f.b.address}:${f.b.port} step ${p.step} ${JSON.stringify(f.steps[p.step])}: engine ${p.accept ? 'accept' : 'drop'} (${l?.kind} ${l?.acl ?? ''}/${l?.ace ?? ''}, ct ${p.ct}), kernel ${seen.has(p.tag) ? 'forwarded' : 'dropped'}`;
    });
    assert.equal(wrong.length, 0, `phase ${phase}: ${wrong.length} of ${sent.length - firstTag} disagree:\n${show.join('\n')}`);
  }
  for (const g of GROUPS) {
    const mine = sent.filter((p) => p.flow.group === g && p.step === 0);
    assert.ok(mine.length >= FLOWS_PER_GROUP, `${g}: ${mine.length} flows`);
    // Both answers occur in every group: the flows test the policy, not one side of it.
    assert.ok(mine.some((p) => p.accept) && mine.some((p) => !p.accept), `${g}: accepted and dropped flows`);
  }
  return { sent, labels: judge.labels };
}

const summary = (sent: Sent[]): string => {
  const forwarded = sent.filter((p) => p.accept).length;
  return `${new Set(sent.map((p) => p.flow)).size} flows, ${sent.length} packets, ${forwarded} forwarded, ${sent.length - forwarded} dropped`;
};

/** Whether a flow's address is one no policy has (the unknown-address group): the initiator's or the responder's. */
const unknownAt = (f: GenFlow, side: 'a' | 'b'): boolean => [...UNKNOWN_POOL4, ...UNKNOWN_POOL6].includes(f[side].address);

describe('the verdict engine and the kernel agree', { skip }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iotopia-verdict-'));
  });
  after(() => {
    cleanup();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  // Each case has a router of its own: no connection tracked by one is seen by the other.
  test(`${FLOWS_PER_GROUP} flows per abstraction: forwarded exactly when the engine accepts`, (t) => {
    topology();
    try {
      const { sent } = agree(dir, SEED, []);
      t.diagnostic(summary(sent));
      const inbound = sent.filter((p) => p.flow.group === 'unknown-address' && p.step === 0 && unknownAt(p.flow, 'b'));
      assert.ok(
        inbound.some((p) => p.accept),
        'without a device interface, new traffic to an address no policy has is forwarded',
      );
    } finally {
      cleanup();
    }
  });

  test(`${FLOWS_PER_GROUP} flows per abstraction with the device interface: new traffic to unknown device addresses is dropped`, (t) => {
    topology();
    try {
      const { sent, labels } = agree(dir, SEED + 1, [DEVICE_IF]);
      t.diagnostic(summary(sent));
      const group = sent.filter((p) => p.flow.group === 'unknown-address');
      // A first packet toward an address no policy has never passes, whoever sends it and whatever the policy allows.
      const inbound = group.filter((p) => p.step === 0 && unknownAt(p.flow, 'b'));
      assert.ok(inbound.length > FLOWS_PER_GROUP / 5, `${inbound.length} flows opened toward unknown addresses`);
      assert.ok(inbound.every((p) => !p.accept));
      assert.ok(inbound.some((p) => labels[p.label]?.kind === 'unknown-address'));
      // The device's own flows from such an address: the replies pass as established traffic.
      const replies = group.filter((p) => p.flow.steps[p.step]?.from === 1 && unknownAt(p.flow, 'a') && p.accept);
      assert.ok(replies.length > FLOWS_PER_GROUP / 50, `${replies.length} replies to the devices' own flows from unknown addresses`);
      assert.ok(replies.every((p) => labels[p.label]?.kind === 'established'));
    } finally {
      cleanup();
    }
  });
});
