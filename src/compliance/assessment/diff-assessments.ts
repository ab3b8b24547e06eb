/**
 * What changed between two assessments of one product, provision by provision, and why: the
 * rule results that changed (with their details), manual evidence added, replaced or removed,
 * a condition that now decides, and provisions that came or went with a catalog change.
 * Provisions whose outcome, rule outcomes and manual evidence are all unchanged are left out.
 */
import type { Assessment, AssessmentDiff, ProvisionResult, RuleResult } from './result-types.ts';

type Change = AssessmentDiff['changes'][number];

const key = (r: { catalog: string; provision: string }) => `${r.catalog}\u0000${r.provision}`;

function catalogVersion(a: Assessment, id: string): string | undefined {
  return a.catalogs.find((c) => c.id === id)?.version;
}

/** Why a provision is only in one of the two: its catalog was (not) assessed, or the catalog's version changed. */
function goneOrNew(r: ProvisionResult, a: Assessment, b: Assessment, verb: 'added' | 'removed'): string {
  const before = catalogVersion(a, r.catalog);
  const after = catalogVersion(b, r.catalog);
  if (before === undefined) return `catalog ${r.catalog} was not assessed before`;
  if (after === undefined) return `catalog ${r.catalog} is no longer assessed`;
  return `provision ${verb} by catalog ${r.catalog} version ${before} → ${after}`;
}

function ruleChanges(before: readonly RuleResult[], after: readonly RuleResult[]): string[] {
  const was = new Map(before.map((r) => [r.rule, r]));
  const now = new Map(after.map((r) => [r.rule, r]));
  const out: string[] = [];
  for (const [rule, r] of now) {
    const old = was.get(rule);
    if (old === undefined) out.push(`rule ${rule} now ${r.outcome}: ${r.detail}`);
    else if (old.outcome !== r.outcome) out.push(`rule ${rule} ${old.outcome} → ${r.outcome}: ${r.detail}`);
  }
  for (const rule of was.keys()) if (!now.has(rule)) out.push(`rule ${rule} no longer gives a result`);
  return out;
}

function manualChange(before: ProvisionResult, after: ProvisionResult): string | undefined {
  const a = before.manual;
  const b = after.manual;
  if (a?.id === b?.id) return undefined;
  if (a === undefined && b !== undefined) return `manual evidence ${b.id} added by ${b.by}, claiming ${b.outcome}`;
  if (a !== undefined && b === undefined) return `manual evidence ${a.id} removed`;
  return `manual evidence ${a?.id} replaced by ${b?.id} (by ${b?.by}, claiming ${b?.outcome})`;
}

function conditionChange(before: ProvisionResult, after: ProvisionResult): string | undefined {
  if (before.condition?.id === after.condition?.id) return undefined;
  if (after.condition !== undefined && after.outcome === 'not-applicable') return `condition ${after.condition.id} does not hold now`;
  if (after.condition !== undefined) return `condition ${after.condition.id} is undecided now`;
  return `condition ${before.condition?.id} no longer decides the outcome`;
}

function changed(before: ProvisionResult, after: ProvisionResult): Change | undefined {
  const reasons = [
    ...ruleChanges(before.rules, after.rules),
    manualChange(before, after),
    conditionChange(before, after),
    before.status === after.status ? undefined : `status ${before.status} → ${after.status}`,
  ].filter((s): s is string => s !== undefined);
  if (before.outcome === after.outcome && reasons.length === 0) return undefined;
  const why = reasons.length > 0 ? reasons.join('; ') : 'the evidence behind it changed without changing any rule outcome';
  return { catalog: after.catalog, provision: after.provision, before: before.outcome, after: after.outcome, why };
}

/** `a` is the earlier assessment, `b` the later; the changes come in `b`'s order, removed provisions last. */
export function diffAssessments(a: Assessment, b: Assessment): AssessmentDiff {
  const was = new Map(a.results.map((r) => [key(r), r]));
  const now = new Set(b.results.map(key));
  const changes: Change[] = [];
  for (const r of b.results) {
    const old = was.get(key(r));
    if (old === undefined) changes.push({ catalog: r.catalog, provision: r.provision, after: r.outcome, why: goneOrNew(r, a, b, 'added') });
    else {
      const c = changed(old, r);
      if (c !== undefined) changes.push(c);
    }
  }
  for (const r of a.results)
    if (!now.has(key(r)))
      changes.push({ catalog: r.catalog, provision: r.provision, before: r.outcome, why: goneOrNew(r, a, b, 'removed') });
  return { from: a.id, to: b.id, changes };
}
