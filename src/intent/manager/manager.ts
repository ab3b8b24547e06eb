/**
 * The MUD manager (RFC 8520 §1.3): learns devices and their MUD URLs, fetches and verifies their
 * files, resolves and enforces them through the Enforcer port, records violations and quarantines.
 * Adapters (the API, `iotopia up`, DHCP hooks, onboarding) only call this service.
 */

import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { normaliseMac } from '../ip.ts';
import { audit, createCore, getDevice, input } from './core.ts';
import { observe } from './observe.ts';
import { currentPolicies } from './policies.ts';
import { quarantine, release, reportViolations } from './quarantine.ts';
import { refreshDevice } from './refresh.ts';
import { learnNames } from './snoop.ts';
import { reconcile, tick } from './tick.ts';
import type { IntentManager, IntentManagerOptions } from './types.ts';

export function createIntentManager(options: IntentManagerOptions): IntentManager {
  const core = createCore(options);
  const lock = <T>(mac: string, fn: () => Promise<T>) => core.lock(normaliseMac(String(mac)) ?? String(mac), fn);
  const manager: IntentManager = {
    observe: (o, actor = 'system') => (o.mac === undefined ? observe(core, o, actor) : lock(o.mac, () => observe(core, o, actor))),
    refresh: (mac, { force = false, actor = 'system' } = {}) =>
      lock(mac, async () => refreshDevice(core, await getDevice(core, mac), force, actor)),
    remove: (mac, actor = 'system') => lock(mac, () => removeDevice(mac, actor)),
    async decommission(guid, actor = 'system') {
      const hex = guid.toLowerCase().replaceAll('-', '');
      const devices = await options.store.intentDevices.findByGuid(hex);
      const out: IntentDeviceRecord[] = [];
      for (const d of devices) out.push(d.state === 'removed' ? d : await manager.remove(d.mac, actor));
      return out;
    },
    reportViolations: (mac, v) => lock(mac, () => reportViolations(core, mac, v)),
    // A history for people to read, written as seen: it changes no device, so it takes no lock.
    // One transaction: one commit per report, however many devices it names.
    async recordFlows(flows) {
      if (flows.length > 0) await options.store.transaction((r) => r.intentFlows.record(flows));
      return flows.length;
    },
    quarantine: (mac, actor, reason) => lock(mac, () => quarantine(core, mac, actor, reason)),
    release: (mac, actor, reason = '') => lock(mac, () => release(core, mac, actor, reason)),
    tick: (now) => tick(core, now ?? core.now()),
    policies: () => currentPolicies(core),
    learnNames: (mac, answers) => lock(mac, () => learnNames(core, mac, answers)),
    reconcile: () => reconcile(core),
    async close() {
      const l = options.lease;
      if (l !== undefined && core.leader) await options.store.intentLeases.release(l.gateway, l.holder);
      core.leader = l === undefined;
    },
  };
  return manager;

  async function removeDevice(mac: string, actor: string): Promise<IntentDeviceRecord> {
    const d = await getDevice(core, mac);
    if (core.leader) await core.o.enforcer.removeDevice(d.mac);
    const { dueAt: _due, ...rest } = input(d);
    const removed = await core.o.store.intentDevices.put({
      ...rest,
      state: 'removed',
      ruleCount: 0,
      ...(core.leader ? {} : { dueAt: core.now() }),
    });
    core.o.metrics?.state?.(removed.mac, removed.state, 0);
    await audit(core, actor, 'intent.device.removed', d.mac);
    return removed;
  }
}
