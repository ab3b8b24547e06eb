/** The offered update of a poll answer, when its action has the fields an update needs. */
import type { OfferedUpdate } from './apply-update.ts';
import type { PollAnswer } from './device-api-client.ts';

export function offeredUpdate(a: PollAnswer): OfferedUpdate | undefined {
  const x = a.action;
  if (x === null || typeof x.id !== 'string' || typeof x.envelopeUrl !== 'string') return undefined;
  return { id: x.id, type: typeof x.type === 'string' ? x.type : 'forced', envelopeUrl: x.envelopeUrl, confirm: x.confirm === true };
}
