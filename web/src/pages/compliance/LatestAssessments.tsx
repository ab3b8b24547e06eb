/** The newest assessment of a product for each market (and each catalog assessed alone), with its outcome counts. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, withQuery } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { SummaryCounts } from './SummaryCounts.tsx';
import type { AssessmentInfo } from './types.ts';

export function LatestAssessments({ model }: { model: string }) {
  const q = useQuery({
    queryKey: ['/assessments/latest', model],
    queryFn: ({ signal }) =>
      api<{ items: AssessmentInfo[]; complete: boolean }>(withQuery('/assessments/latest', { product: model }), { signal }),
    refetchInterval: 5000,
  });
  if (q.isLoading) return <Loading what="assessments" />;
  if (q.error !== null) return <Problem error={q.error} what="the assessments" />;
  const items = q.data?.items ?? [];
  if (items.length === 0) return <p className="empty">Not assessed yet.</p>;
  return (
    <>
      <table className="data">
        <caption>Newest assessment per market</caption>
        <thead>
          <tr>
            <th scope="col">Market</th>
            <th scope="col">Catalogs</th>
            <th scope="col">Assessed</th>
            <th scope="col">Outcomes</th>
            <th scope="col">Assessment</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <th scope="row">{a.market ?? <span className="muted">catalog only</span>}</th>
              <td className="mono">{a.catalogs.join(', ')}</td>
              <td>
                <Time at={a.at} />
              </td>
              <td>
                <SummaryCounts summary={a.summary} />
              </td>
              <td>
                <Link href={`/compliance/assessments/${a.id}`} aria-label={`Open the ${a.market ?? a.catalogs.join(', ')} assessment`}>
                  Open
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.data?.complete === false && <p className="notice">Only the newest assessments were read; older markets may be missing.</p>}
    </>
  );
}
