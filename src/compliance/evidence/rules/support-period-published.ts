/**
 * The defined support period is published. When it has ended, the devices still in service are
 * flagged: they no longer get security updates.
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, deviceItem, productItem, unregistered } from '../rule-result.ts';

const RULE = 'support-period-published';

/** The support end as a time; undefined when it is not a date. */
function endOf(text: string): Date | undefined {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function supportPeriodPublished(facts: EvidenceFacts): RuleResult {
  const p = facts.product;
  if (p === undefined) return unregistered(RULE, facts);
  const end = p.supportEnd === undefined ? undefined : endOf(p.supportEnd);
  if (end === undefined)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: 'No support period with an end date is defined.',
      evidence: [productItem(p.model, 'no support end')],
      remedy: 'Define the support period with its end date and publish it.',
    };
  const evidence = [productItem(p.model, `support ends ${p.supportEnd}`)];
  if (!p.supportPublished)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The support period ends ${p.supportEnd} but is not published.`,
      evidence,
      remedy: 'Publish the support period where buyers see it.',
    };
  const n = facts.devices.inService;
  if (end.getTime() <= facts.at.getTime() && n > 0)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The support period ended ${p.supportEnd}; ${count(n, 'in-service device')} are past it.`,
      evidence: [...evidence, ...facts.devices.inServiceExamples.map((g) => deviceItem(g, 'in service past the support end'))],
      remedy: 'Extend the support period or retire the devices past it.',
    };
  return { rule: RULE, outcome: 'met', detail: `The support period is published and ends ${p.supportEnd}.`, evidence };
}
