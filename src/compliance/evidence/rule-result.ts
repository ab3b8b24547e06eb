/** What every evidence rule shares: management-API paths, evidence items, and the result for an unregistered product. */
import type { EvidenceItem, RuleResult } from '../assessment/result-types.ts';
import type { EvidenceFacts, ReleaseFacts } from './evidence-facts.ts';
import type { EvidenceRuleId } from './rule-ids.ts';

const API = '/api/v1';
const seg = encodeURIComponent;

export const hrefs = {
  device: (guid: string) => `${API}/devices/${seg(guid)}`,
  mudFile: (name: string) => `${API}/mud-files/${seg(name)}`,
  release: (id: string) => `${API}/releases/${seg(id)}`,
  campaign: (id: string) => `${API}/campaigns/${seg(id)}`,
  product: (model: string) => `${API}/products/${seg(model)}`,
};

export const deviceItem = (guid: string, detail: string): EvidenceItem => ({ kind: 'device', id: guid, detail, href: hrefs.device(guid) });

export const productItem = (model: string, detail: string): EvidenceItem => ({
  kind: 'product',
  id: model,
  detail,
  href: hrefs.product(model),
});

export const releaseItem = (r: ReleaseFacts, detail: string): EvidenceItem => ({
  kind: 'release',
  id: r.id,
  detail: `${r.version} (sequence ${r.sequenceNumber}): ${detail}`,
  href: hrefs.release(r.id),
});

export const settingItem = (id: string, detail: string): EvidenceItem => ({ kind: 'setting', id, detail });

/** The result of a rule that needs the product record when the model has none. */
export function unregistered(rule: EvidenceRuleId, facts: EvidenceFacts): RuleResult {
  return {
    rule,
    outcome: 'not-met',
    detail: `No product is registered for model ${facts.model}.`,
    evidence: [],
    remedy: 'Register the product.',
  };
}

/** The result of a rule about releases for a model that has none. */
export function noRelease(rule: EvidenceRuleId, facts: EvidenceFacts): RuleResult {
  return { rule, outcome: 'not-met', detail: `Model ${facts.model} has no release.`, evidence: [], remedy: 'Publish a signed release.' };
}

/** "1 device" / "3 devices"; `plural` for nouns that do not just add an s. */
export const count = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;
