/** The gaps, in the assessment's rank order (mandatory before recommended, not met before partial). */
import type { Assessment, ProvisionResult } from '../assessment/result-types.ts';
import { anchorId, escapeHtml } from './escape.ts';
import { outcomeBadge, statusMarkup } from './html-labels.ts';

export function renderGaps(assessment: Assessment): string {
  const heading = '<h2 id="gaps">Gaps, most important first</h2>';
  if (assessment.gaps.length === 0) {
    return `<section class="gaps" aria-labelledby="gaps">${heading}<p>No gaps: every applicable provision is met.</p></section>`;
  }
  const byKey = new Map(assessment.results.map((r) => [`${r.catalog}\u0000${r.provision}`, r]));
  const rows = assessment.gaps.map((gap, i) => {
    const result = byKey.get(`${gap.catalog}\u0000${gap.provision}`);
    return gapRow(i + 1, gap, result);
  });
  return `<section class="gaps" aria-labelledby="gaps">${heading}
<table>
<caption>${assessment.gaps.length} ${assessment.gaps.length === 1 ? 'gap' : 'gaps'} ranked by importance, with what to do</caption>
<thead><tr><th scope="col">Rank</th><th scope="col">Provision</th><th scope="col">Status</th><th scope="col">Outcome</th><th scope="col">What to do</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function gapRow(rank: number, gap: Assessment['gaps'][number], result: ProvisionResult | undefined): string {
  const id = escapeHtml(gap.provision);
  const link = result === undefined ? id : `<a href="#${anchorId('p', gap.catalog, gap.provision)}">${id}</a>`;
  const title = result === undefined ? '' : ` ${escapeHtml(result.title)}`;
  const provision = `${link}${title} <span class="muted">(<code>${escapeHtml(gap.catalog)}</code>)</span>`;
  const status = result === undefined ? '' : statusMarkup(result.status);
  return `<tr class="gap"><td class="num">${rank}</td><th scope="row">${provision}</th><td>${status}</td><td>${outcomeBadge(gap.outcome)}</td><td>${escapeHtml(gap.remedy)}</td></tr>`;
}
