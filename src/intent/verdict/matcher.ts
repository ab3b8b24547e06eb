/**
 * Many resolved policies compiled to one matcher that answers, for a packet in a given conntrack
 * state, what the nftables ruleset of nft-compile.ts would: the `from_device` base chain (dispatch
 * by source MAC) and then the `to_device` base chain (dispatch by destination MAC, else by
 * destination address), each accepting established traffic first (docs/intent.md, "The script").
 */
import type { Direction } from '../../mud/model/constants.ts';
import { deviceId, dnsServers, type NftCompileOptions } from '../nft-compile.ts';
import type { ResolvedAcl, ResolvedPolicy } from '../resolve-types.ts';
import { macNumber, v4Range, v6Range } from './addr.ts';
import { basicsRules } from './basics.ts';
import type { Flow } from './flow.ts';
import { baseLabels, LABEL_ESTABLISHED, LABEL_NOT_MANAGED, type RuleLabel } from './labels.ts';
import { createMacTable } from './mac-table.ts';
import { ruleMatches } from './match.ts';
import { buildPeerIndex, candidates, type PeerIndex, slotOf } from './peer-index.ts';
import { aceRules, CT_ESTABLISHED, type Rule } from './rule.ts';

interface Chain {
  rules: Rule[];
  /** The label of the final `drop` (default deny). */
  deny: number;
  /** The side of a packet the device's peer is on in this chain. */
  peer: 'src' | 'dst';
  /** Peer indexes by family and protocol slot, built on first use. */
  indexes: (PeerIndex | undefined)[];
}

interface DeviceChains {
  from: Chain;
  to: Chain;
}

interface V6Entry {
  words: Uint32Array;
  device: DeviceChains;
}

/** The answer for one packet; reuse one object across calls. */
export interface Verdict {
  accept: boolean;
  /** The label (Matcher.labels) of the rule that decided. */
  label: number;
  /** The labels that ended each base chain: established, not-managed, or the device rule. */
  fromLabel: number;
  toLabel: number;
  /** The conntrack state the packet was judged in (set by FlowJudge). */
  ct: number;
}

export function newVerdict(): Verdict {
  return { accept: true, label: LABEL_NOT_MANAGED, fromLabel: LABEL_NOT_MANAGED, toLabel: LABEL_NOT_MANAGED, ct: 0 };
}

export interface Matcher {
  labels: RuleLabel[];
  /** Judges `f` in conntrack state `ct` (CT_NEW, CT_ESTABLISHED, CT_INVALID) into `out`; returns out.accept. */
  judge(f: Flow, ct: number, out: Verdict): boolean;
}

/** A hash of an IPv6 address's four words, the key of the address → device table. */
function v6Key(w: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 4; i++) h = Math.imul(h ^ (w[i] as number), 0x01000193);
  return h >>> 0;
}

function chainOf(mac: string, dir: Direction, acls: ResolvedAcl[], basics: Rule[] | undefined, labels: RuleLabel[]): Chain {
  const rules: Rule[] = [...(basics ?? [])];
  for (const acl of acls) {
    for (const ace of acl.aces) {
      labels.push({ kind: 'ace', mac, direction: dir, acl: acl.name, ace: ace.ace });
      rules.push(...aceRules(ace, dir, labels.length - 1));
    }
  }
  const last = acls[acls.length - 1];
  labels.push({ kind: 'default-deny', mac, direction: dir, ...(last === undefined ? {} : { acl: last.name }) });
  return { rules, deny: labels.length - 1, peer: dir === 'from-device' ? 'dst' : 'src', indexes: [] };
}

/** Runs a device chain: the label of the first matching rule (positive: accept) or of the default drop. */
function chainCandidates(c: Chain, f: Flow): Rule[] {
  const slot = slotOf(f.protocol);
  if (slot < 0) return c.rules;
  const at = (f.family === 6 ? 4 : 0) + slot;
  let ix = c.indexes[at];
  if (ix === undefined) {
    ix = buildPeerIndex(c.rules, f.family === 6 ? 6 : 4, f.protocol, c.peer);
    c.indexes[at] = ix;
  }
  return candidates(ix, c.peer === 'dst' ? f.dst : f.src);
}

