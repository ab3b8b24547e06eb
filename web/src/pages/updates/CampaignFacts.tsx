/** A campaign's settings as facts: release, target, waves, thresholds, timeout, retries. */
import { Time } from '../../components/Time.tsx';
import { ReleaseName } from './ReleaseName.tsx';
import { type Campaign, waveSize } from './types.ts';

export function CampaignFacts({ campaign: c }: { campaign: Campaign }) {
  return (
    <dl className="facts">
      <dt>Release</dt>
      <dd>
        <ReleaseName id={c.releaseId} />
      </dd>
      <dt>Target</dt>
      <dd className="mono">{c.targetQuery ?? `${c.targetGuids?.length ?? 0} devices by GUID`}</dd>
      <dt>Waves</dt>
      <dd>{c.waves.map(waveSize).join(', ')}</dd>
      <dt>Current wave</dt>
      <dd>{c.state === 'draft' ? 'not started' : `${c.currentWave + 1} of ${c.waves.length}`}</dd>
      <dt>Action</dt>
      <dd>
        {c.actionType}
        {c.confirm ? ', devices confirm' : ''}
      </dd>
      <dt>Thresholds</dt>
      <dd>
        pause above {c.errorThreshold} % failed;{' '}
        {c.successThreshold === undefined ? 'next wave by hand' : `next wave at ${c.successThreshold} % succeeded`}
      </dd>
      <dt>Timeout</dt>
      <dd>{c.timeoutSeconds} s per device</dd>
      <dt>Retries</dt>
      <dd>{c.retries.attempts === 0 ? 'none' : `${c.retries.attempts}, backoff from ${c.retries.backoffSeconds} s`}</dd>
      <dt>Created</dt>
      <dd>
        <Time at={c.createdAt} />
      </dd>
      <dt>Updated</dt>
      <dd>
        <Time at={c.updatedAt} />
      </dd>
    </dl>
  );
}
