/** An assessment's provision outcomes as counts: words first, so the meaning never rests on colour. */
import type { OutcomeCounts } from './types.ts';

const LABELS: [keyof OutcomeCounts, string, string][] = [
  ['met', 'met', 'good'],
  ['notMet', 'not met', 'bad'],
  ['partiallyMet', 'partially met', 'warn'],
  ['manualEvidenceNeeded', 'manual evidence needed', 'info'],
  ['notApplicable', 'not applicable', 'muted'],
];

export function SummaryCounts({ summary }: { summary: OutcomeCounts }) {
  return (
    <ul className="outcome-counts">
      {LABELS.map(([key, label, tone]) => (
        <li key={key} className={`badge ${summary[key] > 0 ? tone : 'neutral'}`}>
          {summary[key]} {label}
        </li>
      ))}
    </ul>
  );
}

/** The counts as one line of text, for a table cell. */
export function summaryText(s: OutcomeCounts): string {
  return `${s.met} met, ${s.notMet} not met, ${s.partiallyMet} partially met, ${s.manualEvidenceNeeded} needing manual evidence, ${s.notApplicable} not applicable`;
}
