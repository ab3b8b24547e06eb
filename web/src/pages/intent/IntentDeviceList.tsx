/** The devices under intent, filtered by enforcement state on the server: MUD URL, signer, rules. */
import { useState } from 'react';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { ENFORCEMENT_STATES, type IntentDevice } from './types.ts';

export function IntentDeviceList() {
  const [state, setState] = useState('');
  const list = usePagedList<IntentDevice>('/intent/devices', { state }, { refetchMs: 5000, pageSize: 20 });
  return (
    <section aria-labelledby="intent-devices-title">
      <h2 id="intent-devices-title">Devices</h2>
      <div className="filters">
        <label htmlFor="intent-state">Enforcement state</label>
        <select
          id="intent-state"
          value={state}
          onChange={(e) => {
            setState(e.target.value);
            list.reset();
          }}
        >
          <option value="">any</option>
          {ENFORCEMENT_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      {list.error !== null ? <Problem error={list.error} what="the intent devices" /> : null}
      {list.isLoading ? (
        <Loading what="intent devices" />
      ) : list.items.length === 0 ? (
        <p className="empty">No device in this state.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Devices under intent</caption>
          <thead>
            <tr>
              <th scope="col">MAC</th>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">MUD URL</th>
              <th scope="col">MUD signer</th>
              <th scope="col">Rules</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.mac}>
                <th scope="row" className="mono">
                  {d.mac}
                </th>
                <td>{d.name ?? '—'}</td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td className="mono">{d.mudUrl ?? '—'}</td>
                <td>{d.mud === undefined ? '—' : d.mud.signed ? (d.mud.signer ?? 'signed') : 'unsigned'}</td>
                <td>{d.ruleCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Intent devices" />
    </section>
  );
}
