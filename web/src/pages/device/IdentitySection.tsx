/** Who the device is: its GUIDs (the one DI gave and the one TO2 gave), what it reports, and its voucher chain. */
import { Time } from '../../components/Time.tsx';
import type { DeviceView } from './types.ts';
import { VoucherChain } from './VoucherChain.tsx';

export function IdentitySection({ device: d }: { device: DeviceView }) {
  return (
    <section aria-labelledby="device-identity-title">
      <h2 id="device-identity-title">Identity</h2>
      <dl className="facts">
        <dt>GUID from manufacture</dt>
        <dd className="mono">{d.guid}</dd>
        <dt>GUID after onboarding</dt>
        <dd className="mono">{d.replacementGuid ?? '— (not replaced)'}</dd>
        <dt>Model</dt>
        <dd>{d.model ?? '—'}</dd>
        <dt>Manufacturer</dt>
        <dd>{d.manufacturer ?? '—'}</dd>
        <dt>Serial</dt>
        <dd>{d.serial ?? '—'}</dd>
        <dt>Owner voucher</dt>
        <dd>{d.voucherState ?? 'none held here'}</dd>
        <dt>Created</dt>
        <dd>
          <Time at={d.createdAt} />
        </dd>
        <dt>Onboarded</dt>
        <dd>
          <Time at={d.onboardedAt} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <Time at={d.lastSeenAt} />
          {d.lastSeenAddress !== undefined && <span className="muted"> from {d.lastSeenAddress}</span>}
        </dd>
        <dt>Tags</dt>
        <dd>{d.tags.length === 0 ? '—' : d.tags.join(', ')}</dd>
        <dt>Groups</dt>
        <dd>{d.groups.length === 0 ? '—' : d.groups.join(', ')}</dd>
      </dl>
      <VoucherChain guid={d.guid} />
    </section>
  );
}
