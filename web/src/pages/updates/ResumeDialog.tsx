/**
 * Resuming a paused campaign, confirmed with a reason, optionally with a fixed release: the
 * published releases of the campaign's model are offered; the server decides whether one may
 * replace the campaign's (a higher sequence number) and its refusal stays in the dialog.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, type Page, withQuery } from '../../api/client.ts';
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
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [releaseId, setReleaseId] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const current = useRelease(p.campaign.releaseId).data;
  const published = usePublished(p.open ? current?.model : undefined);
  const others = (published.data?.items ?? []).filter((r) => r.id !== p.campaign.releaseId);

  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (p.open && !d.open) d.showModal();
    if (!p.open && d.open) d.close();
  }, [p.open]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Give a reason: it goes to the audit log.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await p.onResume({ reason: reason.trim(), ...(releaseId === '' ? {} : { releaseId }) });
      setReason('');
      setReleaseId('');
      p.onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} onClose={p.onClose} aria-labelledby="resume-title">
      <form onSubmit={submit} noValidate>
        <h2 id="resume-title">Resume: {p.campaign.name}</h2>
        <p>The campaign offers its release again; failures so far count as acknowledged.</p>
        <label htmlFor="resume-release">Release</label>
        <select id="resume-release" value={releaseId} onChange={(e) => setReleaseId(e.target.value)}>
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
        <label htmlFor="resume-reason">Reason</label>
        <input id="resume-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        {error !== undefined && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={p.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            Resume
          </button>
        </div>
      </form>
    </dialog>
  );
}
