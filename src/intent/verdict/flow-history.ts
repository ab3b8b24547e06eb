/**
 * Recent flows: every new flow a device's own chain decided — accepted by an ACE or the network
 * basics, or dropped — aggregated per device and flow shape like violations (violations.ts), with
 * the verdict and the rule that decided. Packets of established connections and traffic no
 * managed device owns are left out. Bounded: past `max` distinct flows between two reports, further
 * new shapes are only counted as overflow.
 */
import type { Flow } from './flow.ts';
import type { RuleLabel } from './labels.ts';
import type { Verdict } from './matcher.ts';
import { type FlowShape, flowShape } from './violations.ts';

/** Distinct flows kept between two reports by default. */
export const MAX_FLOWS_PER_REPORT = 4096;

export interface SeenFlow extends FlowShape {
  accept: boolean;
  /** `acl/ace`, `basics`, `default-deny` (or `default-deny after <acl>`), `unknown-device-address`. */
  rule: string;
}

export interface FlowHistory {
  /** Counts `f` when a device's chain decided it (`labels`: of the matcher that judged it). */
  add(f: Flow, v: Verdict, labels: RuleLabel[]): void;
  /** The flows since the history was made, in the order first seen. */
  list(): SeenFlow[];
  /** New flow shapes not kept because the history was full. */
  overflow(): number;
}

function ruleText(label: RuleLabel): string | undefined {
  switch (label.kind) {
    case 'ace':
      return `${label.acl ?? ''}/${label.ace ?? ''}`;
    case 'basics':
      return 'basics';
    case 'default-deny':
      return label.acl === undefined ? 'default-deny' : `default-deny after ${label.acl}`;
    case 'unknown-address':
      return label.acl ?? 'unknown-address';
    default:
      return undefined;
  }
}

const keyOf = (s: SeenFlow): string =>
  [s.mac, s.direction, s.family, s.protocol, s.peer, s.peerPort, s.localPort, s.icmpType, s.icmpCode].join('|');

export function createFlowHistory(max = MAX_FLOWS_PER_REPORT): FlowHistory {
  const byKey = new Map<string, SeenFlow>();
  let overflow = 0;
  return {
    add(f, v, labels) {
      const label = labels[v.label];
      const rule = label === undefined ? undefined : ruleText(label);
      if (label === undefined || rule === undefined || v.mac === '') return;
      const fresh: SeenFlow = { ...flowShape(f, label.direction ?? 'from-device', v.mac), accept: v.accept, rule };
      const key = keyOf(fresh);
      let seen = byKey.get(key);
      if (seen === undefined) {
        if (byKey.size >= max) {
          overflow++;
          return;
        }
        seen = fresh;
        byKey.set(key, seen);
      }
      seen.count++;
      seen.firstUs = Math.min(seen.firstUs, f.timeUs);
      if (f.timeUs >= seen.lastUs) Object.assign(seen, { lastUs: f.timeUs, accept: v.accept, rule });
    },
    list: () => [...byKey.values()],
    overflow: () => overflow,
  };
}
