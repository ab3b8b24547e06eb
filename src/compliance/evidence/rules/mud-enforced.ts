/**
 * The model's in-service devices run their MUD policy (RFC 8520: the MUD manager turns the file
 * into access controls), with their conformance history: violations and quarantines within the
 * window. A quarantined device's policy is enforced, but the device does not conform.
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, deviceItem, unregistered } from '../rule-result.ts';

const RULE = 'mud-enforced';
const DAY_MS = 86_400_000;

export function mudEnforced(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const n = facts.devices.inService;
  const i = facts.intent;
  const days = Math.round((i.window.to.getTime() - i.window.from.getTime()) / DAY_MS);
  const history = `${count(i.violations, 'violation')} from ${count(i.devicesWithViolations, 'device')} and ${count(i.quarantines, 'quarantine')} in the last ${days} days`;
  const detail = `${i.enforced} of ${count(n, 'in-service device')} have their MUD policy enforced, ${i.quarantined} quarantined; ${history}.`;
  const evidence = [
    ...i.notEnforcedExamples.map((g) => deviceItem(g, 'MUD policy not enforced')),
    ...i.quarantinedExamples.map((g) => deviceItem(g, 'quarantined')),
  ];
  if (n === 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `No device of model ${facts.model} is in service.`,
      evidence,
      remedy: 'Onboard the devices.',
    };
  if (i.enforced === 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail,
      evidence,
      remedy: "Run the MUD manager on the devices' network so it enforces their MUD files.",
    };
  if (i.enforced < n || i.quarantined > 0)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail,
      evidence,
      remedy:
        i.enforced < n
          ? 'Enforce the MUD policy of every in-service device.'
          : 'Find why the quarantined devices left their declared intent.',
    };
  return { rule: RULE, outcome: 'met', detail, evidence };
}
