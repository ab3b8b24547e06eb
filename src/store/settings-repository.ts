import type { Page, PageRequest } from './page.ts';

/** One setting: a JSON value under a key, within a scope such as `owner` or `manufacturer`. */
export interface SettingRecord {
  key: string;
  value: unknown;
  updatedAt: Date;
  /** Present when the value is stored sealed (putSealed); `value` is opened all the same. */
  sealed?: true;
}

/** The largest value, as JSON text, a setting may hold; callers validate what they store first. */
export const MAX_SETTING_BYTES = 256 * 1024;

/**
 * Operator settings of the roles (the owner's TO2 address, the manufacturer's rendezvous info, the
 * rendezvous acceptance policy, ServiceInfo choices): JSON values the API validates before they
 * get here. Values round-trip through JSON, so they must be plain data. A value that is a secret
 * (ServiceInfo inline data, a Wi-Fi password) is stored with `putSealed`: sealed under the
 * store's key-encryption key like private keys and sessions, opened by `get` and `list`.
 */
export interface SettingsRepository {
  /** The value stored under (scope, key), or undefined; a sealed one opened (ERR_STORE_DECRYPT when it does not open). */
  get(scope: string, key: string): Promise<unknown>;
  /** Creates or replaces. Throws RangeError for a value larger than MAX_SETTING_BYTES as JSON. */
  put(scope: string, key: string, value: unknown): Promise<void>;
  /**
   * Creates or replaces, the value sealed at rest (AES-256-GCM under the KEK, bound to scope and
   * key; `rekey` re-seals it). The size limit applies to the JSON before sealing. A later `put`
   * of the same key stores it plain again.
   */
  putSealed(scope: string, key: string, value: unknown): Promise<void>;
  /**
   * true when something was deleted. The stored value is overwritten with zeros of its length
   * first; `Store.eraseFreed` afterwards clears older copies from SQLite's write-ahead log.
   */
  delete(scope: string, key: string): Promise<boolean>;
  /** The scope's settings in key order. */
  list(scope: string, page?: PageRequest): Promise<Page<SettingRecord>>;
}
