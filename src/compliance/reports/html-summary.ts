/** The report's summary: what was assessed, and how many provisions have each outcome. */
import type { Assessment } from '../assessment/result-types.ts';
import { escapeHtml } from './escape.ts';
import { formatTime, isMandatory, OUTCOMES, outcomeBadge, outcomeLabel, outcomeMeaning } from './html-labels.ts';
import { catalogOrder, countOutcomes, type OutcomeCounts, summaryMatches } from './outcome-counts.ts';

export function renderSummary(assessment: Assessment): string {
  const counts = countOutcomes(assessment.results);
  return `<section class="summary" aria-labelledby="summary">
<h2 id="summary">Summary</h2>
${renderFacts(assessment)}
${renderHeadline(assessment, counts)}
${renderBar(counts)}
${renderCountsTable(assessment, counts)}
${summaryMatches(assessment.summary, counts) ? '' : renderSummaryMismatch(assessment)}
${renderLegend()}
</section>`;
}

function renderFacts(a: Assessment): string {
  const catalogs = a.catalogs.map((c) => `${escapeHtml(c.title)} (<code>${escapeHtml(c.id)}</code>, version ${escapeHtml(c.version)})`);
  const rows: [string, string][] = [
    ['Product model', escapeHtml(a.productModel)],
    ['Market', a.market === undefined ? 'none: a single catalog was assessed' : escapeHtml(a.market)],
    ['Catalogs', catalogs.join('<br>')],
    ['Assessed at', `<time datetime="${escapeHtml(formatTime(a.at))}">${escapeHtml(formatTime(a.at))}</time>`],
    ['Assessment id', `<code>${escapeHtml(a.id)}</code>`],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function renderHeadline(a: Assessment, counts: OutcomeCounts): string {
  const open = a.results.filter((r) => r.outcome !== 'met' && r.outcome !== 'not-applicable');
  const mandatory = open.filter((r) => isMandatory(r.status)).length;
  const decided = `${counts.met} of ${counts.total} provisions met, ${counts['not-applicable']} not applicable`;
  return `<p class="notice"><strong>${open.length} open ${open.length === 1 ? 'gap' : 'gaps'}</strong>, ${mandatory} of them on mandatory provisions; ${decided}.</p>`;
}

/** A stacked bar of the outcomes; the table below it says the same in numbers for readers of text. */
function renderBar(counts: OutcomeCounts): string {
  if (counts.total === 0) return '';
  let x = 0;
  const parts = OUTCOMES.filter((o) => counts[o] > 0).map((o) => {
    const width = (counts[o] / counts.total) * 100;
    const rect = `<rect class="s-${o}" x="${x.toFixed(3)}" y="0" width="${width.toFixed(3)}" height="10"><title>${outcomeLabel(o)}: ${counts[o]}</title></rect>`;
    x += width;
    return rect;
  });
  const label = OUTCOMES.map((o) => `${outcomeLabel(o)} ${counts[o]}`).join(', ');
  return `<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="Outcomes: ${label}">${parts.join('')}</svg>`;
}

function renderCountsTable(a: Assessment, total: OutcomeCounts): string {
  const head = OUTCOMES.map((o) => `<th scope="col">${outcomeBadge(o)}</th>`).join('');
  const titles = new Map(a.catalogs.map((c) => [c.id, c.title]));
  const rows = catalogOrder(a).map((id) => {
    const counts = countOutcomes(a.results.filter((r) => r.catalog === id));
    return countsRow(`${escapeHtml(titles.get(id) ?? id)} <code>${escapeHtml(id)}</code>`, counts);
  });
  return `<table class="counts">
<caption>Provisions per outcome, by catalog</caption>
<thead><tr><th scope="col">Catalog</th>${head}<th scope="col">Total</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
<tfoot>${countsRow('All catalogs', total)}</tfoot>
</table>`;
}

function countsRow(label: string, counts: OutcomeCounts): string {
  const cells = OUTCOMES.map((o) => `<td class="num">${counts[o]}</td>`).join('');
  return `<tr><th scope="row">${label}</th>${cells}<td class="num">${counts.total}</td></tr>`;
}

function renderSummaryMismatch(a: Assessment): string {
  const s = a.summary;
  const stored = `met ${s.met}, not met ${s.notMet}, partially met ${s.partiallyMet}, not applicable ${s.notApplicable}, manual evidence needed ${s.manualEvidenceNeeded}`;
  return `<p class="notice" role="note">The assessment's stored summary (${escapeHtml(stored)}) differs from its provision results; the counts above are taken from the results.</p>`;
}

function renderLegend(): string {
  const items = OUTCOMES.map((o) => `<dt>${outcomeBadge(o)}</dt><dd>${outcomeMeaning(o)}</dd>`).join('');
  return `<h3>What the outcomes mean</h3><dl class="facts">${items}</dl>`;
}
