/** How many vouchers each side holds in each state. */
import { StateBadge } from '../../components/StateBadge.tsx';

function SideTable({ title, counts }: { title: string; counts: Record<string, number> }) {
  return (
    <table className="data onb-narrow">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Vouchers</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(counts).map(([state, n]) => (
          <tr key={state}>
            <th scope="row">
              <StateBadge state={state} />
            </th>
            <td>{n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VoucherStates({ vouchers }: { vouchers: { manufacturer: Record<string, number>; owner: Record<string, number> } }) {
  return (
    <section aria-labelledby="vouchers-title">
      <h2 id="vouchers-title">Vouchers by state</h2>
      <div className="onb-columns">
        <SideTable title="Manufacturer side" counts={vouchers.manufacturer} />
        <SideTable title="Owner side" counts={vouchers.owner} />
      </div>
    </section>
  );
}
