/** What changed since an earlier assessment of the same product, and why. */
import type { Assessment, AssessmentDiff } from '../assessment/result-types.ts';
import { changeDirection } from './diff-direction.ts';
import { anchorId, escapeHtml } from './escape.ts';
import { outcomeBadge } from './html-labels.ts';

export function renderDiff(assessment: Assessment, diff: AssessmentDiff): string {
  const intro = `<p>From assessment <code>${escapeHtml(diff.from)}</code> to <code>${escapeHtml(diff.to)}</code>: ${diff.changes.length} ${diff.changes.length === 1 ? 'provision' : 'provisions'} changed.</p>`;
  const mismatch =
    diff.to === assessment.id
      ? ''
      : `<p class="notice" role="note">This diff ends at assessment <code>${escapeHtml(diff.to)}</code>, not at the assessment of this report (<code>${escapeHtml(assessment.id)}</code>).</p>`;
  const present = new Set(assessment.results.map((r) => `${r.catalog}\u0000${r.provision}`));
  const rows = diff.changes.map((c) => changeRow(c, present.has(`${c.catalog}\u0000${c.provision}`)));
  const table =
    rows.length === 0
      ? '<p>No provision changed its outcome.</p>'
      : `<table>
<caption>Changed provisions</caption>
<thead><tr><th scope="col">Provision</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Direction</th><th scope="col">Why</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
  return `<section class="diff" aria-labelledby="diff">
<h2 id="diff">Changes since the previous assessment</h2>
${intro}${mismatch}
${table}
</section>`;
}

function changeRow(c: AssessmentDiff['changes'][number], linkable: boolean): string {
  const id = escapeHtml(c.provision);
  const name = linkable ? `<a href="#${anchorId('p', c.catalog, c.provision)}">${id}</a>` : id;
  const cell = (o: typeof c.before) => (o === undefined ? '<span class="muted">not assessed</span>' : outcomeBadge(o));
  const direction = changeDirection(c.before, c.after);
  return `<tr class="change change-${direction}"><th scope="row">${name} <span class="muted">(<code>${escapeHtml(c.catalog)}</code>)</span></th><td>${cell(c.before)}</td><td>${cell(c.after)}</td><td>${direction}</td><td>${escapeHtml(c.why)}</td></tr>`;
}
