/**
 * Deleting a payload: refused with ERR_PAYLOAD_IN_USE while any release, in any state, names it
 * (a retired release can be published again, and devices may still fetch it); otherwise its record
 * goes, audited, in one transaction, and then its bytes. Bytes left behind by a crash in between
 * are an orphan that the sweep (payload-sweep.ts) removes.
 */
import type { PayloadRecord } from '../../store/payload-repository.ts';
import type { Store } from '../../store/store.ts';
import { ReleaseError } from './errors.ts';
import { isSha256Hex, type PayloadDeps } from './payloads.ts';

/** The most release ids a refusal names. */
const MAX_NAMED = 10;

export async function deletePayload(store: Store, deps: PayloadDeps, digest: string, actor: string): Promise<PayloadRecord> {
  const notFound = () => new ReleaseError('ERR_PAYLOAD_NOT_FOUND', `no payload with SHA-256 ${digest}`);
  if (!isSha256Hex(digest)) throw notFound();
  const deleted = await store.transaction(async (r) => {
    const releases = await r.releases.namingPayload(digest, MAX_NAMED);
    if (releases.length > 0)
      throw new ReleaseError('ERR_PAYLOAD_IN_USE', `payload ${digest} is named by release ${releases.join(', ')}; it is kept`);
    const p = await r.payloads.delete(digest);
    if (p === undefined) throw notFound();
    await r.audit.append({ actor, action: 'payload.deleted', subject: digest, details: { size: p.size, location: p.location } });
    return p;
  });
  await deps.storage.remove(deleted.blobId);
  return deleted;
}
