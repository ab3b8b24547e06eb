/** A product row's current release, support state and open vulnerabilities, read from the product's own routes. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { StateBadge } from '../../components/StateBadge.tsx';
import type { OpenVulnerabilities, ProductView } from './types.ts';

const noRelease = (e: unknown) => e instanceof ApiError && e.code === 'ERR_PRODUCT_RELEASE_NOT_FOUND';

export function ProductSummaryCells({ model }: { model: string }) {
  const path = `/products/${encodeURIComponent(model)}`;
  const view = useQuery({ queryKey: [path], queryFn: ({ signal }) => api<ProductView>(path, { signal }), refetchInterval: 5000 });
  const vulns = useQuery({
    queryKey: [`${path}/vulnerabilities`],
    queryFn: ({ signal }) => api<OpenVulnerabilities>(`${path}/vulnerabilities`, { signal }),
    refetchInterval: 5000,
    retry: (n, e) => !noRelease(e) && n < 2,
    // A product without a release has nothing to match: no call.
    enabled: view.data?.currentRelease !== undefined,
  });
  return (
    <>
      <td>{view.isLoading ? '…' : view.error !== null ? <span className="error">not loaded</span> : <Support view={view.data} />}</td>
      <td>{view.data?.currentRelease?.version ?? (view.isLoading ? '…' : <span className="muted">none</span>)}</td>
      <td>
        {view.isLoading || vulns.isLoading ? (
          '…'
        ) : view.data !== undefined && view.data.currentRelease === undefined ? (
          <span className="muted">no release</span>
        ) : noRelease(vulns.error) ? (
          <span className="muted">no release</span>
        ) : vulns.error !== null ? (
          <span className="error">not loaded</span>
        ) : (
          <OpenCount open={vulns.data?.open.length ?? 0} />
        )}
      </td>
    </>
  );
}

function Support({ view }: { view: ProductView | undefined }) {
  if (view === undefined) return null;
  return (
    <>
      {view.product.supportEnd ?? <span className="muted">not defined</span>}
      {view.outOfSupport ? (
        <>
          {' '}
          <StateBadge state="out-of-support" />
        </>
      ) : null}
    </>
  );
}

function OpenCount({ open }: { open: number }) {
  return <span className={`badge ${open > 0 ? 'bad' : 'good'}`}>{open === 0 ? 'none open' : `${open} open`}</span>;
}
