/**
 * A campaign's per-device actions, filtered by state and wave (by default the failed ones): the
 * reason the device or the engine gave, and whether the SUIT report kept with the action verified
 * (or why the last one was refused). Paged by the server and polled.
 */
import { useState } from 'react';
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { ACTION_STATES, type CampaignAction, waveLabel } from './types.ts';

function Report({ action }: { action: CampaignAction }) {
  return (
    <>
      {action.reportVerified ? 'verified' : <span className="muted">none verified</span>}
      {action.reportError !== undefined && <div className="error">refused: {action.reportError}</div>}
    </>
  );
}

export function ActionsTable({ campaignId, waves }: { campaignId: string; waves: number }) {
  const [state, setState] = useState('failed');
  const [wave, setWave] = useState('');
  const list = usePagedList<CampaignAction>(`/campaigns/${campaignId}/actions`, { state, wave }, { pageSize: 20, refetchMs: 3000 });
  const filter = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    list.reset();
  };
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Devices</h2>
      <div className="filters">
        <label htmlFor="actions-state">State</label>
        <select id="actions-state" value={state} onChange={filter(setState)}>
          {ACTION_STATES.map((s) => (
            <option key={s} value={s}>
              {s === '' ? 'any' : s}
            </option>
          ))}
        </select>
        <label htmlFor="actions-wave">Wave</label>
        <select id="actions-wave" value={wave} onChange={filter(setWave)}>
          <option value="">any</option>
          {[...Array(waves).keys()].map((w) => (
            <option key={w} value={String(w)}>
              {waveLabel(w)}
            </option>
          ))}
        </select>
      </div>
      {list.error !== null ? <Problem error={list.error} what="the campaign’s devices" /> : null}
      {list.isLoading ? (
        <Loading what="devices" />
      ) : list.items.length === 0 ? (
        <p className="empty">
          No devices{state === '' ? '' : ` ${state}`}
          {wave === '' ? '' : ` in ${waveLabel(Number(wave))}`}.
        </p>
      ) : (
        <table className="data" aria-labelledby="actions-title">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Wave</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Reason</th>
              <th scope="col">SUIT report</th>
              <th scope="col">Last offer</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/devices/${a.guid}`} className="mono">
                    {a.guid}
                  </Link>
                </td>
                <td>{a.wave + 1}</td>
                <td>
                  <StateBadge state={a.state} />
                </td>
                <td>{a.attempts}</td>
                <td className="reason">{a.reason ?? '—'}</td>
                <td>
                  <Report action={a} />
                </td>
                <td>
                  <Time at={a.offeredAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Campaign devices" />
    </section>
  );
}
