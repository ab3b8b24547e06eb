/**
 * The manager's clock work, done only by the replica holding the gateway's lease: take or renew the
 * lease, reconcile on gaining it, then bring up to date every device whose cache validity, back-off
 * or DNS TTL has passed.
 */
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { joinScripts } from '../nft-join.ts';
import { audit, type ManagerCore } from './core.ts';
import { applyScript, type Plan, planState } from './enforce.ts';
import { type PeerLoader, peerLoader } from './peers.ts';
import { applyCurrent, failed, refreshDevice, settle } from './refresh.ts';
import type { IntentTickResult } from './types.ts';

/** Devices looked at per tick at most; the rest stay due for the next one. */
export const TICK_BATCH = 500;
export const DEFAULT_LEASE_MS = 30_000;

async function holdLease(core: ManagerCore): Promise<boolean> {
  const l = core.o.lease;
  if (l === undefined) return true;
  const lease = await core.o.store.intentLeases.acquire(l.gateway, l.holder, l.ttlMs ?? DEFAULT_LEASE_MS);
  return lease.holder === l.holder;
}

export async function tick(core: ManagerCore, now: Date): Promise<IntentTickResult> {
  const was = core.leader;
  core.leader = await holdLease(core);
  if (!core.leader) return { leader: false, refreshed: 0 };
  if (!was) {
    core.log('info', 'intent: this replica now programs the gateway', { gateway: core.o.lease?.gateway });
    await reconcile(core);
  }
  const due = await core.o.store.intentDevices.due(now, TICK_BATCH);
  const peers = peerLoader(core.o.store);
  for (const listed of due) {
    // Read again under the device's lock: an operator may have changed it since the listing.
    await core.lock(listed.mac, async () => {
      const d = await core.o.store.intentDevices.get(listed.mac);
      if (d === undefined || d.dueAt === undefined || d.dueAt > now) return;
      await dueDevice(core, d, now, peers);
    });
  }
  return { leader: true, refreshed: due.length };
}

/** A removed device handed over by another replica loses its rules; any other is refreshed. */
async function dueDevice(core: ManagerCore, d: IntentDeviceRecord, now: Date, peers: PeerLoader): Promise<void> {
  if (d.state !== 'removed') {
    await refreshDevice(core, d, false, 'system', now, peers);
    return;
  }
  await core.o.enforcer.removeDevice(d.mac);
  const { dueAt: _due, createdAt: _c, updatedAt: _u, ...rest } = d;
  await core.o.store.intentDevices.put(rest);
}

/** Devices applied together in one nft transaction when reconciling. */
export const RECONCILE_BATCH = 250;

/**
 * Re-applies every device's stored state, without fetching; returns how many devices. Devices are
 * applied in batches, each one nft transaction; a batch nft refuses is applied device by device,
 * so one bad device cannot keep the others from their rules.
 */
export async function reconcile(core: ManagerCore): Promise<number> {
  let n = 0;
  let after: string | undefined;
  const peers = peerLoader(core.o.store);
  do {
    const page = await core.o.store.intentDevices.list({ limit: RECONCILE_BATCH, ...(after === undefined ? {} : { after }) });
    await reconcileBatch(core, page.items, peers);
    n += page.items.length;
    after = page.next;
  } while (after !== undefined);
  await audit(core, 'system', 'intent.reconciled', core.o.lease?.gateway ?? 'local', { devices: n });
  return n;
}

async function reconcileBatch(core: ManagerCore, devices: IntentDeviceRecord[], peers: PeerLoader): Promise<void> {
  const planned: { d: IntentDeviceRecord; plan: Plan }[] = [];
  for (const d of devices) {
    try {
      planned.push({ d, plan: await planState(core, d.state === 'failed' ? { ...d, state: 'pending' } : d, peers) });
    } catch {
      // It does not compile: applyCurrent stores the error and applies its fallback.
      await applyCurrent(core, d, 'system', peers);
    }
  }
  const scripts = planned.flatMap((p) => (p.plan.remove ? [] : [p.plan.compiled.script]));
  try {
    if (scripts.length > 0) await applyScript(core, joinScripts(scripts));
  } catch (e) {
    core.log('warn', 'intent: a reconciliation batch was refused; applying device by device', {
      err: e instanceof Error ? e.message : String(e),
    });
    for (const { d } of planned) await applyCurrent(core, d, 'system', peers);
    return;
  }
  for (const { d, plan } of planned) {
    if (plan.remove) {
      try {
        await core.o.enforcer.removeDevice(d.mac);
      } catch (e) {
        await failed(core, d, e, 'system');
        continue;
      }
    }
    await settle(core, d, plan.outcome);
  }
}
