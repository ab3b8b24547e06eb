/** An assessment's gaps, most important first, as the assessment ranked them, each with its remedy. */
import { StateBadge } from '../../components/StateBadge.tsx';
import type { Gap } from './types.ts';

export function GapList({ gaps }: { gaps: Gap[] }) {
  return (
    <>
      <h2>Gaps, most important first</h2>
      {gaps.length === 0 ? (
        <p className="empty">No gaps: every applicable provision is met.</p>
      ) : (
        <ol className="gaps">
          {gaps.map((g) => (
            <li key={`${g.catalog}-${g.provision}`}>
              <span className="mono">
                {g.catalog} {g.provision}
              </span>{' '}
              <StateBadge state={g.outcome} /> {g.remedy}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
