/** What the manager's parts share: options with defaults, the lease flag and parsed files by digest. */
import type { MudFile } from '../../mud/model/mud-file.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import type { IntentDeviceInput, IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import type { Enforcer } from '../enforcement-ports.ts';
import { IntentError } from '../errors.ts';
import { fetchMud } from '../mud-fetch.ts';
import { createDeviceLock, type DeviceLock } from './device-lock.ts';
import type { IntentManagerOptions } from './types.ts';

export interface ManagerCore {
  o: IntentManagerOptions;
  now(): Date;
  /** True while this replica holds the lease (always, without a lease). */
  leader: boolean;
  fetcher: NonNullable<IntentManagerOptions['fetcher']>;
  /** Parsed last good files, by digest, so a stored file is parsed once. */
  files: Map<string, MudFile>;
  log: NonNullable<IntentManagerOptions['log']>;
  /** Serialises the operations on one device (device-lock.ts). */
  lock: DeviceLock;
  /** How many changes this replica has made to the firewall: what was derived from it before is current while it stays. */
  firewallChanges: number;
}

/** `e`, counting each change it makes (or tries: one that fails changes nothing, and is counted all the same). */
function counting(e: Enforcer, core: { firewallChanges: number }): Enforcer {
  const counted =
    <A extends unknown[]>(f: (...a: A) => Promise<void>) =>
    async (...a: A): Promise<void> => {
      try {
        await f(...a);
      } finally {
        core.firewallChanges++;
      }
    };
  return {
    apply: counted((script: string) => e.apply(script)),
    removeDevice: counted((mac: string) => e.removeDevice(mac)),
    ...(e.dropCounters === undefined ? {} : { dropCounters: e.dropCounters.bind(e) }),
  };
}

export function createCore(o: IntentManagerOptions): ManagerCore {
  const core: ManagerCore = {
    o,
    now: o.clock ?? (() => new Date()),
    leader: o.lease === undefined,
    fetcher: o.fetcher ?? fetchMud,
    files: new Map(),
    log: o.log ?? (() => {}),
    lock: createDeviceLock(),
    firewallChanges: 0,
  };
  core.o = { ...o, enforcer: counting(o.enforcer, core) };
  return core;
}

/** The device's last good file, parsed, or undefined when it has none (or it no longer reads). */
export function lastGoodFile(core: ManagerCore, d: IntentDeviceRecord): MudFile | undefined {
  if (d.mud === undefined) return undefined;
  const cached = core.files.get(d.mud.digest);
  if (cached !== undefined) return cached;
  const parsed = parseMud(d.mud.json, { lenient: true });
  if (parsed.mud === undefined) return undefined;
  if (core.files.size > 10_000) core.files.clear();
  core.files.set(d.mud.digest, parsed.mud);
  return parsed.mud;
}

export async function getDevice(core: ManagerCore, mac: string): Promise<IntentDeviceRecord> {
  const d = await core.o.store.intentDevices.get(mac);
  if (d === undefined) throw new IntentError('ERR_INTENT_DEVICE_UNKNOWN', 'mac', `no intent device ${JSON.stringify(mac)}`);
  return d;
}

/** The record without its timestamps, to write back changed. */
export function input(d: IntentDeviceRecord): IntentDeviceInput {
  const { createdAt: _c, updatedAt: _u, ...rest } = d;
  return rest;
}

/** The earliest of the times the device needs looking at again. */
export function dueAt(d: IntentDeviceInput): Date | undefined {
  const times = [d.fetch?.nextAttempt ?? d.fetch?.validUntil, ...d.names.map((n) => n.expiresAt)].filter((t) => t !== undefined);
  return times.length === 0 ? undefined : new Date(Math.min(...times.map((t) => t.getTime())));
}

export async function audit(core: ManagerCore, actor: string, action: string, mac: string, details: Record<string, unknown> = {}) {
  await core.o.store.audit.append({ actor, action, subject: `mac:${mac}`, details });
}
