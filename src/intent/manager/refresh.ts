/**
 * One device brought up to date: fetch its MUD file (honouring the stored cache entry), resolve its
 * DNS names, compile and apply. Any failure is stored on the device as a typed error and audited;
 * the firewall keeps the last good enforcement (a device that never had one gets the never-good default).
 */
import { mudToJson } from '../../mud/model/to-json.ts';
import type { IntentDeviceInput, IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { MudFetchError } from '../fetch-errors.ts';
import type { MudCacheEntry } from '../mud-cache.ts';
import { nextAttemptAfter } from '../mud-cache.ts';
import type { MudFetchResult } from '../mud-fetch.ts';
import { audit, dueAt, input, lastGoodFile, type ManagerCore } from './core.ts';
import { enforceState, type Outcome } from './enforce.ts';
import { mudNames, resolveNames } from './names.ts';
import { type PeerLoader, peerLoader } from './peers.ts';
import { noPeers } from './policy.ts';

function cacheEntry(core: ManagerCore, d: IntentDeviceRecord): MudCacheEntry | undefined {
  const file = lastGoodFile(core, d);
  if (file === undefined || d.mud === undefined || d.fetch === undefined) return undefined;
  return {
    url: file.mud.mudUrl,
    etag: d.fetch.etag,
    fetchedAt: d.fetch.fetchedAt,
    validUntil: d.fetch.validUntil,
    mud: file,
    digest: d.mud.digest,
    signer: d.mud.signer,
    failures: d.fetch.failures,
    nextAttempt: d.fetch.nextAttempt,
    lastError: undefined,
  };
}

function withFetch(d: IntentDeviceInput, r: MudFetchResult): IntentDeviceInput {
  const e = r.entry;
  const { failedAttempts: _counted, ...rest } = d;
  const out: IntentDeviceInput = {
    ...rest,
    mud: { json: JSON.stringify(mudToJson(r.mud)), digest: e.digest, signed: r.signed },
    fetch: { fetchedAt: e.fetchedAt, validUntil: e.validUntil, failures: e.failures },
  };
  if (e.signer !== undefined && out.mud !== undefined) out.mud.signer = e.signer;
  if (e.etag !== undefined && out.fetch !== undefined) out.fetch.etag = e.etag;
  if (e.nextAttempt !== undefined && out.fetch !== undefined) out.fetch.nextAttempt = e.nextAttempt;
  return out;
}

const errorOf = (e: unknown) => ({
  code: typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'ERR_INTENT_INTERNAL',
  message: e instanceof Error ? e.message : String(e),
});

async function save(core: ManagerCore, d: IntentDeviceInput): Promise<IntentDeviceRecord> {
  const due = dueAt(d);
  const next: IntentDeviceInput = { ...d };
  delete next.dueAt;
  if (due !== undefined) next.dueAt = due;
  const saved = await core.o.store.intentDevices.put(next);
  core.o.metrics?.state?.(saved.mac, saved.state, saved.ruleCount);
  return saved;
}

/** Stores the failure, applies the never-good default to a device that never had a good file. */
export async function failed(
  core: ManagerCore,
  d: IntentDeviceRecord,
  e: unknown,
  actor: string,
  now = core.now(),
): Promise<IntentDeviceRecord> {
  const err = errorOf(e);
  if (e instanceof MudFetchError) core.o.metrics?.fetchFailed?.(err.code);
  core.log('warn', 'intent: device kept on its last enforcement', { mac: d.mac, code: err.code, message: err.message });
  let next: IntentDeviceInput = { ...input(d), lastError: { ...err, at: now } };
  if (d.mud === undefined && d.state !== 'quarantined' && d.state !== 'default-deny' && d.state !== 'allowed') {
    try {
      const outcome = await enforceState(core, { ...d, state: 'pending' }, async () => noPeers());
      next = { ...next, state: outcome.state, ruleCount: outcome.rules };
    } catch (e2) {
      next = { ...next, state: 'failed', lastError: { ...errorOf(e2), at: now } };
    }
  } else if (d.state === 'pending') next.state = 'failed';
  const failures = (d.fetch?.failures ?? d.failedAttempts ?? 0) + 1;
  const retry = nextAttemptAfter(failures, now, core.o.fetch?.backoff);
  if (d.fetch === undefined) next.failedAttempts = failures;
  delete next.dueAt;
  const saved = await core.o.store.intentDevices.put({ ...next, dueAt: earlier(dueAt(next), retry, now) });
  core.o.metrics?.state?.(saved.mac, saved.state, saved.ruleCount);
  await audit(core, actor, 'intent.device.failed', d.mac, { code: err.code, message: err.message, state: saved.state });
  return saved;
}

/** A retry no later than the back-off, and not in the past (that would spin). */
const earlier = (due: Date | undefined, retry: Date, now: Date) => (due === undefined || due <= now || due > retry ? retry : due);

/** Refreshes the device: fetch, resolve names, apply when anything changed (or `force`). */
export async function refreshDevice(
  core: ManagerCore,
  d: IntentDeviceRecord,
  force: boolean,
  actor: string,
  now = core.now(),
  peers: PeerLoader = peerLoader(core.o.store),
): Promise<IntentDeviceRecord> {
  if (d.state === 'removed') return d;
  if (!core.leader) return core.o.store.intentDevices.put({ ...input(d), dueAt: now });
  if (d.mudUrl === undefined) return applyCurrent(core, d, actor, peers);
  let result: MudFetchResult;
  try {
    result = await core.fetcher(d.mudUrl, { ...fetchOptions(core), cache: cacheEntry(core, d), force, now });
  } catch (e) {
    return failed(core, d, e, actor, now);
  }
  let next = withFetch(input(d), result);
  try {
    const refetched = force && !result.stale;
    const names = await resolveNames(mudNames(result.mud), d.names, core.o.resolver, now, refetched);
    next = { ...next, names: names.names };
    const fresh = result.source === 'network' && result.entry.digest !== d.mud?.digest;
    const settled = (d.state === 'enforced' || d.state === 'quarantined') && d.lastError === undefined;
    const record: IntentDeviceRecord = { ...next, createdAt: d.createdAt, updatedAt: d.updatedAt };
    if (refetched || fresh || names.changed || !settled) {
      const outcome = await enforceState(core, { ...record, state: d.state === 'quarantined' ? 'quarantined' : 'enforced' }, peers);
      next = { ...next, state: outcome.state, ruleCount: outcome.rules };
      await audit(core, actor, 'intent.device.enforced', d.mac, {
        state: outcome.state,
        rules: outcome.rules,
        digest: result.entry.digest,
        signer: result.entry.signer ?? null,
      });
    }
  } catch (e) {
    // The record goes back to the last good file and its cache entry; the firewall keeps what it had.
    return failed(core, d, e, actor, now);
  }
  if (result.error !== undefined) {
    next.lastError = { code: result.error.code, message: result.error.message, at: now };
    core.o.metrics?.fetchFailed?.(result.error.code);
    await audit(core, actor, 'intent.device.failed', d.mac, {
      code: result.error.code,
      message: result.error.message,
      state: next.state,
      stale: true,
    });
  } else if (!result.stale) delete next.lastError;
  // Stale without an error: the back-off of an earlier failure still runs; its error stays shown.
  for (const w of result.warnings) core.log('warn', 'intent: MUD file warning', { mac: d.mac, warning: w });
  return save(core, next);
}

/** Stores the state the firewall now has for the device (after a batch applied it). */
export async function settle(core: ManagerCore, d: IntentDeviceRecord, outcome: Outcome): Promise<IntentDeviceRecord> {
  if (outcome.state !== d.state)
    await audit(core, 'system', 'intent.device.enforced', d.mac, { state: outcome.state, rules: outcome.rules });
  return save(core, { ...input(d), state: outcome.state, ruleCount: outcome.rules });
}

/** Applies the device's current state without fetching (no MUD URL yet, or reconciliation). */
export async function applyCurrent(
  core: ManagerCore,
  d: IntentDeviceRecord,
  actor: string,
  peers: PeerLoader = peerLoader(core.o.store),
): Promise<IntentDeviceRecord> {
  try {
    const outcome = await enforceState(core, d.state === 'failed' ? { ...d, state: 'pending' } : d, peers);
    const { failedAttempts: _reset, ...rest } = input(d);
    const next = { ...rest, state: outcome.state, ruleCount: outcome.rules };
    if (outcome.state !== d.state)
      await audit(core, actor, 'intent.device.enforced', d.mac, { state: outcome.state, rules: outcome.rules });
    return save(core, next);
  } catch (e) {
    return failed(core, d, e, actor);
  }
}

function fetchOptions(core: ManagerCore) {
  const f = core.o.fetch ?? {};
  return {
    ...(f.serverCa === undefined ? {} : { serverCa: f.serverCa }),
    signerTrustAnchors: f.signerTrustAnchors ?? [],
    unsigned: f.unsigned ?? 'refuse',
    lenient: f.lenient === true,
    ...(f.timeoutMs === undefined ? {} : { timeoutMs: f.timeoutMs }),
    ...(f.backoff === undefined ? {} : { backoff: f.backoff }),
  };
}
