import { cpus, totalmem } from 'node:os';

export interface Measurement {
  name: string;
  opsPerSec: number;
  /** Per-operation latency percentiles in microseconds, from batches of `batch` operations. */
  p50Us: number;
  p99Us: number;
  samples: number;
}

/**
 * Runs `fn` repeatedly for about `seconds` after a warm-up, timing batches of operations (timing
 * single sub-microsecond calls would measure the clock), and reports throughput and percentiles.
 */
export function measure(name: string, fn: () => unknown, seconds = 1, batch = 32): Measurement {
  const warmUntil = performance.now() + Math.min(200, seconds * 200);
  while (performance.now() < warmUntil) for (let i = 0; i < batch; i++) fn();
  const perOp: number[] = [];
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  const started = performance.now();
  while (performance.now() < end) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    perOp.push(Number(process.hrtime.bigint() - t) / 1000 / batch);
    ops += batch;
  }
  const elapsed = (performance.now() - started) / 1000;
  perOp.sort((a, b) => a - b);
  const pct = (p: number): number => Number((perOp[Math.min(perOp.length - 1, Math.floor(p * perOp.length))] ?? 0).toFixed(3));
  return { name, opsPerSec: Math.round(ops / elapsed), p50Us: pct(0.5), p99Us: pct(0.99), samples: perOp.length };
}

/** What the numbers were measured on. */
export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** The mean of `runs` sequential timings of the async `fn`, milliseconds (two decimals). */
export async function meanMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return Math.round(((performance.now() - t) / runs) * 100) / 100;
}

/**
 * Throughput of `a` over that of `b`, timed in alternating batches so that a change in the load of
 * a shared machine falls on both alike: the median of the per-round ratios.
 */
export function interleavedRatio(a: () => unknown, b: () => unknown, seconds: number, batch = 16): number {
  const time = (f: () => unknown): number => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) f();
    return Number(process.hrtime.bigint() - t);
  };
  for (let i = 0; i < 4; i++) {
    time(a);
    time(b);
  }
  const ratios: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const ta = time(a);
    const tb = time(b);
    ratios.push(tb / ta);
  }
  ratios.sort((x, y) => x - y);
  return Number((ratios[Math.floor(ratios.length / 2)] ?? 0).toFixed(3));
}
