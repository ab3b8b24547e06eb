/** How outcomes and statuses read in a report: each with a symbol and words, never colour alone. */
import type { ProvisionOutcome } from '../assessment/result-types.ts';
import type { ProvisionStatus } from '../catalogs/catalog-types.ts';
import { escapeHtml } from './escape.ts';

/** Display order: the outcomes that need work first. */
export const OUTCOMES: readonly ProvisionOutcome[] = ['not-met', 'partially-met', 'manual-evidence-needed', 'met', 'not-applicable'];

const OUTCOME_TEXT: Record<ProvisionOutcome, { symbol: string; label: string; meaning: string }> = {
  met: { symbol: '✓', label: 'Met', meaning: 'the evidence shows the provision is met' },
  'not-met': { symbol: '✗', label: 'Not met', meaning: 'the evidence shows the provision is not met' },
  'partially-met': { symbol: '◐', label: 'Partially met', meaning: 'some of what the provision asks is met, some is not' },
  'not-applicable': { symbol: '–', label: 'Not applicable', meaning: 'a condition of the provision does not hold for this product' },
  'manual-evidence-needed': {
    symbol: '?',
    label: 'Manual evidence needed',
    meaning: 'software cannot decide it; a statement by the maker is missing',
  },
};

const STATUS_TEXT: Record<ProvisionStatus, string> = {
  M: 'mandatory',
  R: 'recommended',
  'M C': 'mandatory when its condition holds',
  'R C': 'recommended when its condition holds',
};

export function outcomeLabel(outcome: ProvisionOutcome): string {
  return OUTCOME_TEXT[outcome]?.label ?? String(outcome);
}

export function outcomeMeaning(outcome: ProvisionOutcome): string {
  return OUTCOME_TEXT[outcome]?.meaning ?? '';
}

/** A badge: class for colour, a symbol hidden from screen readers, and the outcome in words. */
export function outcomeBadge(outcome: ProvisionOutcome): string {
  const text = OUTCOME_TEXT[outcome];
  if (text === undefined) return `<span class="outcome">${escapeHtml(outcome)}</span>`;
  return `<span class="outcome o-${outcome}"><span aria-hidden="true">${text.symbol}</span> ${text.label}</span>`;
}

export function statusMarkup(status: ProvisionStatus): string {
  const meaning = STATUS_TEXT[status];
  return meaning === undefined ? escapeHtml(status) : `<abbr title="${meaning}">${escapeHtml(status)}</abbr>`;
}

export function isMandatory(status: ProvisionStatus): boolean {
  return status === 'M' || status === 'M C';
}

/** An ISO 8601 UTC time; a value that is not a valid Date (e.g. an assessment read back from JSON) prints as given. */
export function formatTime(value: Date | string): string {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().replace('.000Z', 'Z') : String(value);
}
