/** Every assessment of a product, newest first, paged by the server. */
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { summaryText } from './SummaryCounts.tsx';
import type { AssessmentInfo } from './types.ts';

export function AssessmentHistory({ model }: { model: string }) {
  const list = usePagedList<AssessmentInfo>('/assessments', { product: model }, { pageSize: 10, refetchMs: 5000 });
  return (
    <>
      <h2>All assessments</h2>
      {list.error !== null ? <Problem error={list.error} what="the assessments" /> : null}
      {list.isLoading ? (
        <Loading what="assessments" />
      ) : list.items.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Assessments of {model}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Assessed</th>
              <th scope="col">Market</th>
              <th scope="col">Catalogs</th>
              <th scope="col">Outcomes</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <Link href={`/compliance/assessments/${a.id}`}>
                    <Time at={a.at} />
                  </Link>
                </th>
                <td>{a.market ?? <span className="muted">—</span>}</td>
                <td className="mono">{a.catalogs.join(', ')}</td>
                <td>{summaryText(a.summary)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Assessments" />
    </>
  );
}
