/** The compliance standing of the device's product: its support period and its latest assessment. */
import { useQuery } from '@tanstack/react-query';
import { api, type Page, withQuery } from '../../api/client.ts';
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import type { AssessmentInfo, DeviceView } from './types.ts';

function LatestAssessment({ model }: { model: string }) {
  const latest = useQuery({
    queryKey: ['/assessments', { product: model, limit: 1 }],
    queryFn: ({ signal }) => api<Page<AssessmentInfo>>(withQuery('/assessments', { product: model, limit: 1 }), { signal }),
  });
  if (latest.isLoading) return <Loading what="the latest assessment" />;
  if (latest.error !== null) return <Problem error={latest.error} what="the latest assessment" />;
  const a = latest.data?.items[0];
  if (a === undefined) return <p className="muted">The product has not been assessed yet.</p>;
  const s = a.summary;
  return (
    <>
      <p>
        Latest assessment{a.market === undefined ? '' : ` for the ${a.market} market`} (<Time at={a.at} />, {a.catalogs.join(', ')}):
      </p>
      <ul className="cards" aria-label="Assessment summary">
        <li className="card">
          <span className="value">{s.met}</span> <span className="label">met</span>
        </li>
        <li className="card">
          <span className="value">{s.notMet}</span> <span className="label">not met</span>
        </li>
        <li className="card">
          <span className="value">{s.partiallyMet}</span> <span className="label">partially met</span>
        </li>
        <li className="card">
          <span className="value">{s.manualEvidenceNeeded}</span> <span className="label">need manual evidence</span>
        </li>
        <li className="card">
          <span className="value">{s.notApplicable}</span> <span className="label">not applicable</span>
        </li>
      </ul>
    </>
  );
}

export function ComplianceSection({ device: d }: { device: DeviceView }) {
  const { me } = useSession();
  return (
    <section aria-labelledby="device-compliance-title">
      <h2 id="device-compliance-title">Compliance of its product</h2>
      {d.product === undefined ? (
        <p className="muted">The device's model (from its voucher) is not a product on this server.</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Product</dt>
            <dd>{d.product.model}</dd>
            <dt>Support period</dt>
            <dd>
              {d.product.supportEnd === undefined
                ? 'no end defined'
                : `${d.product.outOfSupport ? 'ended' : 'until'} ${d.product.supportEnd}${d.product.outOfSupport ? ' (out of support)' : ''}`}
            </dd>
          </dl>
          {allows(me, ['manufacturer', 'owner', 'auditor']) && <LatestAssessment model={d.product.model} />}
        </>
      )}
    </section>
  );
}
