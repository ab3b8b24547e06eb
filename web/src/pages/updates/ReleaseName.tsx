/** A release named as the operator knows it: model and version, with its sequence number. */
import { useRelease } from './useRelease.ts';

export function ReleaseName({ id }: { id: string }) {
  const r = useRelease(id);
  if (r.data === undefined) return <span className="mono">{r.isError ? `${id} (not found)` : id}</span>;
  return (
    <span>
      {r.data.model} {r.data.version} <span className="muted">(sequence {r.data.sequenceNumber})</span>
    </span>
  );
}
