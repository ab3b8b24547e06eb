/**
 * Resuming a paused campaign, confirmed with a reason, optionally with a fixed release: the
 * published releases of the campaign's model are offered; the server decides whether one may
 * replace the campaign's (a higher sequence number) and its refusal stays in the dialog.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, type Page, withQuery } from '../../api/client.ts';
import { Confirm } from '../../components/Confirm.tsx';
import type { Campaign, Release } from './types.ts';
import { useRelease } from './useRelease.ts';

export interface ResumeDialogProps {
  open: boolean;
  campaign: Campaign;
  onResume(body: { reason: string; releaseId?: string }): Promise<void>;
  onClose(): void;
}

function usePublished(model: string | undefined) {
  return useQuery({
    queryKey: ['/releases', { model, state: 'published' }],
    queryFn: ({ signal }) => api<Page<Release>>(withQuery('/releases', { model, state: 'published', limit: 50 }), { signal }),
    enabled: model !== undefined,
  });
}

export function ResumeDialog(p: ResumeDialogProps) {
  const id = useId();
  const [releaseId, setReleaseId] = useState('');
  const current = useRelease(p.campaign.releaseId).data;
  const published = usePublished(p.open ? current?.model : undefined);
  const others = (published.data?.items ?? []).filter((r) => r.id !== p.campaign.releaseId);

  return (
    <Confirm
      open={p.open}
      title={`Resume: ${p.campaign.name}`}
      message="The campaign offers its release again; failures so far count as acknowledged."
      confirmLabel="Resume"
      reason
      onConfirm={(reason) => p.onResume({ reason, ...(releaseId === '' ? {} : { releaseId }) })}
      onClose={() => {
        setReleaseId('');
        p.onClose();
      }}
    >
      <label htmlFor={`${id}-release`}>Release</label>
      <select id={`${id}-release`} value={releaseId} onChange={(e) => setReleaseId(e.target.value)}>
        <option value="">
          keep {current === undefined ? 'the current release' : `${current.version} (sequence ${current.sequenceNumber})`}
        </option>
        {others.map((r) => (
          <option key={r.id} value={r.id}>
            {r.version} (sequence {r.sequenceNumber})
          </option>
        ))}
      </select>
      {releaseId !== '' && (
        <p className="notice">
          A fixed release: the failed, timed-out and in-flight devices of the current and past waves are offered it again, and failures
          count afresh.
        </p>
      )}
    </Confirm>
  );
}
