/**
 * A device chain (`d_<mac>_from` / `d_<mac>_to` of nft-compile.ts): the basics, a rule per ACE and
 * IP family in policy order, then the default drop; and running it for one packet.
 */
import type { Direction } from '../../mud/model/constants.ts';
import type { Prefix } from '../ip.ts';
import type { ResolvedAcl } from '../resolve-types.ts';
import { basicsRules } from './basics.ts';
import type { Flow } from './flow.ts';
import type { RuleLabel } from './labels.ts';
import { KNOWN_DST0, KNOWN_NONE, KNOWN_SRC0, ruleMatches } from './match.ts';
import { buildPeerIndex, candidates, type PeerIndex, slotOf } from './peer-index.ts';
import { aceRules, type Rule } from './rule.ts';

export interface Chain {
  rules: Rule[];
  /** The label of the final `drop` (default deny). */
  deny: number;
  /** The side of a packet the device's peer is on in this chain. */
  peer: 'src' | 'dst';
  /** Peer indexes by family and protocol slot, built on first use. */
  indexes: (PeerIndex | undefined)[];
}

/** The chain of one direction; its labels are appended to `labels`. */
export function chainOf(dir: Direction, acls: ResolvedAcl[], basics: Rule[] | undefined, labels: RuleLabel[]): Chain {
  const rules: Rule[] = [...(basics ?? [])];
  for (const acl of acls) {
    for (const ace of acl.aces) {
      labels.push({ kind: 'ace', direction: dir, acl: acl.name, ace: ace.ace });
      rules.push(...aceRules(ace, dir, labels.length - 1));
    }
  }
  const last = acls[acls.length - 1];
  labels.push({ kind: 'default-deny', direction: dir, ...(last === undefined ? {} : { acl: last.name }) });
  return { rules, deny: labels.length - 1, peer: dir === 'from-device' ? 'dst' : 'src', indexes: [] };
}

/** The basics rules of both directions (shared by every device), or undefined without basics. */
export function basicsOf(basics: boolean, dns: Prefix[], labels: RuleLabel[]): [Rule[], Rule[]] | undefined {
  if (!basics) return undefined;
  labels.push({ kind: 'basics', direction: 'from-device' });
  const fromLabel = labels.length - 1;
  labels.push({ kind: 'basics', direction: 'to-device' });
  return [basicsRules('from-device', dns, fromLabel), basicsRules('to-device', dns, labels.length - 1)];
}

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

/**
 * Runs a chain for `f` in conntrack state `ct`: the label of the first matching rule when it
 * accepts, or `~label` (negative) of the rule that drops, the default drop included.
 */
export function runChain(c: Chain, f: Flow, ct: number): number {
  const rules = chainCandidates(c, f);
  // Candidates from the peer index are known to hold the peer in their first peer set.
  const known = slotOf(f.protocol) < 0 ? KNOWN_NONE : c.peer === 'dst' ? KNOWN_DST0 : KNOWN_SRC0;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as Rule;
    if (ruleMatches(r, f, ct, known)) return r.accept ? r.label : ~r.label;
  }
  return ~c.deny;
}
