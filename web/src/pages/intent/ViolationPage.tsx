/** One violation: its flow, the ACL it fell through, when it was first and last seen, how often, and the device. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { Time } from '../../components/Time.tsx';
import { flowText, type IntentDevice, protocolName, type Violation } from './types.ts';

export function ViolationPage({ params }: { params: { id: string } }) {
  const violation = useQuery({
    queryKey: ['/intent/violations', params.id],
    queryFn: ({ signal }) => api<Violation>(`/intent/violations/${encodeURIComponent(params.id)}`, { signal }),
    refetchInterval: 5000,
  });
  const mac = violation.data?.mac;
  const device = useQuery({
    queryKey: ['/intent/devices', mac],
    queryFn: ({ signal }) => api<IntentDevice>(`/intent/devices/${encodeURIComponent(mac ?? '')}`, { signal }),
    enabled: mac !== undefined,
    refetchInterval: 5000,
  });
  const v = violation.data;
  return (
    <section aria-labelledby="violation-title">
      <p>
        <Link href="/intent">Back to intent</Link>
      </p>
      <h1 id="violation-title">Violation</h1>
      {violation.error !== null ? <Problem error={violation.error} what="the violation" /> : null}
      {violation.isLoading && <Loading what="the violation" />}
      {v !== undefined && (
        <>
          <p className="lead">{flowText(v)}</p>
          <dl className="facts">
            <dt>Device</dt>
            <dd className="mono">{v.mac}</dd>
            <dt>Device state</dt>
            <dd>{device.data === undefined ? '—' : <StateBadge state={device.data.state} />}</dd>
            <dt>Device name</dt>
            <dd>{device.data?.name ?? '—'}</dd>
            <dt>Direction</dt>
            <dd>{v.direction}</dd>
            <dt>Protocol</dt>
            <dd>{protocolName(v.protocol)}</dd>
            <dt>Peer</dt>
            <dd className="mono">{v.peer}</dd>
            <dt>Peer port</dt>
            <dd>{v.peerPort === 0 ? '—' : v.peerPort}</dd>
            <dt>Device port</dt>
            <dd>{v.localPort === 0 ? '—' : v.localPort}</dd>
            <dt>ACL fallen through</dt>
            <dd className="mono">{v.acl}</dd>
            <dt>First seen</dt>
            <dd>
              <Time at={v.firstSeen} />
            </dd>
            <dt>Last seen</dt>
            <dd>
              <Time at={v.lastSeen} />
            </dd>
            <dt>Count</dt>
            <dd>{v.count}</dd>
            <dt>Device's MUD URL</dt>
            <dd className="mono">{device.data?.mudUrl ?? '—'}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