function runChain(c: Chain, f: Flow, ct: number, out: Verdict): boolean {
  const rules = chainCandidates(c, f);
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as Rule;
    if (ruleMatches(r, f, ct)) {
      out.label = r.label;
      return r.accept;
    }
  }
  out.label = c.deny;
  return false;
}

function devicePolicies(policies: ResolvedPolicy[], opts: NftCompileOptions, labels: RuleLabel[]) {
  const byMac = createMacTable<DeviceChains>();
  const byV4 = new Map<number, DeviceChains>();
  const byV6 = new Map<number, V6Entry[]>();
  const dns = dnsServers(opts.dnsServers ?? []);
  for (const p of policies) {
    deviceId(p.mac);
    let basics: [Rule[], Rule[]] | undefined;
    if (opts.basics !== false) {
      labels.push({ kind: 'basics', mac: p.mac, direction: 'from-device' });
      const fromLabel = labels.length - 1;
      labels.push({ kind: 'basics', mac: p.mac, direction: 'to-device' });
      basics = [basicsRules('from-device', dns, fromLabel), basicsRules('to-device', dns, labels.length - 1)];
    }
    const device: DeviceChains = {
      from: chainOf(p.mac, 'from-device', p.fromDevice, basics?.[0], labels),
      to: chainOf(p.mac, 'to-device', p.toDevice, basics?.[1], labels),
    };
    byMac.set(macNumber(p.mac), device);
    const v4 = p.ipv4 === undefined ? undefined : v4Range(p.ipv4.text);
    if (v4 !== undefined) byV4.set(v4[0], device);
    const v6 = p.ipv6 === undefined ? undefined : v6Range(p.ipv6.text);
    if (v6 !== undefined) {
      const words = v6.subarray(0, 4);
      const key = v6Key(words);
      const list = byV6.get(key) ?? [];
      const same = list.findIndex((e) => e.words.every((w, i) => w === words[i]));
      if (same >= 0) list.splice(same, 1);
      list.push({ words, device });
      byV6.set(key, list);
    }
  }
  return { byMac, byV4, byV6 };
}

/** Compiles the policies (later ones replace earlier ones of the same MAC, as applying them in turn would). */
export function compileMatcher(policies: ResolvedPolicy[], opts: NftCompileOptions = {}): Matcher {
  const labels = baseLabels();
  const { byMac, byV4, byV6 } = devicePolicies(policies, opts, labels);
  const toDevice = (f: Flow): DeviceChains | undefined => {
    const m = byMac.get(f.dstMac);
    if (m !== undefined) return m;
    if (f.family === 4) return byV4.get(f.dst[0] as number);
    const list = byV6.get(v6Key(f.dst));
    if (list === undefined) return undefined;
    for (const e of list)
      if (e.words[0] === f.dst[0] && e.words[1] === f.dst[1] && e.words[2] === f.dst[2] && e.words[3] === f.dst[3]) return e.device;
    return undefined;
  };
  return {
    labels,
    judge(f: Flow, ct: number, out: Verdict): boolean {
      out.accept = true;
      if (f.family === 0) {
        out.label = out.fromLabel = out.toLabel = LABEL_NOT_MANAGED;
        return true;
      }
      if (ct === CT_ESTABLISHED) {
        out.label = out.fromLabel = out.toLabel = LABEL_ESTABLISHED;
        return true;
      }
      const from = byMac.get(f.srcMac);
      out.fromLabel = LABEL_NOT_MANAGED;
      if (from !== undefined) {
        const ok = runChain(from.from, f, ct, out);
        out.fromLabel = out.label;
        if (!ok) {
          out.accept = false;
          out.toLabel = LABEL_NOT_MANAGED;
          return false;
        }
      }
      const to = toDevice(f);
      out.toLabel = LABEL_NOT_MANAGED;
      if (to !== undefined) {
        const ok = runChain(to.to, f, ct, out);
        out.toLabel = out.label;
        if (!ok) {
          out.accept = false;
          return false;
        }
      }
      out.label = out.fromLabel !== LABEL_NOT_MANAGED ? out.fromLabel : out.toLabel;
      return true;
    },
  };
}
