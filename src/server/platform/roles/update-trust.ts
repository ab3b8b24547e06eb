/**
 * The SUIT trust anchors devices are provisioned with in TO2 (iotopia.onboard `trust-anchors`): the
 * update-authority public key, then the extra anchors configured (`updateAnchors`), as COSE_Keys
 * (docs/lifecycle.md, "The update-authority key"). Read at each TO2 from the store, so the key the
 * owner role makes at start is there before any device onboards.
 */
import type { CoseKey } from '../../../codec/cose/key.ts';
import { updateTrustAnchors as storedTrustAnchors } from '../../../lifecycle/releases/update-authority.ts';
import type { KeyRepository } from '../../../store/key-repository.ts';

export function updateTrustAnchors(keys: KeyRepository, extra: readonly CoseKey[] = []): () => Promise<Uint8Array[]> {
  return () => storedTrustAnchors(keys, extra);
}
