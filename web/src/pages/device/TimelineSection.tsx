/** The device's lifecycle timeline: the audit records about its GUIDs and its intent records' MACs, oldest first, polled. */
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import type { AuditRecord } from './types.ts';
import { POLL_MS } from './useDevice.ts';

/** The details an operator reads at a glance: a state change and its reason, else the details as text. */
function detailText(r: AuditRecord): string {
  const d = r.details;
  const parts: string[] = [];
  if (typeof d.from === 'string' && typeof d.to === 'string') parts.push(`${d.from} → ${d.to}`);
  if (typeof d.reason === 'string' && d.reason !== '') parts.push(`reason: ${d.reason}`);
  if (parts.length > 0) return parts.join('; ');
  const text = JSON.stringify(d);
  return text === '{}' ? '' : text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

export function TimelineSection({ guid }: { guid: string }) {
  const list = usePagedList<AuditRecord>(`/devices/${guid}/timeline`, {}, { pageSize: 50, refetchMs: POLL_MS });
  return (
    <section aria-labelledby="device-timeline-title">
      <h2 id="device-timeline-title">Lifecycle timeline</h2>
      {list.error !== null && <Problem error={list.error} what="the timeline" />}
      {list.isLoading ? (
        <Loading what="the timeline" />
      ) : list.items.length === 0 ? (
        <p className="muted">No audit records about this device yet.</p>
      ) : (
        <table className="data timeline">
          <caption className="visually-hidden">Audit records about the device, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Time at={r.at} />
                </td>
                <td className="mono">{r.action}</td>
                <td>{r.actor}</td>
                <td>{detailText(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Timeline" />
    </section>
  );
}
