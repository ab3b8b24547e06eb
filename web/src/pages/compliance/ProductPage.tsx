/** One product: its facts, releases with their SBOMs, open vulnerabilities, and assessments per market. */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { api } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { AssessmentHistory } from './AssessmentHistory.tsx';
import { LatestAssessments } from './LatestAssessments.tsx';
import { ProductReleases } from './ProductReleases.tsx';
import { ProductVulnerabilities } from './ProductVulnerabilities.tsx';
import { RunAssessment } from './RunAssessment.tsx';
import type { ProductView } from './types.ts';

export function ProductPage() {
  const { model = '' } = useParams<{ model: string }>();
  const path = `/products/${encodeURIComponent(model)}`;
  const view = useQuery({ queryKey: [path], queryFn: ({ signal }) => api<ProductView>(path, { signal }), refetchInterval: 5000 });
  return (
    <section aria-labelledby="product-title">
      <p>
        <Link href="/compliance">← Compliance</Link>
      </p>
      <h1 id="product-title">
        Product <span className="mono">{model}</span>
      </h1>
      {view.error !== null ? <Problem error={view.error} what="the product" /> : null}
      {view.isLoading ? <Loading what="the product" /> : view.data !== undefined && <ProductFacts view={view.data} />}
      {view.data !== undefined && (
        <>
          <ProductReleases model={model} />
          <ProductVulnerabilities model={model} hasRelease={view.data.currentRelease !== undefined} />
          <h2 id="assessments-title">Assessments per market</h2>
          <RunAssessment model={model} />
          <LatestAssessments model={model} />
          <AssessmentHistory model={model} />
        </>
      )}
    </section>
  );
}

function ProductFacts({ view }: { view: ProductView }) {
  const p = view.product;
  return (
    <dl className="facts">
      <dt>Name</dt>
      <dd>{p.name}</dd>
      <dt>Manufacturer</dt>
      <dd>{p.manufacturer}</dd>
      <dt>Support end</dt>
      <dd>
        {p.supportEnd ?? <span className="muted">not defined</span>} {p.supportPublished ? '(published)' : '(not published)'}{' '}
        {view.outOfSupport && <StateBadge state="out-of-support" />}
      </dd>
      <dt>Current release</dt>
      <dd>{view.currentRelease?.version ?? <span className="muted">none</span>}</dd>
      <dt>Updatable</dt>
      <dd>{p.updatable ? 'yes' : 'no'}</dd>
      <dt>MUD URL</dt>
      <dd className="mono">{p.mudUrl ?? <span className="muted">none</span>}</dd>
      <dt>Disclosure policy</dt>
      <dd className="mono">{p.disclosurePolicyUrl ?? <span className="muted">none</span>}</dd>
      <dt>Security contact</dt>
      <dd className="mono">{p.securityContact ?? <span className="muted">none</span>}</dd>
      <dt>SBOM links in the MUD file</dt>
      <dd>
        {view.mudSbom.sboms.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          view.mudSbom.sboms.map((s) => (
            <span key={`${s.versionInfo}-${s.sbomUrl}`} className="mono">
              {s.versionInfo ?? '—'}: {s.sbomUrl ?? '—'}{' '}
            </span>
          ))
        )}
      </dd>
    </dl>
  );
}
