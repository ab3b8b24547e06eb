/** The releases: model, version, SUIT sequence number, state and components, paged by the server. */
import { useState } from 'react';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { RELEASE_STATES, type Release } from './types.ts';

function Components({ release }: { release: Release }) {
  return (
    <ul className="plain">
      {release.components.map((c) => (
        <li key={c.id}>
          <span className="mono">{c.id}</span> <span className="muted">({c.size.toLocaleString()} bytes,</span>{' '}
          <span className="mono muted" title={c.digest}>
            {c.digest.slice(0, 12)}…
          </span>
          <span className="muted">)</span>
        </li>
      ))}
    </ul>
  );
}

export function ReleasesTable() {
  const [state, setState] = useState('');
  const list = usePagedList<Release>('/releases', { state }, { pageSize: 20, refetchMs: 5000 });
  return (
    <section aria-labelledby="releases-title">
      <h2 id="releases-title">Releases</h2>
      <div className="filters">
        <label htmlFor="releases-state">State</label>
        <select
          id="releases-state"
          value={state}
          onChange={(e) => {
            setState(e.target.value);
            list.reset();
          }}
        >
          {RELEASE_STATES.map((s) => (
            <option key={s} value={s}>
              {s === '' ? 'any' : s}
            </option>
          ))}
        </select>
      </div>
      {list.error !== null ? <Problem error={list.error} what="the releases" /> : null}
      {list.isLoading ? (
        <Loading what="releases" />
      ) : list.items.length === 0 ? (
        <p className="empty">No releases{state === '' ? '' : ` in state ${state}`}. Create one with `iotopia release create`.</p>
      ) : (
        <table className="data" aria-labelledby="releases-title">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Version</th>
              <th scope="col">Sequence</th>
              <th scope="col">State</th>
              <th scope="col">Components</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.id}>
                <td>{r.model}</td>
                <td>{r.version}</td>
                <td>{r.sequenceNumber}</td>
                <td>
                  <StateBadge state={r.state} />
                </td>
                <td>
                  <Components release={r} />
                </td>
                <td>
                  <Time at={r.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Releases" />
    </section>
  );
}
