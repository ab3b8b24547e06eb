/**
 * The verdict engine: verdicts per second of the compiled matcher (pure match, no connection
 * tracking) and of the FlowJudge (with conntrack lookups), beside a plain loop over the same flows
 * (the floor); and the time to compile 10,000 devices from mixed real-world MUD files of the
 * shared vectors (resolve + nft script + engine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileNft } from '../src/intent/nft-compile.ts';
import { resolveMud } from '../src/intent/resolve.ts';
import type { DeviceContext, ResolvedPolicy } from '../src/intent/resolve-types.ts';
import { v4Range } from '../src/intent/verdict/addr.ts';
import { type Flow, newFlow } from '../src/intent/verdict/flow.ts';
import { createFlowJudge } from '../src/intent/verdict/judge.ts';
import { compileMatcher, newVerdict } from '../src/intent/verdict/matcher.ts';
import { CT_NEW } from '../src/intent/verdict/rule.ts';
import type { MudFile } from '../src/mud/model/mud-file.ts';
import { parseMud } from '../src/mud/validate/parse-mud.ts';
import { vectorPath } from '../test/helpers/vectors.ts';

const DEVICES = Number(process.env.BENCH_VERDICT_DEVICES ?? 10_000);
const FLOWS = 4096;

export interface Named {
  file: string;
  mud: MudFile;
  json: unknown;
}

/** Real-world files (UNSW, go-mudyang, visualizer, the RFC example), read leniently as a MUD manager would. */
export function realWorldFiles(): Named[] {
  const root = vectorPath('mud');
  if (root === undefined) return [];
  const dirs = ['unsw', 'go-mudyang', 'visualizer', '.'];
  const out: Named[] = [];
  for (const d of dirs) {
    for (const f of readdirSync(join(root, d)).filter((n) => n.endsWith('.json') && !n.startsWith('invalid'))) {
      const bytes = readFileSync(join(root, d, f));
      const parsed = parseMud(bytes, { lenient: true });
      if (parsed.mud !== undefined) out.push({ file: `${d}/${f}`, mud: parsed.mud, json: JSON.parse(bytes.toString('utf8')) });
    }
  }
  return out;
}

/** Every string under a key that names a DNS name or an abstraction, so the context can resolve it. */
function collect(json: unknown, out: Map<string, Set<string>>): void {
  if (Array.isArray(json)) for (const x of json) collect(x, out);
  else if (json !== null && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) {
      const kind = /dnsname$/.test(k) ? 'name' : /(^|:)(controller|manufacturer|model)$/.test(k) ? k.replace(/^.*:/, '') : undefined;
      if (kind !== undefined && typeof v === 'string') out.set(kind, (out.get(kind) ?? new Set()).add(v));
      else collect(v, out);
    }
  }
}

/** Peers (names, controllers, …) in 198.51.100.0/24 and 203.0.113.0/24; devices in 192.0.2.0/24 (reused past 254). */
const peer4 = (i: number): string => `${['198.51.100', '203.0.113'][i % 2]}.${Math.floor(i / 2) % 256}`;
const device4 = (i: number): string => `192.0.2.${(i % 254) + 1}`;
const v6 = (i: number): string => `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;
const mac = (i: number): string =>
  `02:00:${[i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/**
 * BENCH_VERDICT_DISTINCT=1 gives every device its own peer addresses (names, controllers, …), so
 * no two devices resolve alike and nothing is shared: the worst case for the compile time.
 */
const DISTINCT = process.env.BENCH_VERDICT_DISTINCT === '1';

function context(i: number, wanted: Map<string, Set<string>>): DeviceContext {
  let n = DISTINCT ? i * 64 : 0;
  const addrs = (): string[] => [peer4(n + 7), v6(0x10000 + n++)];
  const map = (kind: string, lower = false) =>
    new Map([...(wanted.get(kind) ?? [])].map((k) => [lower ? k.toLowerCase().replace(/\.$/, '') : k, addrs()]));
  return {
    mac: mac(i),
    ipv4: device4(i),
    ipv6: v6(i),
    controllers: map('controller'),
    myControllers: ['192.0.2.2', '2001:db8::2'],
    localNetworks: ['192.0.2.0/24', '2001:db8::/64'],
    names: map('name', true),
    manufacturers: map('manufacturer', true),
    models: map('model'),
  };
}

/**
 * Compiles DEVICES devices, each with the next file in turn: resolve, nft script and verdict
 * engine, timed apart (resolve and script interleave per device, as a MUD manager does them).
 */
export function compileDevices(files: Named[]) {
  const wanted = files.map((f) => {
    const m = new Map<string, Set<string>>();
    collect(f.json, m);
    return m;
  });
  const contexts = Array.from({ length: DEVICES }, (_, i) => context(i, wanted[i % files.length] as Map<string, Set<string>>));
  const policies: ResolvedPolicy[] = [];
  let scriptBytes = 0;
  let resolveMs = 0;
  let nftMs = 0;
  for (let i = 0; i < DEVICES; i++) {
    const t0 = performance.now();
    const policy = resolveMud((files[i % files.length] as Named).mud, contexts[i] as DeviceContext, { lenient: true });
    const t1 = performance.now();
    scriptBytes += compileNft(policy, { dnsServers: ['192.0.2.1'] }).length;
    nftMs += performance.now() - t1;
    resolveMs += t1 - t0;
    policies.push(policy);
  }
  const t2 = performance.now();
  const matcher = compileMatcher(policies, { dnsServers: ['192.0.2.1'] });
  const engineMs = performance.now() - t2;
  return { policies, matcher, resolveMs, nftMs, engineMs, scriptBytes };
}

function flowsOver(policies: ResolvedPolicy[]): Flow[] {
  let s = 12345;
  const r = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: FLOWS }, (_, i) => {
    const f = newFlow();
    const p = policies[
      Math.floor(r() * Math.min(policies.length, Number(process.env.BENCH_VERDICT_SPREAD ?? policies.length)))
    ] as ResolvedPolicy;
    const six = r() < 0.3;
    f.timeUs = i;
    f.srcMac = Number.parseInt(p.mac.replaceAll(':', ''), 16);
    f.dstMac = 0x020000ffff01;
    f.ethertype = six ? 0x86dd : 0x0800;
    f.family = six ? 6 : 4;
    if (six) f.src.set([0x20010db8, 0, 0, i + 1]);
    else f.src[0] = 0xc0000200 + (i & 255);
    const peer = Math.floor(r() * 64);
    if (six) f.dst.set([0x20010db8, 1 + (peer >> 4), peer, 0x00010000]);
    else f.dst[0] = 0xcb007100 + peer;
    f.protocol = r() < 0.7 ? 6 : 17;
    f.srcPort = 32768 + (i & 0x3fff);
    f.dstPort = r() < 0.6 ? ([443, 80, 8883, 123, 53][Math.floor(r() * 5)] as number) : Math.floor(r() * 65536);
    f.tcpFlags = 0x02;
    // Half of the flows go where an ACE of the device points (its peer, protocol and port).
    const aces = p.fromDevice.flatMap((a) => a.aces).filter((a) => a.dst[0]?.prefixes.some((x) => x.family === 4));
    const ace = aces[Math.floor(r() * aces.length)];
    if (ace === undefined || six || r() < 0.5) return f;
    const prefix = ace.dst[0]?.prefixes.find((x) => x.family === 4);
    f.dst[0] = v4Range(prefix?.text ?? '')?.[0] ?? 0;
    if (ace.protocol !== undefined) f.protocol = ace.protocol;
    if (ace.dstPort?.op === 'eq') f.dstPort = ace.dstPort.port;
    if (ace.srcPort?.op === 'eq') f.srcPort = ace.srcPort.port;
    return f;
  });
}

