/** Programs the firewall for one device's state, timing each nft transaction. */
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { lastGoodFile, type ManagerCore } from './core.ts';
import { needsPeers, type PeerLoader } from './peers.ts';
import { type CompiledDevice, denyPolicy, filePolicy, noPeers, quarantinePolicy } from './policy.ts';

export async function applyScript(core: ManagerCore, compiled: CompiledDevice): Promise<void> {
  const start = process.hrtime.bigint();
  await core.o.enforcer.apply(compiled.script);
  core.o.metrics?.applied?.(Number(process.hrtime.bigint() - start) / 1e9);
}

export type Outcome = { state: 'allowed' | 'removed'; rules: 0 } | { state: 'enforced' | 'default-deny' | 'quarantined'; rules: number };

/**
 * Applies what the device's state calls for: quarantine, its last good file, or the never-good
 * default; 'removed' takes its rules away. Throws what the compiler or the enforcer throws.
 */
export async function enforceState(core: ManagerCore, d: IntentDeviceRecord, loadPeers: PeerLoader): Promise<Outcome> {
  if (d.state === 'removed') {
    await core.o.enforcer.removeDevice(d.mac);
    return { state: 'removed', rules: 0 };
  }
  const file = lastGoodFile(core, d);
  // The other devices are read only for a file that names manufacturers or models.
  const peers = file !== undefined && needsPeers(file) ? await loadPeers() : noPeers();
  if (d.state === 'quarantined') {
    const c = quarantinePolicy(core.o, d, file, peers);
    await applyScript(core, c);
    return { state: 'quarantined', rules: c.rules };
  }
  if (file !== undefined) {
    const c = filePolicy(core.o, d, file, peers);
    await applyScript(core, c);
    return { state: 'enforced', rules: c.rules };
  }
  if (core.o.neverGood === 'allow') {
    await core.o.enforcer.removeDevice(d.mac);
    return { state: 'allowed', rules: 0 };
  }
  const c = denyPolicy(core.o, d);
  await applyScript(core, c);
  return { state: 'default-deny', rules: c.rules };
}
