/** The fleet: every device with its state, model, firmware and last contact, paged by the server. */
import { useState } from 'react';
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';

export interface DeviceRow {
  guid: string;
  state: string;
  voucherState: string | null;
  model?: string;
  firmware?: { version?: string };
  lastSeenAt?: string;
  product?: { model: string; outOfSupport?: boolean };
}

const STATES = ['', 'manufactured', 'registered', 'onboarded', 'active', 'suspended', 'decommissioned'];

export function FleetPage() {
  const [state, setState] = useState('');
  const list = usePagedList<DeviceRow>('/devices', { state }, { refetchMs: 5000 });
  return (
    <section aria-labelledby="fleet-title">
      <h1 id="fleet-title">Fleet</h1>
      <div className="filters">
        <label htmlFor="fleet-state">State</label>
        <select
          id="fleet-state"
          value={state}
          onChange={(e) => {
            setState(e.target.value);
            list.reset();
          }}
        >
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s === '' ? 'any' : s}
            </option>
          ))}
        </select>
      </div>
      {list.error !== null ? <Problem error={list.error} what="the devices" /> : null}
      {list.isLoading ? (
        <Loading what="devices" />
      ) : (
        <table className="data">
          <caption className="visually-hidden">Devices</caption>
          <thead>
            <tr>
              <th scope="col">GUID</th>
              <th scope="col">State</th>
              <th scope="col">Model</th>
              <th scope="col">Firmware</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.guid}>
                <td>
                  <Link href={`/devices/${d.guid}`} className="mono">
                    {d.guid}
                  </Link>
                </td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td>{d.product?.model ?? d.model ?? '—'}</td>
                <td>{d.firmware?.version ?? '—'}</td>
                <td>
                  <Time at={d.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Devices" />
    </section>
  );
}
