/** Programs the firewall for one device's state (or many in one transaction), timing each nft transaction. */
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { lastGoodFile, type ManagerCore } from './core.ts';
import { needsPeers, type PeerLoader } from './peers.ts';
import { type CompiledDevice, denyPolicy, filePolicy, noPeers, type PeerMaps, quarantinePolicy } from './policy.ts';

export async function applyScript(core: ManagerCore, script: string): Promise<void> {
  const start = process.hrtime.bigint();
  await core.o.enforcer.apply(script);
  core.o.metrics?.applied?.(Number(process.hrtime.bigint() - start) / 1e9);
}

export type Outcome = { state: 'allowed' | 'removed'; rules: 0 } | { state: 'enforced' | 'default-deny' | 'quarantined'; rules: number };

/**
 * What the device's state calls for: quarantine, its last good file, or the never-good default
 * (`compiled` absent: no rules, for 'allowed' and 'removed'). Throws what the compiler throws.
 */
export function desiredPolicy(
  core: ManagerCore,
  d: IntentDeviceRecord,
  peers: PeerMaps,
): { state: Outcome['state']; compiled?: CompiledDevice } {
  if (d.state === 'removed') return { state: 'removed' };
  const file = lastGoodFile(core, d);
  if (d.state === 'quarantined') return { state: 'quarantined', compiled: quarantinePolicy(core.o, d, file, peers) };
  if (file !== undefined) return { state: 'enforced', compiled: filePolicy(core.o, d, file, peers) };
  if (core.o.neverGood === 'allow') return { state: 'allowed' };
  return { state: 'default-deny', compiled: denyPolicy(core.o, d) };
}

/** What a device's state calls for: its rules taken away, or a compiled script to apply. */
export type Plan = { remove: true; outcome: Outcome } | { remove: false; compiled: CompiledDevice; outcome: Outcome };

/**
 * desiredPolicy as a plan; the other devices are read (once per loader) only for a file that names
 * manufacturers or models. Throws what the compiler throws.
 */
export async function planState(core: ManagerCore, d: IntentDeviceRecord, loadPeers: PeerLoader): Promise<Plan> {
  const file = d.state === 'removed' ? undefined : lastGoodFile(core, d);
  const peers = file !== undefined && needsPeers(file) ? await loadPeers() : noPeers();
  const { state, compiled } = desiredPolicy(core, d, peers);
  if (compiled === undefined) return { remove: true, outcome: { state: state as 'allowed' | 'removed', rules: 0 } };
  return { remove: false, compiled, outcome: { state: state as 'enforced' | 'default-deny' | 'quarantined', rules: compiled.rules } };
}

/** Applies the plan for the device's state. Throws what the compiler or the enforcer throws. */
export async function enforceState(core: ManagerCore, d: IntentDeviceRecord, loadPeers: PeerLoader): Promise<Outcome> {
  const plan = await planState(core, d, loadPeers);
  if (plan.remove) await core.o.enforcer.removeDevice(d.mac);
  else await applyScript(core, plan.compiled.script);
  return plan.outcome;
}
