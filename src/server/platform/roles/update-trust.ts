/**
 * The SUIT trust anchors devices are provisioned with in TO2 (iotopia.onboard `trust-anchors`).
 * No update-authority key exists yet, so devices get the public half of this owner's default EC
 * key, the key TO2 itself already proved to them; when the update-authority key arrives, its public
 * key replaces this (ADR 0027).
 */
import { exportPublicKey } from '../../../crypto/key-export.ts';
import { publicKeyOf } from '../../../crypto/private-key-handle.ts';
import type { PlatformKeys } from '../../../platform/keys.ts';

export function updateTrustAnchors(keys: Pick<PlatformKeys, 'owner'>): () => Promise<Uint8Array[]> {
  const key = keys.owner.find((k) => k.type === 'secp256r1') ?? keys.owner.find((k) => k.type === 'secp384r1') ?? keys.owner[0];
  const anchors = key === undefined ? [] : [exportPublicKey(publicKeyOf(key.privateKey), 'cose-key')];
  return async () => anchors;
}
