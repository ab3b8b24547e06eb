/**
 * The lifecycle actions an operator may take on the device: only those the token's roles allow
 * and the server offers from the device's state (GET /devices/{guid}/state-options). Each asks
 * for a reason and a confirmation; a refusal (409 when the state changed meanwhile) shows in the
 * dialog.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { Confirm } from '../../components/Confirm.tsx';
import type { DeviceView, StateOptions } from './types.ts';
import { deviceKey, useStateOptions } from './useDevice.ts';

type Target = StateOptions['offered'][number];

const ACTIONS: Record<Target, { label: string; message: string }> = {
  suspended: {
    label: 'Suspend',
    message: 'The device is suspended: the device API stops serving it and no campaign offers it updates until it is reactivated.',
  },
  active: { label: 'Reactivate', message: 'The device returns to service: the device API serves it again.' },
  decommissioned: {
    label: 'Decommission',
    message:
      'The device is retired for good: its device API credentials are revoked and its network policy is removed. This cannot be undone.',
  },
};

export function DeviceActions({ device }: { device: DeviceView }) {
  const { me } = useSession();
  const client = useQueryClient();
  const options = useStateOptions(device.guid);
  const [target, setTarget] = useState<Target | undefined>(undefined);
  if (!allows(me, ['owner'])) return null;
  const offered = options.data?.offered ?? [];

  async function change(reason: string) {
    if (target === undefined) return;
    try {
      await api(`/devices/${device.guid}/state`, { method: 'POST', body: { state: target, reason } });
    } finally {
      await client.invalidateQueries({ queryKey: deviceKey(device.guid) });
      await client.invalidateQueries({ queryKey: ['/audit'] });
    }
  }

  return (
    <section aria-labelledby="device-actions-title" className="device-actions">
      <h2 id="device-actions-title">Actions</h2>
      {offered.length === 0 ? (
        <p className="muted">No state change is possible from {device.state}.</p>
      ) : (
        <div className="actions">
          {offered.map((t) => (
            <button key={t} type="button" className={t === 'decommissioned' ? 'danger' : undefined} onClick={() => setTarget(t)}>
              {ACTIONS[t].label}
            </button>
          ))}
        </div>
      )}
      <Confirm
        open={target !== undefined}
        title={target === undefined ? '' : `${ACTIONS[target].label} device ${device.guid}?`}
        message={target === undefined ? '' : ACTIONS[target].message}
        confirmLabel={target === undefined ? 'Confirm' : ACTIONS[target].label}
        reason
        onConfirm={change}
        onClose={() => setTarget(undefined)}
      />
    </section>
  );
}
