/**
 * The owner's settings in the store: where they live (scope and key), and how a change is written.
 * Every change commits together with its audit record, so the log names who changed what and when.
 */
import type { FastifyRequest } from 'fastify';
import type { Repositories, Store } from '../../store/store.ts';
import { actorOf } from './auth.ts';
import { ApiProblem } from './problem.ts';

/** Settings of the owner role as a whole. */
export const OWNER_SCOPE = 'owner';
/** ServiceInfo chosen for one device; the key is the device GUID in lower-case hex. */
export const OWNER_SERVICEINFO_SCOPE = 'owner.serviceinfo';
/** The outcome of the last TO0 attempt per voucher (key: GUID hex), kept by the registrar. */
export const OWNER_TO0_SCOPE = 'owner.to0';

export const OwnerSettingKey = {
  to2Address: 'to2-address',
  serviceInfoDefault: 'serviceinfo-default',
  rendezvous: 'rendezvous',
} as const;

type Change = {
  scope: string;
  key: string;
  /** What the audit record calls the setting, e.g. `owner.to2-address` (then `.set` or `.reset`). */
  action: string;
  /** The new value; undefined deletes the setting. */
  value?: unknown;
  /** What the audit record keeps of the value (default: all of it); large values record a summary. */
  details?: Record<string, unknown>;
};

/** Writes (or with `value` undefined, deletes) a setting and its audit record in one transaction. */
export async function changeSetting(store: Store, request: FastifyRequest, change: Change): Promise<boolean> {
  return changeSettingAs(store, actorOf(request), change);
}

export async function changeSettingAs(store: Store, actor: string, change: Change): Promise<boolean> {
  try {
    return await store.transaction(async (r: Repositories) => {
      let changed = true;
      if (change.value === undefined) changed = await r.settings.delete(change.scope, change.key);
      else await r.settings.put(change.scope, change.key, change.value);
      if (changed) {
        await r.audit.append({
          actor,
          action: `${change.action}.${change.value === undefined ? 'reset' : 'set'}`,
          subject: `setting:${change.scope}/${change.key}`,
          details: change.value === undefined ? {} : (change.details ?? { value: change.value }),
        });
      }
      return changed;
    });
  } catch (e) {
    // The repository refuses values beyond its size limit with a RangeError.
    if (e instanceof RangeError) throw new ApiProblem(413, 'ERR_API_SETTING_TOO_LARGE', `the setting is too large: ${e.message}`);
    throw e;
  }
}
