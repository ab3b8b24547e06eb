/**
 * Enforcement latency on the real nftables: 1,000 devices (mixed real-world MUD files) compiled
 * and applied with `nft -f` as one transaction inside a network namespace made for the run, then
 * one more device applied on top of them, and one of them applied again (a policy update).
 * Needs root and nft; otherwise it reports why it was skipped. BENCH_SECONDS below 1 scales the
 * device count down (for smoke runs); the count used is in the result.
 */
import { spawnSync } from 'node:child_process';
import { joinScripts } from '../src/intent/nft-join.ts';
import { Namespace } from '../test/helpers/netns.ts';
import { type BenchPolicy, benchFiles, benchPolicy } from './intent-apply-devices.ts';

export interface IntentApplyResult {
  devices: number;
  files: number;
  compileMs: number;
  script: { lines: number; bytes: number; rules: number; sets: number; chains: number };
  applyAllMs: number;
  applyAllMsPerDevice: number;
  /** Median of three: a new device added when `devices` are enforced. */
  applyOneMoreMs: number;
  /** Median of three: an enforced device's policy applied again. */
  reapplyOneMs: number;
  kernelChains: number;
  /** Address sets in the table: shared by the devices whose ACEs resolved to the same addresses. */
  kernelSets: number;
}

/** Why the enforcement benchmarks cannot run here, or undefined when they can. */
export function intentBenchSkip(): string | undefined {
  if (process.getuid?.() !== 0) return 'skipped: not root, no network namespace for nftables';
  if (spawnSync('nft', ['--version']).error !== undefined) return 'skipped: nft is not installed';
  if (spawnSync('ip', ['-V']).error !== undefined) return 'skipped: ip (iproute2) is not installed';
  return undefined;
}

export function scaledCount(full: number, seconds: number): number {
  return Math.max(10, Math.round(full * Math.min(1, seconds)));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Applies `script` in `ns` and returns the milliseconds it took; throws with nft's message on failure. */
export function timedApply(ns: Namespace, script: string): number {
  const t = performance.now();
  const r = ns.exec('nft', ['-f', '-'], script);
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`nft -f failed: ${r.stderr.slice(0, 500)}`);
  return Math.round(ms);
}

/** Counts of what a script creates. */
export function scriptSize(script: string): IntentApplyResult['script'] {
  const count = (re: RegExp) => script.match(re)?.length ?? 0;
  return {
    lines: count(/\n/g),
    bytes: Buffer.byteLength(script),
    rules: count(/^add rule /gm),
    sets: count(/^add set /gm),
    chains: count(/^add chain /gm),
  };
}

export function kernelChains(ns: Namespace): number {
  return ns.exec('nft', ['list', 'chains']).stdout.match(/^\s*chain /gm)?.length ?? 0;
}

export function kernelSets(ns: Namespace): number {
  return ns.exec('nft', ['-t', 'list', 'sets']).stdout.match(/^\s*set /gm)?.length ?? 0;
}

export function intentApplyBench(seconds: number): IntentApplyResult | { skipped: string } {
  const skip = intentBenchSkip();
  if (skip !== undefined) return { skipped: skip };
  const devices = scaledCount(1000, seconds);
  const files = benchFiles();
  const t = performance.now();
  const policies: BenchPolicy[] = Array.from({ length: devices + 2 }, (_, i) => benchPolicy(files, i));
  const compileMs = Math.round(((performance.now() - t) * devices) / (devices + 2));
  const all = joinScripts(policies.slice(0, devices).map((p) => p.script));
  const ns = new Namespace('bench');
  try {
    const applyAllMs = timedApply(ns, all);
    const extra = (policies[devices] as BenchPolicy).script;
    const again = (policies[0] as BenchPolicy).script;
    const oneMore = [timedApply(ns, extra), timedApply(ns, extra), timedApply(ns, extra)];
    const reapply = [timedApply(ns, again), timedApply(ns, again), timedApply(ns, again)];
    const kernel = kernelChains(ns);
    const sets = kernelSets(ns);
    return {
      devices,
      files: files.length,
      compileMs,
      script: scriptSize(all),
      applyAllMs,
      applyAllMsPerDevice: Number((applyAllMs / devices).toFixed(2)),
      applyOneMoreMs: median(oneMore),
      reapplyOneMs: median(reapply),
      kernelChains: kernel,
      kernelSets: sets,
    };
  } finally {
    ns.destroy();
  }
}
