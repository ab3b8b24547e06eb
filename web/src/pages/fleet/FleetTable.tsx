/** The fleet's devices, one row each, linking to the device; device strings are shown as text only. */
import { Link } from 'wouter';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import type { Order, SortKey } from './fleet-query.ts';
import { SortHeader } from './SortHeader.tsx';

export interface DeviceRow {
  guid: string;
  state: string;
  fleetModel?: string;
  firmware?: { version?: string };
  lastSeenAt?: string;
  intentState?: string;
}

export function FleetTable({ rows, order, onSort }: { rows: DeviceRow[]; order: Order; onSort: (k: SortKey) => void }) {
  return (
    <table className="data fleet">
      <caption className="visually-hidden">Devices; the column headers sort the table</caption>
      <thead>
        <tr>
          <SortHeader label="GUID" sortKey="guid" order={order} onSort={onSort} />
          <SortHeader label="State" sortKey="state" order={order} onSort={onSort} />
          <SortHeader label="Model" sortKey="model" order={order} onSort={onSort} />
          <SortHeader label="Firmware" sortKey="firmware" order={order} onSort={onSort} />
          <SortHeader label="Last seen" sortKey="lastSeen" order={order} onSort={onSort} />
          <th scope="col">Intent</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.guid}>
            <th scope="row">
              <Link href={`/devices/${d.guid}`} className="mono">
                {d.guid}
              </Link>
            </th>
            <td>
              <StateBadge state={d.state} />
            </td>
            <td>{d.fleetModel ?? <span className="muted">unknown</span>}</td>
            <td>{d.firmware?.version ?? <span className="muted">unknown</span>}</td>
            <td>
              <Time at={d.lastSeenAt} />
            </td>
            <td>
              <StateBadge state={d.intentState ?? 'none'} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
