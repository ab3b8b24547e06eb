/**
 * What a store's settings repository remembers of the settings it read, shared by every repository
 * object of the store (the store's own and those bound to its transactions). A scope is read whole
 * on its first `get` when it is small (SCOPE_ROWS_MAX rows, SCOPE_BYTES_MAX of stored text), so a
 * key it lacks is known absent too; a larger scope is read key by key as before. Rows are kept as
 * stored (a sealed value stays sealed in memory) and opened on each `get`, so callers never share
 * an object.
 *
 * Across replicas the `settings` change generation (migration 0023, bumped by triggers with every
 * write) says whether anything changed: it is read at most once per SETTINGS_CACHE_MS, and
 * everything remembered goes when it moved. In this process a write drops everything before and
 * after its statement, and reads check the generation again until SETTINGS_CACHE_MS after it, so
 * that a write committed by a transaction after its statement is seen too.
 */
import { performance } from 'node:perf_hooks';

/**
 * The staleness bound: a setting changed by another replica is seen by reads that begin more than
 * this long (plus one query) after the change committed. A change made in this process is seen at once.
 */
export const SETTINGS_CACHE_MS = 1000;
/** A scope with more rows than this is not kept whole. */
export const SCOPE_ROWS_MAX = 32;
/** Nor one whose stored values add up to more text than this. */
export const SCOPE_BYTES_MAX = 1024 * 1024;

/** A settings row as stored (`value` is JSON text, or base64 of the sealed JSON). */
export interface StoredSetting {
  scope: string;
  key: string;
  value: string;
  sealed: number | string;
  updated_at: number | string;
}

/** Too large to keep whole: read key by key. */
const LARGE = 'large';
type ScopeEntry = ReadonlyMap<string, StoredSetting> | typeof LARGE;

export interface SettingsCacheIo {
  /** The `settings` change generation now. */
  generation(): Promise<number>;
  /** Up to `limit` rows of the scope, in key order. */
  scope(scope: string, limit: number): Promise<StoredSetting[]>;
  /** The row under (scope, key). */
  row(scope: string, key: string): Promise<StoredSetting | undefined>;
}

export interface SettingsCache {
  /** The row under (scope, key), from memory while the generation it was read under is current. */
  get(scope: string, key: string, io: SettingsCacheIo): Promise<StoredSetting | undefined>;
  /** Runs one write of this process: everything remembered goes before and after it. */
  write<T>(run: () => Promise<T>): Promise<T>;
  /** Drops everything remembered (a row that no longer opens: the store was re-keyed). */
  forget(): void;
}

const entryOf = (rows: StoredSetting[]): ScopeEntry => {
  if (rows.length > SCOPE_ROWS_MAX) return LARGE;
  let bytes = 0;
  for (const r of rows) bytes += r.value.length;
  return bytes > SCOPE_BYTES_MAX ? LARGE : new Map(rows.map((r) => [r.key, r]));
};

export function settingsCache(now: () => number = () => performance.now()): SettingsCache {
  const scopes = new Map<string, ScopeEntry>();
  /** The generation what `scopes` holds was read under, and when that check began. */
  let known: { generation: number; checkedAt: number } | undefined;
  let checking: Promise<number> | undefined;
  /** Local writes so far (each counts twice): a read that saw one begin or end keeps nothing. */
  let writes = 0;
  let recheckUntil = Number.NEGATIVE_INFINITY;

  async function check(io: SettingsCacheIo): Promise<number> {
    const checkedAt = now();
    const seenWrites = writes;
    try {
      const generation = await io.generation();
      if (known?.generation !== generation) scopes.clear();
      // A write of this process that ran meanwhile leaves the next read to check again.
      if (writes === seenWrites) known = { generation, checkedAt };
      return generation;
    } finally {
      checking = undefined;
    }
  }

  function generationNow(io: SettingsCacheIo): Promise<number> {
    const t = now();
    if (known !== undefined && t - known.checkedAt < SETTINGS_CACHE_MS && t >= recheckUntil) return Promise.resolve(known.generation);
    checking ??= check(io);
    return checking;
  }

  function forget(): void {
    writes++;
    scopes.clear();
    known = undefined;
    recheckUntil = now() + SETTINGS_CACHE_MS;
  }

  /** Reads the scope; `seenWrites` and `generation` are those the read began under. */
  async function load(scope: string, io: SettingsCacheIo, seenWrites: number, generation: number): Promise<ScopeEntry> {
    const entry = entryOf(await io.scope(scope, SCOPE_ROWS_MAX + 1));
    // Kept only when nothing this process knows of changed while it was read.
    if (writes === seenWrites && known?.generation === generation) scopes.set(scope, entry);
    return entry;
  }

  return {
    async get(scope, key, io) {
      const seenWrites = writes;
      const generation = await generationNow(io);
      const entry = scopes.get(scope) ?? (await load(scope, io, seenWrites, generation));
      return entry === LARGE ? io.row(scope, key) : entry.get(key);
    },
    forget,
    async write(run) {
      forget();
      try {
        return await run();
      } finally {
        forget();
      }
    },
  };
}
