/**
 * Memory of a MUD manager holding 10,000 enforced devices: a separate process (intent-rss-holder.ts,
 * with --expose-gc so that RSS is read after a collection) holds every resolved policy and compiled
 * script and applies them to nftables in its own namespace. Needs root and nft. BENCH_SECONDS
 * below 1 scales the device count and the apply budget down; both are in the result.
 */
import { spawnSync } from 'node:child_process';
import { intentBenchSkip, scaledCount } from './intent-apply.ts';

export function intentRssBench(seconds: number): unknown {
  const skip = intentBenchSkip();
  if (skip !== undefined) return { skipped: skip };
  const holder = new URL('./intent-rss-holder.ts', import.meta.url).pathname;
  const devices = scaledCount(10_000, seconds);
  const budget = Math.max(5, Math.round(120 * Math.min(1, seconds)));
  const r = spawnSync(process.execPath, ['--expose-gc', holder, String(devices), String(budget)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { error: `the holder process exited ${r.status}: ${r.stderr.slice(0, 500)}` };
  return JSON.parse(r.stdout);
}
