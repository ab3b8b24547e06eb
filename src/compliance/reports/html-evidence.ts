/** What a provision's outcome rests on: rule findings with their evidence items, and manual evidence. */
import type { EvidenceItem, ManualEvidence, RuleResult } from '../assessment/result-types.ts';
import { escapeHtml } from './escape.ts';
import { evidenceUrl } from './evidence-link.ts';
import { formatTime, outcomeBadge } from './html-labels.ts';

export function renderRules(rules: readonly RuleResult[], baseUrl?: string): string {
  if (rules.length === 0) return '';
  return `<ul class="rules">${rules.map((r) => renderRule(r, baseUrl)).join('')}</ul>`;
}

function renderRule(rule: RuleResult, baseUrl?: string): string {
  const remedy =
    rule.remedy === undefined || rule.outcome === 'met'
      ? ''
      : `<p class="remedy"><strong>What to do:</strong> ${escapeHtml(rule.remedy)}</p>`;
  return `<li><span class="rule-id">${escapeHtml(rule.rule)}</span> ${outcomeBadge(rule.outcome)} ${escapeHtml(rule.detail)}${renderEvidence(rule.evidence, baseUrl)}${remedy}</li>`;
}

function renderEvidence(items: readonly EvidenceItem[], baseUrl?: string): string {
  if (items.length === 0) return ' <span class="muted">(no evidence items)</span>';
  return `<ul class="evidence">${items.map((item) => `<li>${renderItem(item, baseUrl)}</li>`).join('')}</ul>`;
}

/** An item is linked only when its href is http(s) or relative; any other href is shown as text. */
function renderItem(item: EvidenceItem, baseUrl?: string): string {
  const label = `${escapeHtml(item.kind)} <code>${escapeHtml(item.id)}</code>`;
  const url = evidenceUrl(item.href, baseUrl);
  const name = url === undefined ? label : `<a href="${escapeHtml(url)}">${label}</a>`;
  const unlinked =
    url === undefined && item.href !== undefined && item.href !== ''
      ? ` <span class="muted">(not linked: ${escapeHtml(item.href)})</span>`
      : '';
  return `${name}: ${escapeHtml(item.detail)}${unlinked}`;
}

export function renderManual(manual: ManualEvidence | undefined): string {
  if (manual === undefined) return '';
  const attachments = manual.attachments.map(
    (a) =>
      `<li>${escapeHtml(a.name)} (${escapeHtml(a.mediaType)}, ${escapeHtml(a.size)} bytes, SHA-256 <code>${escapeHtml(a.sha256)}</code>)</li>`,
  );
  const list = attachments.length === 0 ? '' : `<ul class="evidence">${attachments.join('')}</ul>`;
  const when = formatTime(manual.at);
  return `<div class="manual-evidence"><p class="manual"><strong>Manual evidence:</strong> ${outcomeBadge(manual.outcome)} ${escapeHtml(manual.statement)} <span class="muted">— stated by ${escapeHtml(manual.by)} at <time datetime="${escapeHtml(when)}">${escapeHtml(when)}</time> (<code>${escapeHtml(manual.id)}</code>)</span></p>${list}</div>`;
}
