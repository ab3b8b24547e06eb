/** One device: identity and voucher chain, lifecycle actions, timeline, intent, updates and compliance. */
import { Link, useParams } from 'wouter';
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { StateBadge } from '../../components/StateBadge.tsx';
import { ComplianceSection } from './ComplianceSection.tsx';
import { DeviceActions } from './DeviceActions.tsx';
import { IdentitySection } from './IdentitySection.tsx';
import { IntentSection } from './IntentSection.tsx';
import { TimelineSection } from './TimelineSection.tsx';
import { UpdatesSection } from './UpdatesSection.tsx';
import { useDevice } from './useDevice.ts';

export function DevicePage() {
  const { guid = '' } = useParams<{ guid: string }>();
  const { me } = useSession();
  const device = useDevice(guid);
  if (device.isLoading) return <Loading what="the device" />;
  if (device.data === undefined)
    return (
      <section aria-labelledby="device-title">
        <h1 id="device-title">Device</h1>
        <Problem error={device.error} what="the device" />
        <p>
          <Link href="/fleet">Back to the fleet</Link>
        </p>
      </section>
    );
  const d = device.data;
  return (
    <section aria-labelledby="device-title" className="device-page">
      <h1 id="device-title">
        Device <span className="mono">{d.guid}</span>
      </h1>
      <p className="device-state">
        State: <StateBadge state={d.state} />
        {d.product !== undefined && <span className="muted"> · {d.product.model}</span>}
      </p>
      {device.error !== null && <Problem error={device.error} what="the latest device state" />}
      <DeviceActions device={d} />
      <IdentitySection device={d} />
      {allows(me, ['owner', 'auditor']) && <TimelineSection guid={d.guid} />}
      {allows(me, ['owner', 'auditor']) && <IntentSection guid={d.guid} />}
      <UpdatesSection device={d} />
      <ComplianceSection device={d} />
    </section>
  );
}
