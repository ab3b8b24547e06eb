/**
 * Many resolved policies compiled to one matcher that answers, for a packet in a given conntrack
 * state, what the nftables ruleset of nft-compile.ts would: the `from_device` base chain (dispatch
 * by source MAC) and then the `to_device` base chain (dispatch by destination MAC, else by
 * destination address, else — with device interfaces — a drop of what leaves through one of
 * them), each accepting established traffic first (docs/intent.md, "The script").
 */
import { deviceInterfaces, type NftCompileOptions } from '../nft-compile.ts';
import type { ResolvedPolicy } from '../resolve-types.ts';
import { runChain } from './chain.ts';
import { compileDevices } from './devices.ts';
import type { Flow } from './flow.ts';
import { baseLabels, LABEL_ESTABLISHED, LABEL_NOT_MANAGED, LABEL_UNKNOWN_ADDRESS, type RuleLabel } from './labels.ts';
import { CT_ESTABLISHED } from './rule.ts';

/** The answer for one packet; reuse one object across calls. */
export interface Verdict {
  accept: boolean;
  /** The label (Matcher.labels) of the rule that decided, and the device (Matcher.macs index, -1 none) whose chain it is. */
  label: number;
  device: number;
  /** The MAC of that device ('' when none): a reference to Matcher.macs, no copy. */
  mac: string;
  /** The labels and devices that ended each base chain: established, not-managed (-1), or the device rule. */
  fromLabel: number;
  fromDevice: number;
  toLabel: number;
  toDevice: number;
  /** The conntrack state the packet was judged in (set by FlowJudge). */
  ct: number;
}

export function newVerdict(): Verdict {
  const n = LABEL_NOT_MANAGED;
  return { accept: true, label: n, device: -1, mac: '', fromLabel: n, fromDevice: -1, toLabel: n, toDevice: -1, ct: 0 };
}

export interface Matcher {
  labels: RuleLabel[];
  /** The managed devices' MACs, by device index. */
  macs: string[];
  /** Judges `f` in conntrack state `ct` (CT_NEW, CT_ESTABLISHED, CT_INVALID) into `out`; returns out.accept. */
  judge(f: Flow, ct: number, out: Verdict): boolean;
}

/** Compiles the policies (later ones replace earlier ones of the same MAC, as applying them in turn would). */
export function compileMatcher(policies: ResolvedPolicy[], opts: NftCompileOptions = {}): Matcher {
  const labels = baseLabels();
  const devices = compileDevices(policies, opts, labels);
  const macs = devices.macs;
  const guarded = deviceInterfaces(opts.deviceInterfaces ?? []).length > 0;
  /** `oifname "…" counter drop`: the device is the one the frame goes to on the link, when managed. */
  const unknownAddress = (f: Flow, out: Verdict): boolean => {
    const d = devices.byMac(f.linkDstMac);
    out.label = out.toLabel = LABEL_UNKNOWN_ADDRESS;
    out.device = out.toDevice = d === undefined ? -1 : d.index;
    out.mac = d === undefined ? '' : (macs[d.index] as string);
    return (out.accept = false);
  };
  return {
    labels,
    macs,
    judge(f: Flow, ct: number, out: Verdict): boolean {
      out.accept = true;
      out.device = out.fromDevice = out.toDevice = -1;
      out.mac = '';
      if (f.family === 0 || ct === CT_ESTABLISHED) {
        out.label = out.fromLabel = out.toLabel = f.family === 0 ? LABEL_NOT_MANAGED : LABEL_ESTABLISHED;
        return true;
      }
      out.fromLabel = out.toLabel = LABEL_NOT_MANAGED;
      const from = devices.from(f);
      if (from !== undefined) {
        const r = runChain(from.from, f, ct);
        out.label = out.fromLabel = r < 0 ? ~r : r;
        out.fromDevice = out.device = from.index;
        out.mac = macs[from.index] as string;
        if (r < 0) return (out.accept = false);
      }
      const to = devices.to(f);
      if (to === undefined && guarded && f.deviceLink) return unknownAddress(f, out);
      if (to !== undefined) {
        const r = runChain(to.to, f, ct);
        out.toLabel = r < 0 ? ~r : r;
        out.toDevice = to.index;
        if (r < 0) {
          out.label = out.toLabel;
          out.device = to.index;
          out.mac = macs[to.index] as string;
          return (out.accept = false);
        }
      }
      // An accept is reported by the sender's rule when it is a managed device, else the receiver's.
      if (from === undefined) {
        out.label = out.toLabel;
        out.device = out.toDevice;
        out.mac = out.toDevice < 0 ? '' : (macs[out.toDevice] as string);
      }
      return true;
    },
  };
}
