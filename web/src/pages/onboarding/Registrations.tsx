/** The TO0 registrations this rendezvous holds, paged by the server. */
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import type { OnboardingStats } from './stats.ts';
import { REFRESH_MS } from './stats.ts';
import { RendezvousHealth } from './To0Health.tsx';

interface Registration {
  guid: string;
  owner: string;
  expiresAt: string;
  expired: boolean;
}

export function Registrations({ counts }: { counts: OnboardingStats['rendezvous'] | undefined }) {
  const list = usePagedList<Registration>('/rendezvous/registrations', {}, { pageSize: 20, refetchMs: REFRESH_MS });
  return (
    <section aria-labelledby="registrations-title">
      <h2 id="registrations-title">Rendezvous registrations</h2>
      {counts !== undefined && <RendezvousHealth rendezvous={counts} />}
      {list.error !== null ? <Problem error={list.error} what="the registrations" /> : null}
      {list.isLoading ? (
        <Loading what="registrations" />
      ) : list.items.length === 0 ? (
        <p className="muted">This rendezvous holds no registrations.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Rendezvous registrations</caption>
          <thead>
            <tr>
              <th scope="col">GUID</th>
              <th scope="col">Owner key</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.guid}>
                <td className="mono">{r.guid}</td>
                <td className="mono">{r.owner}</td>
                <td>
                  <Time at={r.expiresAt} />
                </td>
                <td>{r.expired ? <span className="badge warn">expired</span> : <span className="badge good">live</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Registrations" />
    </section>
  );
}
