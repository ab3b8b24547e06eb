/**
 * Campaign history shows the model's releases reaching its devices: of the in-service devices a
 * campaign targeted, those whose action succeeded with a SUIT report that verified (the SUIT
 * report, draft-ietf-suit-report, is the device's signed statement of what it did).
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, deviceItem, hrefs, unregistered } from '../rule-result.ts';

const RULE = 'updates-delivered';

export function updatesDelivered(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const u = facts.updates;
  const campaigns = u.campaignExamples.map((c) => ({
    kind: 'campaign',
    id: c.id,
    detail: `release ${c.releaseId}, ${c.state}`,
    href: hrefs.campaign(c.id),
  }));
  if (u.releases.length === 0 || u.campaigns === 0 || u.targeted === 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `No campaign has targeted an in-service device of model ${facts.model} (${count(u.releases.length, 'release')}, ${count(u.campaigns, 'campaign')}).`,
      evidence: campaigns,
      remedy: "Roll a release out to the product's devices in a campaign.",
    };
  const detail = `${u.installedVerified} of ${count(u.targeted, 'targeted in-service device')} installed with a verified SUIT report, over ${count(u.campaigns, 'campaign')}.`;
  const evidence = [...campaigns, ...u.notInstalledExamples.map((g) => deviceItem(g, 'no verified install yet'))];
  if (u.installedVerified === 0)
    return { rule: RULE, outcome: 'not-met', detail, evidence, remedy: 'Find why no device installed the update and roll it out again.' };
  if (u.installedVerified < u.targeted)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail,
      evidence,
      remedy: 'Complete the rollout to the devices that have not installed.',
    };
  return { rule: RULE, outcome: 'met', detail, evidence };
}
