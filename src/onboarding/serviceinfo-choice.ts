/**
 * Which ServiceInfo each device receives in TO2: a default for every device and, per device, a
 * choice that replaces it. Stored under owner/serviceinfo-default and owner.serviceinfo/<GUID hex>.
 */
import type { To2OwnerPolicy } from '../fdo/protocol/to2-ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { Store } from '../store/store.ts';
import { OwnerServiceInfoError, ownerServiceInfoPorts } from './serviceinfo-files.ts';
import { auditSummary, fileRef, parseServiceInfoChoice, type ServiceInfoEntry, toOwnerPlans } from './serviceinfo-plans.ts';
import { changeSetting, invalidSetting, OWNER_SCOPE, OWNER_SERVICEINFO_SCOPE, OwnerSettingKey, readSetting } from './settings.ts';

export type ServiceInfoSource = 'device' | 'default' | 'none';
/** Where one choice is stored. */
export type ServiceInfoPlace = { scope: string; key: string };

export const DEFAULT_SERVICEINFO: ServiceInfoPlace = { scope: OWNER_SCOPE, key: OwnerSettingKey.serviceInfoDefault };
export const deviceServiceInfo = (guid: Uint8Array): ServiceInfoPlace => ({ scope: OWNER_SERVICEINFO_SCOPE, key: guidToHex(guid) });

/** The stored choice at a place, or undefined when none is stored. */
export function storedServiceInfo(store: Pick<Store, 'settings'>, at: ServiceInfoPlace): Promise<ServiceInfoEntry[] | undefined> {
  return readSetting(store, { ...at, what: `ServiceInfo ${at.scope}/${at.key}` }, (v) =>
    parseServiceInfoChoice(v, `${at.scope}/${at.key}`),
  );
}

/** The plans a device receives and where they come from: its own choice, else the default. */
export async function serviceInfoFor(
  store: Pick<Store, 'settings'>,
  guid: Uint8Array,
): Promise<{ entries: ServiceInfoEntry[]; source: ServiceInfoSource; at: ServiceInfoPlace }> {
  const own = await storedServiceInfo(store, deviceServiceInfo(guid));
  if (own !== undefined) return { entries: own, source: 'device', at: deviceServiceInfo(guid) };
  const fallback = await storedServiceInfo(store, DEFAULT_SERVICEINFO);
  return { entries: fallback ?? [], source: fallback === undefined ? 'none' : 'default', at: DEFAULT_SERVICEINFO };
}

/** TO2's `serviceInfoPlans`: read at each onboarding, so a change applies to the next device. */
export function storedServiceInfoPlans(store: Store): NonNullable<To2OwnerPolicy['serviceInfoPlans']> {
  return async (guid) => {
    const p = await serviceInfoFor(store, guid);
    return toOwnerPlans(p.entries, { ...p.at, guid });
  };
}

/** Files named by download entries must exist in the ServiceInfo directory when they are chosen. */
async function checkFiles(store: Store, serviceInfoDir: string | undefined, entries: readonly ServiceInfoEntry[]): Promise<void> {
  const ports = ownerServiceInfoPorts({ store, uploadDir: '', ...(serviceInfoDir === undefined ? {} : { serviceInfoDir }) });
  for (const [i, e] of entries.entries()) {
    if (e.module !== 'fdo.download' || !('file' in e)) continue;
    try {
      await ports.downloadSource?.size(fileRef(e.file));
    } catch (error) {
      if (error instanceof OwnerServiceInfoError) throw invalidSetting(`plans[${i}].file`, error.message);
      throw error;
    }
  }
}

/** Stores a choice (or with none, removes it) with an audit record that keeps inline data as size and hash. */
export async function setServiceInfo(
  store: Store,
  actor: string,
  at: ServiceInfoPlace,
  value: unknown,
  serviceInfoDir: string | undefined,
): Promise<void> {
  if (value === undefined) {
    await changeSetting(store, actor, { ...at, action: 'owner.serviceinfo' });
    return;
  }
  const entries = parseServiceInfoChoice(value);
  await checkFiles(store, serviceInfoDir, entries);
  // Plans carry what devices receive (inline files, commands, their arguments): stored sealed.
  await changeSetting(store, actor, {
    ...at,
    action: 'owner.serviceinfo',
    value: { plans: entries },
    details: auditSummary(entries),
    sealed: true,
  });
}
