/**
 * Conformance of a capture to one device's MUD file: every packet the device sends or receives is
 * judged as the gateway's ruleset would judge it (FlowJudge), and the drops are aggregated into
 * violations. DNS answers in the capture resolve the file's names: an answer seen before a packet
 * is used for it (the policy is resolved again lazily, when a new address for a name of the file
 * appears), so a file written with names judges a capture that only has addresses.
 *
 * Packets to the device are found by its MAC, as if the gateway had been given every address the
 * device uses. With device interfaces (NftCompileOptions.deviceInterfaces, any name: the capture is
 * taken to be on one of them) they are judged as the routed gateway's `to_device` chain judges
 * them: by the device's address when the context gives it, and otherwise new traffic is dropped
 * as `unknown-device-address` while replies of the device's own connections pass.
 */

import type { MudFile } from '../../mud/model/mud-file.ts';
import { dnsAnswers } from '../capture/dns.ts';
import type { Packet } from '../capture/packet.ts';
import { IntentError } from '../errors.ts';
import { normaliseMac } from '../ip.ts';
import { deviceInterfaces, type NftCompileOptions } from '../nft-compile.ts';
import { resolveMud } from '../resolve.ts';
import type { DeviceContext, IntentWarning, ResolvedPolicy } from '../resolve-types.ts';
import { parseV4, parseV6 } from './addr.ts';
import { addressText, flowFromPacket, leavesToDevice, newFlow } from './flow.ts';
import { createFlowJudge } from './judge.ts';
import { newVerdict } from './matcher.ts';
import { createViolationLog, type Violation } from './violations.ts';

export interface ConformOptions extends NftCompileOptions {
  /** Resolve leniently: ACEs that cannot be resolved are left out with a warning. */
  lenient?: boolean;
  /** The gateway's MAC: only frames exchanged with it are judged (others stay on the link, unseen by the gateway). */
  gatewayMac?: string;
  /** The gateway's own addresses: packets to or from them are delivered locally (input), never forwarded, so not judged. */
  gatewayAddresses?: string[];
}

export interface ConformResult {
  /** Packets read; packets of the device judged; the device's frames the gateway would not route (multicast, broadcast, or to another host of the link when the gateway is named). */
  packets: number;
  judged: number;
  onLink: number;
  /** The device's packets to or from the gateway's own addresses (not forwarded, not judged). */
  local: number;
  /** Names of the file and the addresses known for them at the end (the options' and the capture's DNS answers). */
  names: { name: string; addresses: string[] }[];
  violations: Violation[];
  warnings: IntentWarning[];
}

/** The `src-dnsname` / `dst-dnsname` values of a file, normalised as the resolver looks them up. */
export function fileNames(mud: MudFile): Set<string> {
  const out = new Set<string>();
  for (const acl of mud.acls)
    for (const ace of acl.aces) {
      const ip = ace.matches.ipv4 ?? ace.matches.ipv6;
      for (const n of [ip?.srcDnsName, ip?.dstDnsName]) if (n !== undefined) out.add(n.toLowerCase().replace(/\.$/, ''));
    }
  return out;
}

/**
 * Checks everything but the names before reading the capture: with a stand-in address for each
 * name not yet known, resolution fails only for what no DNS answer can fix.
 */
function checkResolvable(mud: MudFile, ctx: DeviceContext, names: Set<string>, lenient: boolean): void {
  const stand = new Map(ctx.names);
  for (const n of names) if (!stand.has(n)) stand.set(n, ['192.0.2.0', '2001:db8::']);
  resolveMud(mud, { ...ctx, names: stand }, { lenient });
}

export async function conform(
  packets: AsyncIterable<Packet>,
  mud: MudFile,
  ctx: DeviceContext,
  opts: ConformOptions = {},
): Promise<ConformResult> {
  const mac = normaliseMac(ctx.mac);
  if (mac === undefined) throw new IntentError('ERR_INTENT_CONTEXT', 'mac', `mac: ${JSON.stringify(ctx.mac)} is not a MAC address`);
  const gateway = opts.gatewayMac === undefined ? undefined : normaliseMac(opts.gatewayMac);
  if (opts.gatewayMac !== undefined && gateway === undefined)
    throw new IntentError('ERR_INTENT_CONTEXT', 'gateway-mac', `gateway-mac: ${JSON.stringify(opts.gatewayMac)} is not a MAC address`);
  const own = new Set<string>();
  for (const a of opts.gatewayAddresses ?? []) {
    const words = new Uint32Array(4);
    const v4 = parseV4(a);
    if (v4 === undefined && !parseV6(a, words))
      throw new IntentError('ERR_INTENT_CONTEXT', 'gateway-address', `gateway-address: ${JSON.stringify(a)} is not an IP address`);
    own.add(v4 === undefined ? addressText(6, words) : a);
  }
  const guarded = deviceInterfaces(opts.deviceInterfaces ?? []).length > 0;
  const wanted = fileNames(mud);
  checkResolvable(mud, { ...ctx, mac }, wanted, opts.lenient === true);
  const names = new Map([...ctx.names].map(([k, v]) => [k, [...v]]));
  // Names without an answer yet are left out (their ACEs accept nothing) until one arrives.
  const resolve = (): ResolvedPolicy => resolveMud(mud, { ...ctx, mac, names }, { lenient: true });
  let policy = resolve();
  const judge = createFlowJudge([policy], opts);
  const log = createViolationLog();
  const flow = newFlow();
  const verdict = newVerdict();
  const result: ConformResult = { packets: 0, judged: 0, onLink: 0, local: 0, names: [], violations: [], warnings: [] };
  let stale = false;
  for await (const p of packets) {
    result.packets++;
    for (const a of dnsAnswers(p)) {
      if (a.type === 'CNAME' || !wanted.has(a.name)) continue;
      const list = names.get(a.name) ?? [];
      if (list.includes(a.value)) continue;
      names.set(a.name, [...list, a.value]);
      stale = true;
    }
    const other = p.srcMac === mac ? p.dstMac : p.dstMac === mac ? p.srcMac : undefined;
    if (other === undefined) continue;
    // Multicast and broadcast frames (the group bit of the destination) are not routed; nor is
    // traffic between the device and another host of its link when the gateway is named.
    if ((Number.parseInt(p.dstMac.slice(0, 2), 16) & 1) === 1 || (gateway !== undefined && other !== gateway)) {
      result.onLink++;
      continue;
    }
    if (p.ip !== undefined && own.size > 0 && (own.has(p.ip.dst) || own.has(p.ip.src))) {
      result.local++;
      continue;
    }
    if (stale) {
      policy = resolve();
      judge.update([policy]);
      stale = false;
    }
    if (!flowFromPacket(p, flow)) continue;
    if (guarded && p.dstMac === mac) leavesToDevice(flow);
    result.judged++;
    judge.judge(flow, verdict);
    log.add(flow, verdict, judge.labels);
  }
  result.names = [...wanted].sort().map((name) => ({ name, addresses: names.get(name) ?? [] }));
  result.violations = log.list();
  result.warnings = policy.warnings;
  return result;
}
