import { MAX_VERSION_CHARS } from '../lifecycle/device-config.ts';
import type { OfferedUpdate } from './apply-update.ts';
import type { PollAnswer } from './device-api-client.ts';

/**
 * The offered update of a poll answer, when its action has the fields an update needs; a release
 * version is kept only within the device API's bound on versions.
 */
export function offeredUpdate(a: PollAnswer): OfferedUpdate | undefined {
  const x = a.action;
  if (x === null || typeof x.id !== 'string' || typeof x.envelopeUrl !== 'string') return undefined;
  const version = (x.release as { version?: unknown } | null | undefined)?.version;
  return {
    id: x.id,
    type: typeof x.type === 'string' ? x.type : 'forced',
    envelopeUrl: x.envelopeUrl,
    confirm: x.confirm === true,
    ...(typeof version === 'string' && version.length > 0 && version.length <= MAX_VERSION_CHARS ? { releaseVersion: version } : {}),
  };
}
