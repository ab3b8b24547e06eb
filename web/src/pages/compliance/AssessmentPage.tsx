/** One assessment: its catalogs and counts, the reports to download, the ranked gaps and every provision with its evidence. */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { api } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { GapList } from './GapList.tsx';
import { ProvisionTable } from './ProvisionTable.tsx';
import { ReportDownloads } from './ReportDownloads.tsx';
import { SummaryCounts } from './SummaryCounts.tsx';
import type { Assessment } from './types.ts';

export function AssessmentPage() {
  const { id = '' } = useParams<{ id: string }>();
  const path = `/assessments/${encodeURIComponent(id)}`;
  // An assessment never changes once made: no polling.
  const q = useQuery({ queryKey: [path], queryFn: ({ signal }) => api<Assessment>(path, { signal }), staleTime: Number.POSITIVE_INFINITY });
  const a = q.data;
  return (
    <section aria-labelledby="assessment-title">
      {a !== undefined && (
        <p>
          <Link href={`/compliance/products/${encodeURIComponent(a.productModel)}`}>← Product {a.productModel}</Link>
        </p>
      )}
      <h1 id="assessment-title">
        Assessment{a === undefined ? '' : ` of ${a.productModel}${a.market === undefined ? '' : ` for ${a.market}`}`}
      </h1>
      {q.error !== null ? <Problem error={q.error} what="the assessment" /> : null}
      {q.isLoading && <Loading what="the assessment" />}
      {a !== undefined && (
        <>
          <dl className="facts">
            <dt>Assessment</dt>
            <dd className="mono">{a.id}</dd>
            <dt>Assessed</dt>
            <dd>
              <Time at={a.at} />
            </dd>
            <dt>Catalogs</dt>
            <dd>
              {a.catalogs.map((c) => (
                <span key={c.id} className="catalog">
                  {c.title}{' '}
                  <span className="mono muted">
                    ({c.id} {c.version})
                  </span>
                </span>
              ))}
            </dd>
            <dt>Outcomes</dt>
            <dd>
              <SummaryCounts summary={a.summary} />
            </dd>
          </dl>
          <ReportDownloads id={a.id} />
          <GapList gaps={a.gaps} />
          <ProvisionTable results={a.results} />
        </>
      )}
    </section>
  );
}