/**
 * Runs `pass` (one pass over all flows) for about `seconds`: verdicts per second of wall time and
 * per second of this process's CPU time (the machine may be shared; CPU time leaves out the time
 * the process waited for a core).
 */
function rate(pass: () => number, seconds: number): { perSec: number; perCpuSec: number; sink: number } {
  let sink = 0;
  const warm = performance.now() + 200;
  while (performance.now() < warm) sink += pass();
  let n = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    sink += pass();
    n += FLOWS;
  }
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSec = (used.user + used.system) / 1e6;
  return { perSec: Math.round(n / wall), perCpuSec: Math.round(n / cpuSec), sink };
}

export function intentVerdictBench(seconds: number): Record<string, unknown> {
  const files = realWorldFiles();
  if (files.length === 0) return { skipped: 'shared MUD vectors not found' };
  const c = compileDevices(files);
  const flows = flowsOver(c.policies);
  const out = newVerdict();
  const floor = rate(() => {
    let a = 0;
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i] as Flow;
      out.accept = f.dstPort === 443 && f.family === 4;
      if (out.accept) a++;
    }
    return a;
  }, seconds);
  const match = rate(() => {
    let a = 0;
    for (let i = 0; i < flows.length; i++) if (c.matcher.judge(flows[i] as Flow, CT_NEW, out)) a++;
    return a;
  }, seconds);
  let accepted = 0;
  for (const f of flows) if (c.matcher.judge(f, CT_NEW, out)) accepted++;
  const judge = createFlowJudge(c.policies, { dnsServers: ['192.0.2.1'] });
  const tracked = rate(() => {
    let a = 0;
    for (let i = 0; i < flows.length; i++) if (judge.judge(flows[i] as Flow, out)) a++;
    return a;
  }, seconds);
  return {
    files: files.map((f) => f.file),
    devices: DEVICES,
    compile: {
      totalMs: Number((c.resolveMs + c.nftMs + c.engineMs).toFixed(1)),
      resolveMs: Number(c.resolveMs.toFixed(1)),
      nftScriptMs: Number(c.nftMs.toFixed(1)),
      engineMs: Number(c.engineMs.toFixed(1)),
      nftScriptMiB: Number((c.scriptBytes / 2 ** 20).toFixed(1)),
      distinctPeers: DISTINCT,
      targetMs: 1000,
    },
    verdicts: {
      flows: FLOWS,
      acceptedShare: Number((accepted / FLOWS).toFixed(3)),
      floorPerSec: floor.perSec,
      matchPerSec: match.perSec,
      judgeWithConntrackPerSec: tracked.perSec,
      floorPerCpuSec: floor.perCpuSec,
      matchPerCpuSec: match.perCpuSec,
      judgeWithConntrackPerCpuSec: tracked.perCpuSec,
      matchVsFloor: Number((match.perSec / floor.perSec).toFixed(3)),
      targetPerSec: 5_000_000,
    },
  };
}
