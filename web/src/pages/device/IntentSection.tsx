/**
 * The device's network intent: each intent record carrying its GUID, with the enforcement state,
 * the MUD policy in plain words, its recent flows and its most recent violations; an owner may quarantine or
 * release it (the MUD manager applies it), with a reason and a confirmation.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { Confirm } from '../../components/Confirm.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { flowText } from '../intent/types.ts';
import { RecentFlows } from './RecentFlows.tsx';
import type { IntentEntry } from './types.ts';
import { POLL_MS } from './useDevice.ts';

type IntentAction = { kind: 'quarantine' | 'release'; mac: string };

function Violations({ entry }: { entry: IntentEntry }) {
  if (entry.violations.length === 0) return <p className="muted">No violations recorded.</p>;
  return (
    <table className="data">
      <caption>
        Recent violations ({entry.violations.length} {entry.violations.length === 1 ? 'flow' : 'flows'} shown; seen {entry.violationTotal}{' '}
        {entry.violationTotal === 1 ? 'time' : 'times'} in all)
      </caption>
      <thead>
        <tr>
          <th scope="col">Flow</th>
          <th scope="col">ACL fallen through</th>
          <th scope="col">Count</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {entry.violations.map((v) => (
          <tr key={`${v.direction}-${v.protocol}-${v.peer}-${v.peerPort}-${v.localPort}`}>
            <td>{flowText(v)}</td>
            <td className="mono">{v.acl}</td>
            <td>{v.count}</td>
            <td>
              <Time at={v.lastSeen} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IntentRecord({ entry, onAction }: { entry: IntentEntry; onAction?: (a: IntentAction) => void }) {
  const d = entry.device;
  const quarantined = d.state === 'quarantined';
  return (
    <article className="intent-record" aria-label={`Intent record ${d.mac}`}>
      <h3>
        <span className="mono">{d.mac}</span> <StateBadge state={d.state} />
      </h3>
      <dl className="facts">
        <dt>MUD URL</dt>
        <dd className="mono">{d.mudUrl ?? '—'}</dd>
        <dt>Learned from</dt>
        <dd>{d.urlSource}</dd>
        <dt>File</dt>
        <dd>{d.mud === undefined ? 'none yet' : d.mud.signed ? `signed by ${d.mud.signer ?? 'a trusted signer'}` : 'unsigned'}</dd>
        <dt>Rules enforced</dt>
        <dd>{d.ruleCount}</dd>
        <dt>Last fetch</dt>
        <dd>
          <Time at={d.lastFetch} />
        </dd>
        {d.lastError !== undefined && (
          <>
            <dt>Last error</dt>
            <dd>
              <span className="mono">{d.lastError.code}</span> {d.lastError.message}
            </dd>
          </>
        )}
      </dl>
      {onAction !== undefined && d.state !== 'removed' && (
        <div className="actions">
          {quarantined ? (
            <button type="button" onClick={() => onAction({ kind: 'release', mac: d.mac })}>
              Release from quarantine
            </button>
          ) : (
            <button type="button" className="danger" onClick={() => onAction({ kind: 'quarantine', mac: d.mac })}>
              Quarantine
            </button>
          )}
        </div>
      )}
      <h4>What the policy allows</h4>
      {entry.policy === undefined ? (
        <p className="muted">No MUD file is in force for this device.</p>
      ) : (
        <ul className="policy">
          {entry.policy.sentences.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
      <RecentFlows flows={entry.flows} />
      <Violations entry={entry} />
    </article>
  );
}

export function IntentSection({ guid }: { guid: string }) {
  const { me } = useSession();
  const client = useQueryClient();
  const [action, setAction] = useState<IntentAction | undefined>(undefined);
  const intent = useQuery({
    queryKey: ['device', guid, 'intent'],
    queryFn: ({ signal }) => api<{ items: IntentEntry[] }>(`/devices/${guid}/intent`, { signal }),
    refetchInterval: POLL_MS,
  });
  const mayChange = allows(me, ['owner']);

  async function apply(reason: string) {
    if (action === undefined) return;
    try {
      await api(`/intent/devices/${encodeURIComponent(action.mac)}/${action.kind}`, { method: 'POST', body: { reason } });
    } finally {
      await client.invalidateQueries({ queryKey: ['device', guid] });
    }
  }

  return (
    <section aria-labelledby="device-intent-title">
      <h2 id="device-intent-title">Network intent (MUD)</h2>
      {intent.isLoading && <Loading what="the intent records" />}
      {intent.error !== null && <Problem error={intent.error} what="the intent records" />}
      {intent.data?.items.length === 0 && <p className="muted">The MUD manager has no record of this device.</p>}
      {intent.data?.items.map((e) => (
        <IntentRecord key={e.device.mac} entry={e} {...(mayChange ? { onAction: setAction } : {})} />
      ))}
      <Confirm
        open={action !== undefined}
        title={action?.kind === 'release' ? `Release ${action.mac} from quarantine?` : `Quarantine ${action?.mac ?? ''}?`}
        message={
          action?.kind === 'release'
            ? 'The device goes back to its MUD policy and its violations are cleared.'
            : 'The device is moved to its quarantine policy: it keeps only what its MUD file allows in quarantine.'
        }
        confirmLabel={action?.kind === 'release' ? 'Release' : 'Quarantine'}
        reason
        onConfirm={apply}
        onClose={() => setAction(undefined)}
      />
    </section>
  );
}
