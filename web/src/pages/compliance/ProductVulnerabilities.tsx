/** The vulnerabilities open in a product's current release, with their remediation deadlines. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import type { OpenVulnerabilities } from './types.ts';

const noRelease = (e: unknown) => e instanceof ApiError && e.code === 'ERR_PRODUCT_RELEASE_NOT_FOUND';

export function ProductVulnerabilities({ model, hasRelease }: { model: string; hasRelease: boolean }) {
  const path = `/products/${encodeURIComponent(model)}/vulnerabilities`;
  const q = useQuery({
    queryKey: [path],
    queryFn: ({ signal }) => api<OpenVulnerabilities>(path, { signal }),
    refetchInterval: 5000,
    retry: (n, e) => !noRelease(e) && n < 2,
    enabled: hasRelease,
  });
  const data = q.data;
  return (
    <>
      <h2>Matched vulnerabilities{data === undefined ? '' : ` of release ${data.version}`}</h2>
      {!hasRelease || noRelease(q.error) ? (
        <p className="empty">No current release to match.</p>
      ) : q.error !== null ? (
        <Problem error={q.error} what="the vulnerabilities" />
      ) : null}
      {hasRelease && q.isLoading ? (
        <Loading what="vulnerabilities" />
      ) : data === undefined ? null : data.open.length === 0 ? (
        <p className="empty">No open vulnerabilities match the release's SBOM.</p>
      ) : (
        <table className="data">
          <caption>
            {data.open.length} open in {data.version}; fixes are due {data.remediationDays} days after publication.
          </caption>
          <thead>
            <tr>
              <th scope="col">Vulnerability</th>
              <th scope="col">Component</th>
              <th scope="col">Summary</th>
              <th scope="col">Severity</th>
              <th scope="col">Deadline</th>
            </tr>
          </thead>
          <tbody>
            {data.open.map((v) => (
              <tr key={`${v.vulnerability.id}-${v.component.ref}`}>
                <th scope="row" className="mono">
                  {v.vulnerability.id}
                  {v.vulnerability.aliases.length > 0 && <span className="muted"> ({v.vulnerability.aliases.join(', ')})</span>}
                </th>
                <td className="mono">
                  {v.component.name} {v.component.version ?? ''}
                </td>
                <td>{v.vulnerability.summary ?? <span className="muted">—</span>}</td>
                <td className="mono">{v.vulnerability.severity ?? <span className="muted">—</span>}</td>
                <td>
                  <Time at={v.deadline} /> {v.pastDeadline && <span className="badge bad">past deadline</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
