/** A state word in a coloured badge; the word itself carries the meaning, the colour only helps. */
const TONE: Record<string, string> = {
  active: 'good',
  onboarded: 'good',
  succeeded: 'good',
  enforced: 'good',
  completed: 'good',
  published: 'good',
  pass: 'good',
  met: 'good',
  suspended: 'warn',
  paused: 'warn',
  pending: 'warn',
  partial: 'warn',
  registered: 'info',
  running: 'info',
  manufactured: 'info',
  quarantined: 'bad',
  failed: 'bad',
  decommissioned: 'muted',
  cancelled: 'muted',
  retired: 'muted',
  fail: 'bad',
  'not-met': 'bad',
  allowed: 'good',
  dropped: 'bad',
};

export function StateBadge({ state }: { state: string | null | undefined }) {
  const s = state ?? 'none';
  return <span className={`badge ${TONE[s] ?? 'neutral'}`}>{s}</span>;
}
