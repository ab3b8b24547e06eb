/** Every device's violations, newest sightings polled; each opens on its own page. */
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { flowText, type Violation } from './types.ts';

export function ViolationList() {
  const list = usePagedList<Violation>('/intent/violations', {}, { refetchMs: 5000, pageSize: 20 });
  return (
    <section aria-labelledby="intent-violations-title">
      <h2 id="intent-violations-title">Violations</h2>
      {list.error !== null ? <Problem error={list.error} what="the violations" /> : null}
      {list.isLoading ? (
        <Loading what="violations" />
      ) : list.items.length === 0 ? (
        <p className="empty">No violations recorded.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Violations, by device</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Flow</th>
              <th scope="col">ACL fallen through</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((v) => (
              <tr key={v.id}>
                <td className="mono">{v.mac}</td>
                <td>
                  <Link href={`/intent/violations/${v.id}`}>{flowText(v)}</Link>
                </td>
                <td className="mono">{v.acl}</td>
                <td>{v.count}</td>
                <td>
                  <Time at={v.lastSeen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Violations" />
    </section>
  );
}
