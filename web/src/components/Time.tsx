/** A time as the operator reads it (local, short), with the exact ISO time in the title and datetime. */
export function Time({ at }: { at: string | undefined | null }) {
  if (at === undefined || at === null) return <span className="muted">never</span>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
    </time>
  );
}
