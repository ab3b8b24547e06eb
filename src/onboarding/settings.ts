/**
 * Settings of the onboarding roles in the store: where they live (scope and key), how a value is
 * checked against the schema of the service that owns it, and how a change is written. Every
 * change commits together with its audit record, so the log names who changed what and when.
 */
import type { Static, TSchema } from 'typebox';
import { IotopiaError } from '../errors.ts';
import { checkSchema } from '../platform/json-schema.ts';
import type { Repositories, Store } from '../store/store.ts';

/** A value given for a setting breaks its rules; `field` names the member at fault. */
export const ERR_SETTING_INVALID = 'ERR_SETTING_INVALID';
/** A stored setting no longer passes its checks (edited outside the services). */
export const ERR_SETTING_CORRUPT = 'ERR_SETTING_CORRUPT';
/** A value is over the store's size limit for one setting. */
export const ERR_SETTING_TOO_LARGE = 'ERR_SETTING_TOO_LARGE';

export class SettingError extends IotopiaError {
  /** For ERR_SETTING_INVALID: the member at fault, in the API's notation (`directives[0].dns`). */
  readonly field: string | undefined;
  readonly reason: string;

  constructor(code: string, message: string, options: { field?: string; reason?: string; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = options.field;
    this.reason = options.reason ?? message;
  }
}

/** A member that breaks a rule the schema cannot state (e.g. two members that only go together). */
export function invalidSetting(field: string, reason: string): SettingError {
  return new SettingError(ERR_SETTING_INVALID, `${field}: ${reason}`, { field, reason });
}

/** The value if it fits the schema; otherwise an ERR_SETTING_INVALID naming the member under `root`. */
export function settingValue<S extends TSchema>(schema: S, value: unknown, root: string): Static<S> {
  const checked = checkSchema(schema, value, root);
  if (!checked.ok) throw invalidSetting(checked.field, checked.reason);
  return checked.value;
}

/**
 * Reads a stored value through `parse` (the same checks a request passes); a value that fails them
 * is ERR_SETTING_CORRUPT, so the service fails closed instead of acting on it.
 */
export async function readSetting<T>(
  store: Pick<Store, 'settings'>,
  where: { scope: string; key: string; what: string },
  parse: (value: unknown) => T,
): Promise<T | undefined> {
  const value = await store.settings.get(where.scope, where.key);
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (e) {
    if (e instanceof SettingError && e.code === ERR_SETTING_INVALID)
      throw new SettingError(ERR_SETTING_CORRUPT, `the stored ${where.what} is invalid: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Settings of the owner role as a whole. */
export const OWNER_SCOPE = 'owner';
/** ServiceInfo chosen for one device; the key is the device GUID in lower-case hex. */
export const OWNER_SERVICEINFO_SCOPE = 'owner.serviceinfo';

export const OwnerSettingKey = {
  to2Address: 'to2-address',
  serviceInfoDefault: 'serviceinfo-default',
  rendezvous: 'rendezvous',
} as const;

export type SettingChange = {
  scope: string;
  key: string;
  /** What the audit record calls the setting, e.g. `owner.to2-address` (then `.set` or `.reset`). */
  action: string;
  /** The new value; undefined deletes the setting. */
  value?: unknown;
  /** What the audit record keeps of the value (default: all of it); large values record a summary. */
  details?: Record<string, unknown>;
  /** The value holds a secret: it is stored sealed under the store's key-encryption key. */
  sealed?: boolean;
};

/**
 * Writes (or with `value` undefined, deletes) a setting and its audit record in one transaction.
 * After a delete or a sealed write the store erases what it freed (the old value, overwritten;
 * older copies in SQLite's write-ahead log), so a secret that is gone is not left in the files.
 */
export async function changeSetting(store: Store, actor: string, change: SettingChange): Promise<boolean> {
  const changed = await writeSetting(store, actor, change);
  if ((change.value === undefined && changed) || change.sealed === true) await store.eraseFreed();
  return changed;
}

async function writeSetting(store: Store, actor: string, change: SettingChange): Promise<boolean> {
  try {
    return await store.transaction(async (r: Repositories) => {
      let changed = true;
      if (change.value === undefined) changed = await r.settings.delete(change.scope, change.key);
      else if (change.sealed === true) await r.settings.putSealed(change.scope, change.key, change.value);
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
    if (e instanceof RangeError) throw new SettingError(ERR_SETTING_TOO_LARGE, `the setting is too large: ${e.message}`, { cause: e });
    throw e;
  }
}
