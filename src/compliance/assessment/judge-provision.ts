/**
 * One provision's outcome: its conditions first, then the evidence rules that judge it, and only
 * where software cannot judge, the maker's manual evidence.
 */
import type { Catalog, Provision } from '../catalogs/catalog-types.ts';
import type { EvidenceRuleId } from '../evidence/rule-ids.ts';
import { applicability, type ProductFacts } from './conditions.ts';
import type { ManualEvidence, ProvisionOutcome, ProvisionResult, RuleResult } from './result-types.ts';

export interface JudgeInput {
  catalog: Catalog;
  provision: Provision;
  facts: ProductFacts;
  ruleResults: ReadonlyMap<EvidenceRuleId, RuleResult>;
  /** The latest manual evidence for this provision, if any. */
  manual: ManualEvidence | undefined;
}

/**
 * All rules met → met; all not met → not met; anything else → partially met. A rule the
 * evaluator gave no result for is not met for this purpose: `met` needs every rule's word.
 */
export function combineRules(rules: readonly EvidenceRuleId[], results: readonly RuleResult[]): ProvisionOutcome {
  const missing = rules.length - results.length;
  if (missing === 0 && results.every((r) => r.outcome === 'met')) return 'met';
  if (results.every((r) => r.outcome === 'not-met')) return 'not-met';
  return 'partially-met';
}

const needsRemedy = (o: ProvisionOutcome) => o !== 'met' && o !== 'not-applicable';

function remedyOf(outcome: ProvisionOutcome, provision: Provision, rules: readonly RuleResult[], note?: string): string | undefined {
  if (!needsRemedy(outcome)) return undefined;
  const fromRules = rules.filter((r) => r.outcome !== 'met' && r.remedy !== undefined).map((r) => r.remedy as string);
  return [note, ...fromRules, provision.guidance].filter((s) => s !== undefined && s !== '').join(' ');
}

function base({ catalog, provision }: JudgeInput) {
  return {
    catalog: catalog.id,
    provision: provision.id,
    section: provision.section,
    title: provision.title,
    status: provision.status,
  };
}

/** The manual evidence's claim decides: software has no rule for this provision (or no result). */
function byManual(input: JudgeInput, rules: RuleResult[], needed: string): ProvisionResult {
  const { manual, provision } = input;
  if (manual === undefined) {
    const outcome = 'manual-evidence-needed';
    return { ...base(input), outcome, rules, remedy: remedyOf(outcome, provision, rules, needed) as string };
  }
  const remedy = remedyOf(manual.outcome, provision, rules);
  return { ...base(input), outcome: manual.outcome, rules, manual, ...(remedy === undefined ? {} : { remedy }) };
}

/** The outcome its conditions decide (not applicable, or manual evidence needed), or undefined when the rules decide. */
function byConditions(input: JudgeInput): ProvisionResult | undefined {
  const { catalog, provision, facts, manual } = input;
  const applies = applicability(catalog, provision, facts);
  if (applies.kind === 'applies') return undefined;
  const condition = { id: applies.condition.id, text: applies.condition.text };
  const shownManual = manual === undefined ? {} : { manual };
  if (applies.kind === 'not-applicable') return { ...base(input), outcome: 'not-applicable', condition, rules: [], ...shownManual };
  if (manual === undefined) {
    const note = `State whether condition ${condition.id} holds ("${condition.text}") with manual evidence.`;
    const remedy = remedyOf('manual-evidence-needed', provision, [], note) as string;
    return { ...base(input), outcome: 'manual-evidence-needed', condition, rules: [], remedy };
  }
  // A maker who states the provision does not apply answers the condition; any other claim says it holds.
  return manual.outcome === 'not-applicable' ? { ...base(input), outcome: 'not-applicable', condition, rules: [], manual } : undefined;
}

export function judgeProvision(input: JudgeInput): ProvisionResult {
  const decided = byConditions(input);
  if (decided !== undefined) return decided;
  const { provision, ruleResults, manual } = input;
  const rules = provision.rules.flatMap((id) => {
    const r = ruleResults.get(id);
    return r === undefined ? [] : [r];
  });
  if (rules.length === 0) {
    const what =
      provision.rules.length === 0
        ? 'No evidence rule can judge this provision'
        : `No result came from rules ${provision.rules.join(', ')}`;
    return byManual(input, rules, `${what}: add manual evidence.`);
  }
  const outcome = combineRules(provision.rules, rules);
  const remedy = remedyOf(outcome, provision, rules);
  // Manual evidence is shown beside software's judgement but never overrides it.
  return { ...base(input), outcome, rules, ...(manual === undefined ? {} : { manual }), ...(remedy === undefined ? {} : { remedy }) };
}
