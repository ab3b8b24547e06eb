/**
 * The orphan sweep: chunks or files that no payload record names (an upload that crashed between
 * writing its bytes and recording the payload, or a delete that crashed before removing them) are
 * removed once they are older than ORPHAN_AGE_MS, so that an upload still running on another
 * replica is never touched. The owner runs it at start; tests call it directly.
 */
import type { PayloadDeps } from './payloads.ts';

/** How old unnamed bytes must be before the sweep removes them: no upload takes this long. */
export const ORPHAN_AGE_MS = 60 * 60_000;
/** The most blobs one sweep looks at. */
const MAX_SWEEP = 1000;

export interface SweepOptions {
  now?: Date;
  olderThanMs?: number;
  log?: (fields: { removed: number; blobIds: string[] }, message: string) => void;
}

/** Removes orphaned payload bytes; resolves with the blob ids removed. */
export async function sweepOrphanPayloads(deps: Pick<PayloadDeps, 'payloads' | 'storage'>, o: SweepOptions = {}): Promise<string[]> {
  const before = new Date((o.now ?? new Date()).getTime() - (o.olderThanMs ?? ORPHAN_AGE_MS));
  const candidates = await deps.storage.blobsBefore(before, MAX_SWEEP);
  const inUse = await deps.payloads.blobIdsInUse(candidates);
  const orphans = candidates.filter((id) => !inUse.has(id));
  for (const id of orphans) await deps.storage.remove(id);
  if (orphans.length > 0) o.log?.({ removed: orphans.length, blobIds: orphans }, 'payloads: removed bytes no payload names');
  return orphans;
}
