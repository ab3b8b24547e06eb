/** A product's releases, each with the SBOM imported for it (format, components, when). */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import type { Release, SbomInfo } from './types.ts';

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
                  <SbomCell model={model} version={r.version} />
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

const noSbom = (e: unknown) => e instanceof ApiError && e.code === 'ERR_PRODUCT_SBOM_NOT_FOUND';

function SbomCell({ model, version }: { model: string; version: string }) {
  const path = `/products/${encodeURIComponent(model)}/releases/${encodeURIComponent(version)}/sbom/components`;
  const q = useQuery({
    queryKey: [path],
    queryFn: ({ signal }) => api<{ sbom: SbomInfo }>(path, { signal }),
    retry: (n, e) => !noSbom(e) && n < 2,
  });
  if (q.isLoading) return <span className="muted">…</span>;
  if (noSbom(q.error)) return <span className="muted">none imported</span>;
  if (q.error !== null) return <span className="error">not loaded: {q.error instanceof Error ? q.error.message : String(q.error)}</span>;
  const s = q.data?.sbom;
  if (s === undefined) return null;
  return (
    <span>
      {FORMAT_NAMES[s.format] ?? s.format} {s.specVersion}, {s.componentCount} {s.componentCount === 1 ? 'component' : 'components'} (
      {s.source}, imported <Time at={s.importedAt} />)
    </span>
  );
}
