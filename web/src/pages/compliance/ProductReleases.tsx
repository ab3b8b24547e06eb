/** A product's releases, each with the SBOM imported for it (format, components, when) and the vulnerabilities matching it. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import type { Release, SbomInfo, VulnerabilityMatch } from './types.ts';

export function ProductReleases({ model }: { model: string }) {
  const path = `/products/${encodeURIComponent(model)}/releases`;
  const q = useQuery({ queryKey: [path], queryFn: ({ signal }) => api<{ items: Release[] }>(path, { signal }), refetchInterval: 5000 });
  return (
    <>
      <h2>Releases and SBOMs</h2>
      {q.error !== null ? <Problem error={q.error} what="the releases" /> : null}
      {q.isLoading ? (
        <Loading what="releases" />
      ) : (q.data?.items.length ?? 0) === 0 ? (
        <p className="empty">No releases: publish one through the lifecycle or declare one.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Releases of {model}</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Origin</th>
              <th scope="col">Released</th>
              <th scope="col">SBOM</th>
              <th scope="col">Matched vulnerabilities</th>
            </tr>
          </thead>
          <tbody>
            {q.data?.items.map((r) => (
              <tr key={`${r.origin}-${r.version}`}>
                <th scope="row" className="mono">
                  {r.version}
                </th>
                <td>{r.origin}</td>
                <td>{r.releasedAt === undefined ? <span className="muted">—</span> : <Time at={r.releasedAt} />}</td>
                <td>
                  <SbomCell sbom={r.sbom} />
                </td>
                <td>
                  {r.sbom === undefined ? (
                    <span className="muted">no SBOM to match</span>
                  ) : (
                    <MatchesCell model={model} version={r.version} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const FORMAT_NAMES: Record<string, string> = { cyclonedx: 'CycloneDX', spdx: 'SPDX' };

function SbomCell({ sbom }: { sbom: SbomInfo | undefined }) {
  if (sbom === undefined) return <span className="muted">none imported</span>;
  return (
    <span>
      {FORMAT_NAMES[sbom.format] ?? sbom.format} {sbom.specVersion}, {sbom.componentCount}{' '}
      {sbom.componentCount === 1 ? 'component' : 'components'} ({sbom.source}, imported <Time at={sbom.importedAt} />)
    </span>
  );
}

/** How many vulnerabilities match the release's SBOM: those that apply, and those VEX turned off. */
function MatchesCell({ model, version }: { model: string; version: string }) {
  const path = `/products/${encodeURIComponent(model)}/releases/${encodeURIComponent(version)}/vulnerabilities`;
  const q = useQuery({
    queryKey: [path],
    queryFn: ({ signal }) => api<{ items: VulnerabilityMatch[] }>(path, { signal }),
    refetchInterval: 5000,
  });
  if (q.isLoading) return <span className="muted">…</span>;
  if (q.error !== null) return <span className="error">not loaded: {q.error instanceof Error ? q.error.message : String(q.error)}</span>;
  const items = q.data?.items ?? [];
  const applies = items.filter((m) => m.applies);
  const off = items.length - applies.length;
  return (
    <span>
      {applies.length === 0 ? 'none apply' : `${applies.length} apply: ${applies.map((m) => m.vulnerability.id).join(', ')}`}
      {off > 0 && <span className="muted"> ({off} not affected or fixed by VEX)</span>}
    </span>
  );
}
