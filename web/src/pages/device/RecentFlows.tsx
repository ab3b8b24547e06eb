/**
 * An intent record's recent flows: what the device did on the network, accepted or dropped by the
 * policy in force, with the rule that decided, the most recently seen first.
 */
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { flowText } from '../intent/types.ts';
import type { RecentFlow } from './types.ts';

export function RecentFlows({ flows }: { flows: RecentFlow[] }) {
  if (flows.length === 0) return <p className="muted">No flows seen yet.</p>;
  const dropped = flows.filter((f) => f.verdict === 'drop').length;
  return (
    <table className="data recent-flows">
      <caption>
        Recent flows ({flows.length} shown, {dropped} dropped)
      </caption>
      <thead>
        <tr>
          <th scope="col">Flow</th>
          <th scope="col">Verdict</th>
          <th scope="col">Rule</th>
          <th scope="col">Count</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {flows.map((f) => (
          <tr key={`${f.direction}-${f.protocol}-${f.peer}-${f.peerPort}-${f.localPort}`}>
            <td>{flowText(f)}</td>
            <td>
              <StateBadge state={f.verdict === 'accept' ? 'allowed' : 'dropped'} />
            </td>
            <td className="mono">{f.rule}</td>
            <td>{f.count}</td>
            <td>
              <Time at={f.lastSeen} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
