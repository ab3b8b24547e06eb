/** Firmware the last verified SUIT report proved installed, and the device's updates across campaigns, newest first. */
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import type { DeviceView, UpdateRow } from './types.ts';
import { POLL_MS } from './useDevice.ts';

function reportText(u: UpdateRow): string {
  if (u.reportVerified) return 'verified';
  if (u.reportError !== undefined) return `refused: ${u.reportError}`;
  return 'none verified';
}

export function UpdatesSection({ device: d }: { device: DeviceView }) {
  const list = usePagedList<UpdateRow>(`/devices/${d.guid}/updates`, {}, { pageSize: 20, refetchMs: POLL_MS });
  return (
    <section aria-labelledby="device-updates-title">
      <h2 id="device-updates-title">Firmware and updates</h2>
      {d.firmware === undefined ? (
        <p className="muted">No verified SUIT report has proved what the device runs yet.</p>
      ) : (
        <dl className="facts">
          <dt>Firmware</dt>
          <dd>{d.firmware.version ?? '—'}</dd>
          <dt>Sequence number</dt>
          <dd>{d.firmware.sequenceNumber}</dd>
          <dt>Installed</dt>
          <dd>
            <Time at={d.firmware.installedAt} />
          </dd>
        </dl>
      )}
      {list.error !== null && <Problem error={list.error} what="the update history" />}
      {list.isLoading ? (
        <Loading what="the update history" />
      ) : list.items.length === 0 ? (
        <p className="muted">No campaign has offered this device an update.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Update actions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Release</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">SUIT report</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((u) => (
              <tr key={u.actionId}>
                <td>{u.campaignName ?? u.campaignId}</td>
                <td>
                  {u.version ?? '—'}
                  {u.sequenceNumber !== undefined && <span className="muted"> (seq {u.sequenceNumber})</span>}
                </td>
                <td>
                  <StateBadge state={u.state} />
                  {u.reason !== undefined && <span className="muted"> {u.reason}</span>}
                </td>
                <td>{u.attempts}</td>
                <td>{reportText(u)}</td>
                <td>
                  <Time at={u.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Updates" />
    </section>
  );
}
