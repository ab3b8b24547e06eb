/**
 * The process measured by intent-rss.ts (run with --expose-gc): it resolves and compiles N devices
 * and keeps every resolved policy and script, as a MUD manager does, then applies them to nftables
 * in a namespace of its own, in transactions of BATCH devices until all are applied or the time
 * budget is spent. Then, with them enforced, it times what the manager does through the enforcer
 * (which reads the table before each change): one more device, one device with another file,
 * removing one, reading the drop counts. Prints one JSON object. Arguments: N, the budget in
 * seconds.
 */

import { nftEnforcer } from '../src/intent/nft/nft-enforcer.ts';
import { joinScripts } from '../src/intent/nft-join.ts';
import { Namespace } from '../test/helpers/netns.ts';
import { kernelChains, kernelSets, scriptSize, timedApply } from './intent-apply.ts';
import { type BenchPolicy, benchFiles, benchPolicy } from './intent-apply-devices.ts';

/** `script` of the device `from` made the script of the device `to` (same file, other MAC). */
function rebind(script: string, from: string, to: string): string {
  const id = (mac: string) => `d_${mac.replaceAll(':', '')}`;
  return script.replaceAll(from, to).replaceAll(id(from), id(to));
}

const BATCH = 250;
const [devices = 10_000, budgetSeconds = 60] = process.argv.slice(2).map(Number);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rssMiB = (): number => {
  gc();
  return Number((process.memoryUsage().rss / 2 ** 20).toFixed(1));
};

const files = benchFiles();
const before = rssMiB();
const t = performance.now();
const held = Array.from({ length: devices }, (_, i) => benchPolicy(files, i));
const compileMs = Math.round(performance.now() - t);
const afterCompile = rssMiB();
const ns = new Namespace('rss');
try {
  const end = performance.now() + budgetSeconds * 1000;
  let applied = 0;
  let applyMs = 0;
  const lastBatchMs: number[] = [];
  while (applied < devices && performance.now() < end) {
    const batch = held.slice(applied, applied + BATCH);
    const ms = timedApply(ns, joinScripts(batch.map((p) => p.script)));
    applyMs += ms;
    lastBatchMs.push(ms);
    applied += batch.length;
  }
  const afterApply = rssMiB();
  const enforcer = nftEnforcer({ netns: ns.name });
  const timed = async (f: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await f();
    return Math.round(performance.now() - start);
  };
  const other = benchPolicy(files, devices + 1);
  const enforcerMs = {
    applyOneMore: await timed(() => enforcer.apply(benchPolicy(files, devices).script)),
    applyOneAgainWithAnotherFile: await timed(() =>
      enforcer.apply(rebind(other.script, other.policy.mac, (held[0] as BenchPolicy).policy.mac)),
    ),
    removeOne: await timed(() => enforcer.removeDevice((held[1] as BenchPolicy).policy.mac)),
    dropCounters: await timed(() => enforcer.dropCounters()),
  };
  const perDeviceKiB = Number((((afterCompile - before) * 1024) / devices).toFixed(2));
  const size = scriptSize(joinScripts(held.slice(0, applied).map((p) => p.script)));
  process.stdout.write(
    `${JSON.stringify({
      devices,
      files: files.length,
      compileMs,
      rssMiB: { before, afterCompile, afterApply },
      heldPerDeviceKiB: perDeviceKiB,
      enforcerMs,
      kernel: {
        devicesApplied: applied,
        batch: BATCH,
        applyMs,
        batchMs: lastBatchMs,
        chains: kernelChains(ns),
        sets: kernelSets(ns),
        script: size,
      },
      budgetSeconds,
    })}\n`,
  );
} finally {
  ns.destroy();
}
