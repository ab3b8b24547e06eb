/** Every provision result, grouped by catalog and then by section, one table per section. */
import type { Assessment, ProvisionResult } from '../assessment/result-types.ts';
import { anchorId, escapeHtml } from './escape.ts';
import { renderManual, renderRules } from './html-evidence.ts';
import { outcomeBadge, statusMarkup } from './html-labels.ts';
import { catalogOrder } from './outcome-counts.ts';

export function renderProvisions(assessment: Assessment, baseUrl?: string): string {
  const titles = new Map(assessment.catalogs.map((c) => [c.id, c]));
  const catalogs = catalogOrder(assessment).map((id) => {
    const catalog = titles.get(id);
    const heading =
      catalog === undefined
        ? escapeHtml(id)
        : `${escapeHtml(catalog.title)} <span class="muted">(version ${escapeHtml(catalog.version)})</span>`;
    const results = assessment.results.filter((r) => r.catalog === id);
    const sections = groupBySection(results).map(([section, rows]) => renderSection(section, rows, baseUrl));
    return `<h3 id="${anchorId('c', id)}">${heading}</h3>\n${sections.join('\n')}`;
  });
  return `<section class="provisions" aria-labelledby="provisions">
<h2 id="provisions">Provisions</h2>
${catalogs.join('\n')}
</section>`;
}

/** Sections in the order their first provision appears (catalog order), each with its results. */
function groupBySection(results: readonly ProvisionResult[]): [string, ProvisionResult[]][] {
  const groups = new Map<string, ProvisionResult[]>();
  for (const r of results) {
    const group = groups.get(r.section);
    if (group === undefined) groups.set(r.section, [r]);
    else group.push(r);
  }
  return [...groups];
}

function renderSection(section: string, results: readonly ProvisionResult[], baseUrl?: string): string {
  return `<table class="section">
<caption>${escapeHtml(section)}</caption>
<thead><tr><th scope="col">Provision</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Outcome</th><th scope="col">Findings and evidence</th></tr></thead>
<tbody>
${results.map((r) => renderRow(r, baseUrl)).join('\n')}
</tbody>
</table>`;
}

function renderRow(r: ProvisionResult, baseUrl?: string): string {
  const holds = r.outcome === 'not-applicable' ? ' — does not hold for this product' : '';
  const condition =
    r.condition === undefined
      ? ''
      : `<p class="condition"><strong>Condition:</strong> <code>${escapeHtml(r.condition.id)}</code> ${escapeHtml(r.condition.text)}${holds}</p>`;
  const remedy =
    r.remedy === undefined || r.outcome === 'met' || r.outcome === 'not-applicable'
      ? ''
      : `<p class="remedy"><strong>What to do:</strong> ${escapeHtml(r.remedy)}</p>`;
  const findings = `${condition}${renderRules(r.rules, baseUrl)}${renderManual(r.manual)}${remedy}`;
  return `<tr class="provision" id="${anchorId('p', r.catalog, r.provision)}"><th scope="row">${escapeHtml(r.provision)}</th><td>${escapeHtml(r.title)}</td><td>${statusMarkup(r.status)}</td><td>${outcomeBadge(r.outcome)}</td><td>${findings || '<span class="muted">no findings recorded</span>'}</td></tr>`;
}
