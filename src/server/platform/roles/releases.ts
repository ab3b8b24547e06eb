/**
 * Releases for the owner role: the update-authority key made on first start where the other
 * server keys are (sealed in the store, or in the PKCS#11 token of the keystore), payloads kept
 * where the configuration says, and download URIs under the device API of this server
 * (`<url>/device/v1/artifacts/<sha-256>`). At start, payload bytes no record names (left by a
 * crash) are swept.
 */
import type { Keystore } from '../../../keystore/keystore.ts';
import { sweepOrphanPayloads } from '../../../lifecycle/releases/payload-sweep.ts';
import { type ReleaseService, releaseService } from '../../../lifecycle/releases/service.ts';
import { ensureUpdateAuthority, UPDATE_AUTHORITY_KEY } from '../../../lifecycle/releases/update-authority.ts';
import { DEVICE_API_PREFIX } from '../../device-api/device-api.ts';
import { readExtraAnchors } from '../releases-config.ts';
import type { RoleContext } from './context.ts';

/** The download path of a payload on the device API, by its SHA-256 (hex). */
export const artifactPath = (digest: string): string => `${DEVICE_API_PREFIX}/artifacts/${digest}`;

export async function releasesRole(ctx: RoleContext, keystore: Keystore): Promise<ReleaseService> {
  const c = ctx.config.releases;
  const authority = await ensureUpdateAuthority(ctx.store, keystore);
  if (authority.created) ctx.keys.created.push(UPDATE_AUTHORITY_KEY);
  const service = releaseService({
    store: ctx.store,
    authority,
    ...(c === undefined ? {} : { storage: c.storage, extraAnchors: readExtraAnchors(c.extraAnchorFiles) }),
    ...(c?.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: c.maxPayloadBytes }),
    payloadUri: (digest) => `${ctx.url}${artifactPath(digest)}`,
  });
  // Bytes an upload or a delete left without a payload record: removed in the background, logged.
  sweepOrphanPayloads(service.payloads, { now: ctx.clock(), log: (fields, message) => ctx.log?.info(fields, message) }).catch((err) =>
    ctx.log?.warn({ err }, 'payloads: the orphan sweep failed'),
  );
  return service;
}
