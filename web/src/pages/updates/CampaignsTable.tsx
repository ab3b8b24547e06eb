/** The campaigns: name (opens the campaign), release, state, current wave, paged by the server and polled. */
import { useState } from 'react';
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { ReleaseName } from './ReleaseName.tsx';
import { CAMPAIGN_STATES, type Campaign } from './types.ts';

export function CampaignsTable() {
  const [state, setState] = useState('');
  const list = usePagedList<Campaign>('/campaigns', { state }, { pageSize: 20, refetchMs: 3000 });
  return (
    <section aria-labelledby="campaigns-title">
      <h2 id="campaigns-title">Campaigns</h2>
      <div className="filters">
        <label htmlFor="campaigns-state">State</label>
        <select
          id="campaigns-state"
          value={state}
          onChange={(e) => {
            setState(e.target.value);
            list.reset();
          }}
        >
          {CAMPAIGN_STATES.map((s) => (
            <option key={s} value={s}>
              {s === '' ? 'any' : s}
            </option>
          ))}
        </select>
      </div>
      {list.error !== null ? <Problem error={list.error} what="the campaigns" /> : null}
      {list.isLoading ? (
        <Loading what="campaigns" />
      ) : list.items.length === 0 ? (
        <p className="empty">No campaigns{state === '' ? '' : ` in state ${state}`}. Create one with `iotopia campaign create`.</p>
      ) : (
        <table className="data" aria-labelledby="campaigns-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Release</th>
              <th scope="col">State</th>
              <th scope="col">Wave</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={`/updates/campaigns/${c.id}`}>{c.name}</Link>
                </td>
                <td>
                  <ReleaseName id={c.releaseId} />
                </td>
                <td>
                  <StateBadge state={c.state} />
                  {c.reason !== undefined && <div className="muted">{c.reason}</div>}
                </td>
                <td>{c.state === 'draft' ? '—' : `${c.currentWave + 1} of ${c.waves.length}`}</td>
                <td>
                  <Time at={c.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Campaigns" />
    </section>
  );
}
