/**
 * The fleet: every device with its state, model, firmware, last contact and intent state, searched,
 * filtered, sorted and paged by the server (GET /api/v1/devices), refreshed every 5 s.
 */
import { useState } from 'react';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { FleetFilters } from './FleetFilters.tsx';
import { type DeviceRow, FleetTable } from './FleetTable.tsx';
import { DEFAULT_ORDER, type Filters, filterErrors, NO_FILTERS, nextOrder, type Order, type SortKey, sortParam } from './fleet-query.ts';
import { useDebounced } from './useDebounced.ts';

const REFRESH_MS = 5000;
const DEBOUNCE_MS = 300;

export function FleetPage() {
  const [typed, setTyped] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [order, setOrder] = useState<Order>(DEFAULT_ORDER);
  const query = {
    q: applied.q.trim(),
    state: applied.state,
    model: applied.model.trim(),
    firmware: applied.firmware.trim(),
    intent: applied.intent,
    sort: sortParam(order),
  };
  const list = usePagedList<DeviceRow>('/devices', query, { refetchMs: REFRESH_MS });
  useDebounced(typed, DEBOUNCE_MS, (f) => {
    if (Object.keys(filterErrors(f)).length > 0) return;
    setApplied(f);
    list.reset();
  });
  const sortBy = (key: SortKey) => {
    setOrder((o) => nextOrder(o, key));
    list.reset();
  };
  const filtered = Object.values(applied).some((v) => v.trim() !== '');
  return (
    <section aria-labelledby="fleet-title">
      <h1 id="fleet-title">Fleet</h1>
      <FleetFilters value={typed} onChange={setTyped} />
      {list.error !== null ? <Problem error={list.error} what="the devices" /> : null}
      {list.isLoading ? (
        <Loading what="devices" />
      ) : list.items.length === 0 && list.error === null ? (
        <p className="empty" role="status">
          {filtered ? 'No device matches this search and these filters.' : 'No devices yet: devices appear here once made or onboarded.'}
        </p>
      ) : (
        <FleetTable rows={list.items} order={order} onSort={sortBy} />
      )}
      <Pager list={list} label="Devices" />
    </section>
  );
}
