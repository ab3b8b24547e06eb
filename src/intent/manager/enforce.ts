/** Programs the firewall for one device's state, timing each nft transaction. */
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { lastGoodFile, type ManagerCore } from './core.ts';
import { type CompiledDevice, denyPolicy, filePolicy, type PeerMaps, quarantinePolicy } from './policy.ts';

export async function applyScript(core: ManagerCore, compiled: CompiledDevice): Promise<void> {
  const start = process.hrtime.bigint();
  await core.o.enforcer.apply(compiled.script);
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

/**
 * Applies what the device's state calls for (desiredPolicy); 'allowed' and 'removed' take its rules
 * away. Throws what the compiler or the enforcer throws.
 */
export async function enforceState(core: ManagerCore, d: IntentDeviceRecord, peers: PeerMaps): Promise<Outcome> {
  const { state, compiled } = desiredPolicy(core, d, peers);
  if (compiled === undefined) {
    await core.o.enforcer.removeDevice(d.mac);
    return { state: state as 'allowed' | 'removed', rules: 0 };
  }
  await applyScript(core, compiled);
  return { state: state as 'enforced' | 'default-deny' | 'quarantined', rules: compiled.rules };
}
