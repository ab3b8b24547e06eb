/**
 * A confirmation dialog for an action that changes a device or a campaign: the operator reads
 * what will happen, may give a reason, and confirms or cancels. Uses the native <dialog>, which
 * keeps focus inside and closes on Escape.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';

export interface ConfirmProps {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  /** Ask for a reason (required when true). */
  reason?: boolean;
  /** Further fields of the action, shown between the message and the reason. */
  children?: ReactNode;
  onConfirm(reason: string): Promise<void> | void;
  onClose(): void;
}

export function Confirm(p: ConfirmProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Unique per dialog: a page may hold several, and labels must find their own input.
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (p.open && !d.open) d.showModal();
    if (!p.open && d.open) d.close();
  }, [p.open]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (p.reason === true && reason.trim() === '') {
      setError('Give a reason: it goes to the audit log.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await p.onConfirm(reason.trim());
      setReason('');
      p.onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} onClose={p.onClose} aria-labelledby={`${id}-title`}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>{p.title}</h2>
        <p>{p.message}</p>
        {p.children}
        {p.reason === true && (
          <>
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input id={`${id}-reason`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </>
        )}
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
            {p.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
