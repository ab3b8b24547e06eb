/** An assessment's reports, fetched with the token and saved as files: HTML, PDF, and the EN 303 645 ICS as CSV or JSON. */
import { useState } from 'react';
import { downloadReport } from './download.ts';

const FORMATS = [
  { format: 'html', label: 'HTML report', ext: 'html' },
  { format: 'pdf', label: 'PDF report', ext: 'pdf' },
  { format: 'ics-csv', label: 'ICS (CSV)', ext: 'ics.csv' },
  { format: 'ics-json', label: 'ICS (JSON)', ext: 'ics.json' },
] as const;

export function ReportDownloads({ id }: { id: string }) {
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  async function save(format: string, label: string, ext: string) {
    setBusy(format);
    setMessage(undefined);
    try {
      const name = await downloadReport(`/assessments/${encodeURIComponent(id)}/report?format=${format}`, `assessment-${id}.${ext}`);
      setMessage({ ok: true, text: `Saved ${name}.` });
    } catch (e) {
      setMessage({ ok: false, text: `The ${label} could not be made: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <h2>Reports</h2>
      <div className="filters">
        {FORMATS.map((f) => (
          <button
            key={f.format}
            type="button"
            className="secondary"
            disabled={busy !== undefined}
            onClick={() => save(f.format, f.label, f.ext)}
          >
            {busy === f.format ? `Making ${f.label}…` : `Download ${f.label}`}
          </button>
        ))}
      </div>
      {message !== undefined && (
        <p className={message.ok ? 'muted' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </>
  );
}
