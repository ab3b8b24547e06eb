/** The owner's vouchers, paged by the server, filtered by state, with each one's TO0 registration. */
import { useState } from 'react';
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { REFRESH_MS } from './stats.ts';

interface To0Status {
  rendezvous?: string;
  registeredAt?: string;
  failures: number;
  lastError?: { code: string; message: string; at: string };
  retryAt?: string;
}

interface OwnerVoucher {
  guid: string;
  state: string;
  deviceInfo: string;
  registeredUntil?: string;
  to0?: To0Status;
}

const STATES = ['', 'imported', 'registered', 'onboarded', 'replaced', 'resold'];

function To0Cell({ to0 }: { to0: To0Status | undefined }) {
  if (to0 === undefined) return <span className="muted">never tried</span>;
  if (to0.lastError !== undefined)
    return (
      <span>
        <span className="badge bad">failing</span> {to0.failures}× <code>{to0.lastError.code}</code> {to0.lastError.message}
      </span>
    );
  return <span>{to0.rendezvous ?? '—'}</span>;
}

export function OwnerVouchers() {
  const [state, setState] = useState('');
  const list = usePagedList<OwnerVoucher>('/owner/vouchers', { state }, { pageSize: 20, refetchMs: REFRESH_MS });
  return (
    <section aria-labelledby="owner-vouchers-title">
      <h2 id="owner-vouchers-title">Owner vouchers</h2>
      <div className="filters">
        <label htmlFor="owner-voucher-state">State</label>
        <select
          id="owner-voucher-state"
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
      {list.error !== null ? <Problem error={list.error} what="the owner vouchers" /> : null}
      {list.isLoading ? (
        <Loading what="vouchers" />
      ) : list.items.length === 0 ? (
        <p className="muted">No vouchers{state === '' ? '' : ` in state ${state}`}.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Owner vouchers</caption>
          <thead>
            <tr>
              <th scope="col">GUID</th>
              <th scope="col">State</th>
              <th scope="col">Device info</th>
              <th scope="col">Registered until</th>
              <th scope="col">TO0</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((v) => (
              <tr key={v.guid}>
                <td>
                  <Link href={`/devices/${v.guid}`} className="mono">
                    {v.guid}
                  </Link>
                </td>
                <td>
                  <StateBadge state={v.state} />
                </td>
                <td>{v.deviceInfo}</td>
                <td>
                  <Time at={v.registeredUntil} />
                </td>
                <td>
                  <To0Cell to0={v.to0} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Owner vouchers" />
    </section>
  );
}
