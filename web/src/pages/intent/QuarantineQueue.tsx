/** The devices in quarantine, with release for those who may (a reason is asked and audited). */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { Confirm } from '../../components/Confirm.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import type { IntentDevice } from './types.ts';

export function QuarantineQueue() {
  const { me } = useSession();
  const mayRelease = allows(me, ['owner']);
  const list = usePagedList<IntentDevice>('/intent/devices', { state: 'quarantined' }, { refetchMs: 3000 });
  const [releasing, setReleasing] = useState<IntentDevice | undefined>(undefined);
  const client = useQueryClient();

  async function release(reason: string) {
    if (releasing === undefined) return;
    await api(`/intent/devices/${encodeURIComponent(releasing.mac)}/release`, { method: 'POST', body: { reason } });
    await client.invalidateQueries();
  }

  return (
    <section aria-labelledby="intent-quarantine-title">
      <h2 id="intent-quarantine-title">Quarantine queue</h2>
      {list.error !== null ? <Problem error={list.error} what="the quarantined devices" /> : null}
      {list.isLoading ? (
        <Loading what="quarantined devices" />
      ) : list.items.length === 0 ? (
        <p className="empty">No device is in quarantine.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Quarantined devices</caption>
          <thead>
            <tr>
              <th scope="col">MAC</th>
              <th scope="col">Name</th>
              <th scope="col">MUD URL</th>
              <th scope="col">Last change</th>
              {mayRelease && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.mac}>
                <th scope="row" className="mono">
                  {d.mac}
                </th>
                <td>{d.name ?? '—'}</td>
                <td className="mono">{d.mudUrl ?? '—'}</td>
                <td>
                  <Time at={d.updatedAt} />
                </td>
                {mayRelease && (
                  <td>
                    <button type="button" onClick={() => setReleasing(d)}>
                      Release {d.mac}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Quarantined devices" />
      <Confirm
        open={releasing !== undefined}
        title="Release from quarantine"
        message={`Release ${releasing?.mac ?? ''}: its MUD file's rules apply again and its violations are cleared.`}
        confirmLabel="Release"
        reason
        onConfirm={release}
        onClose={() => setReleasing(undefined)}
      />
    </section>
  );
}
