/**
 * Settings that hold secrets are sealed at rest: ServiceInfo choices (inline files, command lines
 * for devices) and rendezvous info with a Wi-Fi password. Their writers seal them; a database from
 * before settings could be sealed still holds such values as plain JSON, and this start-up step
 * seals them in place (audited as `setting.sealed`), then erases the freed plain copies.
 */
import type { Store } from '../store/store.ts';
import { MANUFACTURER_SCOPE, RV_INFO_KEY, rvInfoHoldsSecret } from './rv-info.ts';
import { DEFAULT_SERVICEINFO } from './serviceinfo-choice.ts';
import { OWNER_SERVICEINFO_SCOPE } from './settings.ts';

/** Whether the setting at (scope, key) with `value` is one that is stored sealed. */
export function isSecretSetting(scope: string, key: string, value: unknown): boolean {
  if (scope === OWNER_SERVICEINFO_SCOPE) return true;
  if (scope === DEFAULT_SERVICEINFO.scope && key === DEFAULT_SERVICEINFO.key) return true;
  return scope === MANUFACTURER_SCOPE && key === RV_INFO_KEY && rvInfoHoldsSecret(value);
}

const SCOPES = [OWNER_SERVICEINFO_SCOPE, DEFAULT_SERVICEINFO.scope, MANUFACTURER_SCOPE];

/** Seals every secret setting still stored plain; returns them as `scope/key`. */
export async function sealPlainSecretSettings(store: Store): Promise<string[]> {
  const sealed: string[] = [];
  for (const scope of new Set(SCOPES)) {
    let after: string | undefined;
    do {
      const page = await store.settings.list(scope, { limit: 100, ...(after === undefined ? {} : { after }) });
      for (const s of page.items) {
        if (s.sealed === true || !isSecretSetting(scope, s.key, s.value)) continue;
        await store.transaction(async (r) => {
          await r.settings.putSealed(scope, s.key, s.value);
          await r.audit.append({ actor: 'system', action: 'setting.sealed', subject: `setting:${scope}/${s.key}`, details: {} });
        });
        sealed.push(`${scope}/${s.key}`);
      }
      after = page.next;
    } while (after !== undefined);
  }
  if (sealed.length > 0) await store.eraseFreed();
  return sealed;
}
