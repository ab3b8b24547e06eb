/**
 * FlowJudge: the verdict engine with connection tracking. Each packet is looked up in the
 * conntrack model, judged by the compiled matcher in that state, and an accepted one confirms or
 * updates its connection, as the kernel does for the nftables ruleset. Packet time comes from the
 * flow (the capture), so entries expire as they would have on the gateway.
 */
import type { NftCompileOptions } from '../nft-compile.ts';
import type { ResolvedPolicy } from '../resolve-types.ts';
import { type ConntrackOptions, createConntrack } from './conntrack.ts';
import type { Flow } from './flow.ts';
import type { RuleLabel } from './labels.ts';
import { compileMatcher, type Verdict } from './matcher.ts';

export interface FlowJudge {
  labels: RuleLabel[];
  /** Judges one packet into `out` (reuse it); returns whether the gateway forwards it. `out.ct` is the state it was judged in. */
  judge(f: Flow, out: Verdict): boolean;
  /** Tracked connections. */
  connections(): number;
  /** Replaces the policies (e.g. after names resolved anew); tracked connections stay, as on the gateway. */
  update(policies: ResolvedPolicy[]): void;
}

export function createFlowJudge(policies: ResolvedPolicy[], opts: NftCompileOptions & ConntrackOptions = {}): FlowJudge {
  let matcher = compileMatcher(policies, opts);
  const ct = createConntrack(opts);
  return {
    get labels() {
      return matcher.labels;
    },
    judge(f, out) {
      out.ct = ct.state(f);
      const accept = matcher.judge(f, out.ct, out);
      if (accept && f.family !== 0) ct.accepted(f);
      return accept;
    },
    connections: () => ct.size(),
    update(next) {
      matcher = compileMatcher(next, opts);
    },
  };
}
