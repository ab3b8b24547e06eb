/** One campaign (`/updates/campaigns/<id>`): its state, controls, progress per wave and devices, polled while it runs. */
import { Link } from 'wouter';
import { ApiError } from '../../api/problem.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { ActionsTable } from './ActionsTable.tsx';
import { CampaignControls } from './CampaignControls.tsx';
import { CampaignFacts } from './CampaignFacts.tsx';
import { useCampaign } from './useCampaign.ts';
import { WaveChart } from './WaveChart.tsx';

const missing = (e: unknown): boolean => e instanceof ApiError && e.status === 404;

export function CampaignPage({ params }: { params: { id: string } }) {
  const q = useCampaign(params.id);
  const c = q.data;
  return (
    <section aria-labelledby="campaign-title">
      <p>
        <Link href="/updates">← Updates</Link>
      </p>
      <h1 id="campaign-title">{c === undefined ? 'Campaign' : `Campaign ${c.name}`}</h1>
      {missing(q.error) ? <p className="empty">This server has no such campaign.</p> : null}
      {q.error !== null && !missing(q.error) ? <Problem error={q.error} what="the campaign" /> : null}
      {q.isLoading ? <Loading what="the campaign" /> : null}
      {c !== undefined && (
        <>
          <p className="campaign-state">
            State <StateBadge state={c.state} />
            {c.reason !== undefined && <span className="muted"> — {c.reason}</span>}
          </p>
          <CampaignControls campaign={c} />
          <CampaignFacts campaign={c} />
          <h2>Progress</h2>
          <WaveChart progress={c.progress ?? []} currentWave={c.currentWave} />
          <ActionsTable campaignId={c.id} waves={c.waves.length} />
        </>
      )}
    </section>
  );
}
