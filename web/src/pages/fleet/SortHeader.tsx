/** A column header that sorts the table: a button inside a <th> that says its order with aria-sort. */
import type { Order, SortKey } from './fleet-query.ts';

export function SortHeader({
  label,
  sortKey,
  order,
  onSort,
}: {
  label: string;
  sortKey: SortKey;
  order: Order;
  onSort: (k: SortKey) => void;
}) {
  const active = order.key === sortKey;
  const ariaSort = active ? (order.desc ? 'descending' : 'ascending') : undefined;
  return (
    <th scope="col" {...(ariaSort === undefined ? {} : { 'aria-sort': ariaSort })}>
      <button type="button" className="sort" onClick={() => onSort(sortKey)}>
        {label}
        <span aria-hidden="true">{active ? (order.desc ? ' ▼' : ' ▲') : ' ↕'}</span>
        {active ? <span className="visually-hidden">{order.desc ? ' (descending)' : ' (ascending)'}</span> : null}
      </button>
    </th>
  );
}
