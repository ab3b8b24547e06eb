/**
 * Releases for the owner role: the update-authority key made on first start (sealed in the store
 * like the other server keys), payloads kept where the configuration says, and download URIs under
 * the device API of this server (`<url>/device/v1/artifacts/<sha-256>`).
 */
import { type ReleaseService, releaseService } from '../../../lifecycle/releases/service.ts';
import { ensureUpdateAuthority, UPDATE_AUTHORITY_KEY } from '../../../lifecycle/releases/update-authority.ts';
import { readExtraAnchors } from '../releases-config.ts';
import type { RoleContext } from './context.ts';

/** The download path of a payload on the device API, by its SHA-256 (hex). */
export const artifactPath = (digest: string): string => `/device/v1/artifacts/${digest}`;

export async function releasesRole(ctx: RoleContext): Promise<ReleaseService> {
  const c = ctx.config.releases;
  const authority = await ensureUpdateAuthority(ctx.store.keys);
  if (authority.created) ctx.keys.created.push(UPDATE_AUTHORITY_KEY);
  return releaseService({
    store: ctx.store,
    authority,
    ...(c === undefined ? {} : { storage: c.storage, extraAnchors: readExtraAnchors(c.extraAnchorFiles) }),
    ...(c?.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: c.maxPayloadBytes }),
    payloadUri: (digest) => `${ctx.url}${artifactPath(digest)}`,
  });
}
