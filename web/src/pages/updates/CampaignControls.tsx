/**
 * What the operator may do with a campaign in its state: start a draft, pause a running one,
 * resume a paused one (optionally with a fixed release), start the next wave by hand, cancel. Each
 * asks for confirmation (with a reason for the audit log where the API takes one); a refusal (409 ERR_CAMPAIGN_STATE when the
 * campaign moved meanwhile) stays in the dialog with the server's detail and code.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { allows } from '../../api/me.ts';
import { ApiError } from '../../api/problem.ts';
import { useSession } from '../../auth/session.tsx';
import { Confirm } from '../../components/Confirm.tsx';
import { ResumeDialog } from './ResumeDialog.tsx';
import type { Campaign } from './types.ts';

type Op = 'start' | 'pause' | 'resume' | 'next-wave' | 'cancel';

interface OpInfo {
  label: string;
  message: string;
  reason: boolean;
  danger?: boolean;
}

const OPS: Record<Op, OpInfo> = {
  start: { label: 'Start', message: 'Select the target devices now and offer the release to the first wave.', reason: false },
  pause: {
    label: 'Pause',
    message: 'Devices are offered nothing more until the campaign is resumed. Updates in flight finish.',
    reason: true,
  },
  resume: { label: 'Resume', message: 'The campaign offers the release again; failures so far count as acknowledged.', reason: true },
  'next-wave': { label: 'Start next wave', message: 'The devices of the next wave are offered the release now.', reason: false },
  cancel: { label: 'Cancel campaign', message: 'Every open action is cancelled; this cannot be undone.', reason: true, danger: true },
};

/** The operations the API accepts in each campaign state. */
function opsFor(c: Campaign): Op[] {
  if (c.state === 'draft') return ['start', 'cancel'];
  if (c.state === 'running') return c.successThreshold === undefined ? ['pause', 'next-wave', 'cancel'] : ['pause', 'cancel'];
  if (c.state === 'paused') return ['resume', 'cancel'];
  return [];
}

const refusal = (e: unknown): Error =>
  e instanceof ApiError && e.code !== undefined ? new Error(`${e.message} (${e.status} ${e.code})`) : (e as Error);

export function CampaignControls({ campaign }: { campaign: Campaign }) {
  const { me } = useSession();
  const client = useQueryClient();
  const [op, setOp] = useState<Op | undefined>(undefined);
  if (!allows(me, ['owner'])) return null;
  const ops = opsFor(campaign);
  // A dialog stays while open: a refusal because the campaign finished meanwhile is shown, not lost.
  if (ops.length === 0 && op === undefined) return null;

  async function run(o: Op, body: { reason?: string; releaseId?: string }) {
    try {
      await api(`/campaigns/${campaign.id}/${o}`, { method: 'POST', body });
    } catch (e) {
      throw refusal(e);
    } finally {
      await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/campaigns') });
    }
  }

  const info = op === undefined ? undefined : OPS[op];
  return (
    <div className="campaign-controls">
      {ops.map((o) => (
        <button key={o} type="button" className={OPS[o].danger === true ? 'danger' : undefined} onClick={() => setOp(o)}>
          {OPS[o].label}
        </button>
      ))}
      <ResumeDialog open={op === 'resume'} campaign={campaign} onResume={(body) => run('resume', body)} onClose={() => setOp(undefined)} />
      <Confirm
        open={op !== undefined && op !== 'resume'}
        title={info === undefined ? '' : `${info.label}: ${campaign.name}`}
        message={info?.message ?? ''}
        confirmLabel={info?.label ?? ''}
        reason={info?.reason ?? false}
        onConfirm={(reason) => (op === undefined ? undefined : run(op, reason === '' ? {} : { reason }))}
        onClose={() => setOp(undefined)}
      />
    </div>
  );
}
