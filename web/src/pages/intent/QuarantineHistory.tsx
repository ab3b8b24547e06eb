/** Quarantine and release actions: who did what to which device, and why. */
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import type { QuarantineAction } from './types.ts';

export function QuarantineHistory() {
  const list = usePagedList<QuarantineAction>('/intent/quarantine-actions', {}, { refetchMs: 5000, pageSize: 20 });
  return (
    <section aria-labelledby="intent-history-title">
      <h2 id="intent-history-title">Quarantine actions</h2>
      {list.error !== null ? <Problem error={list.error} what="the quarantine actions" /> : null}
      {list.isLoading ? (
        <Loading what="quarantine actions" />
      ) : list.items.length === 0 ? (
        <p className="empty">No device has been quarantined.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Quarantine and release actions, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Device</th>
              <th scope="col">Action</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Time at={a.at} />
                </td>
                <td className="mono">{a.mac}</td>
                <td>{a.action}</td>
                <td>{a.actor}</td>
                <td>{a.reason === '' ? '—' : a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Quarantine actions" />
    </section>
  );
}
